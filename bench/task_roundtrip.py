"""Round-trip latency of Celery tasks through one real worker started the Procfile way.

Measures, with one worker process (``-P solo``) on its own key prefix:

* the floor: a task that does nothing, sent and awaited (``send`` -> worker -> result backend ->
  ``get``). Celery 5.7 registers no ``celery.ping`` task on a worker (it lives in
  ``celery.contrib.testing.tasks``, which the worker never imports), so the floor is the built-in
  ``celery.accumulate`` task, which every app registers and which only returns its arguments.
  For reference, ``make_move`` on an unknown game (one GET and one PUBLISH) is measured too.
* the real thing: ``bugout.moves.make_move`` on games in play, every move legal and saved.

Last line: ``task_roundtrip: moves=N move_p50_ms=X move_p99_ms=Y floor_p50_ms=A floor_p99_ms=B``.
"""

from __future__ import annotations

import argparse
import gc
import os
import signal
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Callable, Optional

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import scratch  # noqa: E402
from tests.support.processes import Proc, procfile_command, stop, wait_pinged  # noqa: E402
from tests.support.stats import summary as print_summary  # noqa: E402

WARMUP = 50
TIMEOUT_S = 10.0
MOVES_PER_GAME = 200
BOARD = 19
FLOOR_TASK = "celery.accumulate"
MOVE_TASK = "bugout.moves.make_move"


def summary(name: str, samples_ms: list[float]) -> dict[str, float]:
    return print_summary(name, samples_ms, widths=(34, 5, 7))


def timed(call: Callable[[], object], expect: Callable[[object], bool], count: int) -> list[float]:
    samples = []
    for _ in range(count):
        start = time.perf_counter()
        result = call()
        elapsed = time.perf_counter() - start
        if not expect(result):
            raise RuntimeError(f"unexpected task result {result!r}")
        samples.append(elapsed * 1000.0)
    return samples


class Games:
    """Games in play on a 19x19 board, each played up to ``MOVES_PER_GAME`` legal moves.

    Black fills the board from the top row down, White from the bottom row up: 100 stones each
    never reach the middle rows, so no move captures, is suicide or repeats a position.
    """

    def __init__(self, store) -> None:
        from app import game

        self.game = game
        self.store = store
        self.game_id = ""
        self.black = self.white = ""
        self.played = MOVES_PER_GAME
        self.games = 0

    def _new(self) -> None:
        game = self.game
        self.game_id = f"bench-{uuid.uuid4()}"
        self.black, self.white = str(uuid.uuid4()), str(uuid.uuid4())
        state = game.new_game(self.game_id, self.black, BOARD)
        state = game.join(state, self.white).state
        state = game.choose_color(state, self.black, game.ColorPref.BLACK).state
        state = game.choose_color(state, self.white, game.ColorPref.WHITE).state
        assert state.phase is game.Phase.PLAYING and state.black == self.black
        if not self.store.create(state):
            raise RuntimeError("could not create a game")
        self.played = 0
        self.games += 1

    def next_args(self) -> tuple:
        if self.played >= MOVES_PER_GAME:
            self._new()
        i = self.played
        k = i // 2
        if i % 2 == 0:
            client, player, point = self.black, "BLACK", {"x": k % BOARD, "y": k // BOARD}
        else:
            client, player, point = self.white, "WHITE", {"x": k % BOARD, "y": BOARD - 1 - k // BOARD}
        self.played += 1
        return (self.game_id, client, f"req-{i}", player, point)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=1000, help="measured round trips of each kind")
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    parser.add_argument("--worker-args", default="", help="appended to the Procfile's worker command; "
                        "write --worker-args='-c 1 ...' when it starts with a dash")
    args = parser.parse_args()
    if args.moves < 1:
        parser.error("--moves must be at least 1")

    prefix = f"bugout-bench-{uuid.uuid4().hex[:10]}"
    # Before the app is imported, so even its module-level Celery app stays under our prefix.
    os.environ["KEY_PREFIX"] = prefix
    os.environ["REDIS_URL"] = args.redis_url
    # A SIGTERM to the benchmark still runs the cleanup below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))

    from app.celery_app import create_celery
    from app.config import Settings
    from app.store import GameStore

    settings = Settings.from_env(redis_url=args.redis_url, key_prefix=prefix)
    sender = create_celery(settings)
    store = GameStore.connect(settings)
    log = Path(tempfile.mkstemp(prefix=f"{prefix}-worker-", suffix=".log")[1])
    worker: Optional[Proc] = None
    ok = False
    last_line = ""
    try:
        print(f"prefix={prefix} worker: {procfile_command('worker')} {args.worker_args}".rstrip(), flush=True)
        started = time.monotonic()
        worker = scratch.start("worker", "worker", {"KEY_PREFIX": prefix, "REDIS_URL": args.redis_url}, log, args.worker_args)
        wait_pinged(sender, [worker])
        print(f"worker pid={worker.process.pid} answered ping after {time.monotonic() - started:.2f}s", flush=True)

        def send(name: str, task_args: tuple) -> object:
            return sender.send_task(name, args=task_args, ignore_result=False).get(timeout=TIMEOUT_S)

        unknown = ("no-such-game", "bench-client", None, "BLACK", {"x": 0, "y": 0})
        games = Games(store)

        def floor_call() -> object:
            return send(FLOOR_TASK, (1,))

        def unknown_call() -> object:
            return send(MOVE_TASK, unknown)

        def move_call() -> object:
            return send(MOVE_TASK, games.next_args())

        def is_floor(r: object) -> bool:
            return r == [1]

        def is_unknown(r: object) -> bool:
            return r == "unknown_game"

        def is_saved(r: object) -> bool:
            return r == "saved"

        # Warm-up (connections, result consumer, worker imports), then freeze setup garbage.
        timed(floor_call, is_floor, WARMUP)
        timed(unknown_call, is_unknown, WARMUP)
        timed(move_call, is_saved, WARMUP)
        gc.collect()
        gc.freeze()

        floor = timed(floor_call, is_floor, args.moves)
        cheap = timed(unknown_call, is_unknown, args.moves)
        moves = timed(move_call, is_saved, args.moves)

        print(f"floor task: {FLOOR_TASK} (no celery.ping is registered on the worker in Celery 5.7)")
        floor_stats = summary(f"floor {FLOOR_TASK}", floor)
        summary("make_move unknown game", cheap)
        move_stats = summary("make_move saved", moves)
        print(f"games played: {games.games} ({MOVES_PER_GAME} moves each at most, "
              f"{WARMUP + args.moves} moves saved)")
        ok = True
        last_line = (f"task_roundtrip: moves={args.moves} move_p50_ms={move_stats['p50']:.3f} "
                     f"move_p99_ms={move_stats['p99']:.3f} floor_p50_ms={floor_stats['p50']:.3f} "
                     f"floor_p99_ms={floor_stats['p99']:.3f}")
    finally:
        if worker is not None:
            stop(worker.process)
        sender.close()
        removed = store.delete_everything()  # games, events, replies and Celery's keys (prefix:celery:*)
        store.redis.close()
        if ok or not log.stat().st_size:
            log.unlink(missing_ok=True)
        else:
            print(f"worker log kept at {log}", file=sys.stderr)
        print(f"cleanup: worker stopped, {removed} keys under {prefix}: deleted", file=sys.stderr, flush=True)
    print(last_line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
