"""End-to-end load: many games played over websockets against the stack started the Procfile way.

Starts, on a key prefix of its own, ``web`` (gunicorn + gevent) on a free port and one ``worker``
(no ``beat``), exactly as the Procfile says, waits until ``GET /`` answers and a worker answers a
Celery ping, then:

* pairs ``--games`` games of two websocket clients each (``websockets`` asyncio clients, one
  fresh clientId per client), one after the other through the public lobby (19x19):
  A ``FindPublicGame`` -> ``WaitForOpponent``, then B ``FindPublicGame`` -> both ``GameReady``,
  then ``ChooseColorPref`` Black / White -> both ``YourColor``;
* plays real legal moves: Black fills the board from the top row down, White from the bottom row
  up (180 stones each never capture, are never suicide and never repeat a position; a game that
  used them all is replaced by a newly paired one);
* paced (default): every game moves about once per ``--interval`` second, each game on its own
  random phase so games are not in lockstep; ``--burst`` puts all games in phase (the worst case:
  every game moves at the same instant); ``--flat-out``: every game moves as soon as its previous
  move is answered;
* measures every move as its mover sees it (``MakeMove`` sent -> ``MoveMade`` with
  ``replyTo == reqId`` received) and counts rejections, after ``--warmup`` seconds, for
  ``--seconds``;
* in the same run, the floors: a websocket round trip to the same web process answered by the
  web process itself (``ProvideIdleStatus`` -> ``IdleStatusProvided``), and a bare Celery
  round trip (``celery.accumulate`` sent with ``ignore_result=False`` and awaited in a thread),
  each about 5 times a second from its own client;
* where the time goes, without touching the stack: the CPU each process used during the measured
  window (``/proc/<pid>/stat``) and how long it was runnable but waiting for a core
  (``/proc/<pid>/task/*/schedstat``), the machine's total (other users of it included), and the
  Redis commands run per accepted move (``INFO commandstats``); with ``--breakdown``, each move
  split at the instant its ``MoveMade`` is published, and the Celery queue's length.

Clients keep to the protocol's rate limit (20 frames/s, bursts of 40) on their side, as a real
client must; a wait for it comes before a move's clock starts and is counted in the report.
``--web-workers`` / ``--workers`` start more of the Procfile's ``web`` / ``worker`` processes.

Everything it started is stopped and every key under its prefix deleted, whatever happens.

Last line: ``load: games=N moves_per_s=X p50_ms=A p99_ms=B celery_floor_p50_ms=C ws_floor_p50_ms=D``
(`` flat_out=1`` appended in flat-out mode).
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import random
import signal
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.loadgen import FLOOR_TASK, MOVE_TIMEOUT_S, Load, Results  # noqa: E402
from bench.scratch import redis_commandstats, start  # noqa: E402
from tests.support import proc  # noqa: E402
from tests.support.processes import Proc, free_port, procfile_command, stop, wait_pinged, wait_serving  # noqa: E402
from tests.support.stats import summary  # noqa: E402

# -- where the time goes: CPU from /proc, Redis's commands ---------------------------------------

@dataclass
class CpuSnapshot:
    at: float
    ticks: dict[int, int]
    system: tuple[int, int, int]
    redis_calls: dict[str, int]
    sched: dict[int, tuple[int, int]]


class CpuWatch:
    """Per-pid CPU of the processes we started (each whole process group), Redis and ourselves."""

    def __init__(self, procs: list[Proc], redis: Any) -> None:
        self.redis = redis
        redis_pid = redis_server_pid(redis)
        self.labels: dict[int, str] = {}
        for started in procs:
            for pid in proc.group_pids(started.process.pid):
                role = "" if pid == started.process.pid else " (child)"
                self.labels[pid] = f"{started.label}{role}"
        if redis_pid:
            self.labels[redis_pid] = "redis-server"
        self.labels[os.getpid()] = "bench (this process)"

    def snapshot(self) -> CpuSnapshot:
        ticks = {pid: t for pid in self.labels if (t := proc.cpu_ticks(pid, with_children=False)) is not None}
        sched = {pid: t for pid in self.labels if (t := proc.sched_ns(pid)) is not None}
        return CpuSnapshot(time.perf_counter(), ticks, proc.system_ticks(), redis_commandstats(self.redis), sched)

    def redis_report(self, before: CpuSnapshot, after: CpuSnapshot, moves: int) -> None:
        """Commands Redis ran per accepted move (the whole server: other users of it count too)."""
        if not moves or not after.redis_calls:
            return
        delta = {k: v - before.redis_calls.get(k, 0) for k, v in after.redis_calls.items()}
        top = sorted(((v, k) for k, v in delta.items() if v > 0), reverse=True)
        total = sum(v for v, _ in top)
        print(f"Redis commands per accepted move (whole server): {total / moves:.1f} = "
              + ", ".join(f"{k} {v / moves:.2f}" for v, k in top[:12]))

    def report(self, before: CpuSnapshot, after: CpuSnapshot) -> None:
        wall = after.at - before.at
        cores = os.cpu_count() or 1
        print(f"CPU during the measured window ({wall:.1f}s wall, {cores} cores; 100% = one core "
              f"saturated; 'runnable, waiting' = ready to run but no core free, from schedstat):")
        ours = 0.0
        for pid, label in self.labels.items():
            if pid in before.ticks and pid in after.ticks:
                used = 100.0 * (after.ticks[pid] - before.ticks[pid]) / proc.CLK_TCK / wall
                ours += used
                queued = ""
                if pid in before.sched and pid in after.sched:
                    waited = (after.sched[pid][1] - before.sched[pid][1]) / 1e9
                    queued = f"  runnable, waiting {100.0 * waited / wall:5.1f}%"
                print(f"  {label:<26} pid={pid:<7} {used:6.1f}%{queued}  {proc.cmdline(pid, 60)}")
        busy = after.system[0] - before.system[0]
        total = after.system[1] - before.system[1]
        if total:
            machine = 100.0 * busy / total * cores
            steal = 100.0 * (after.system[2] - before.system[2]) / total * cores
            print(f"  {'whole machine':<26} {'':<11} {machine:6.1f}% of {100 * cores}% "
                  f"(not ours: {max(0.0, machine - ours):.1f}%, of which stolen by the hypervisor: {steal:.1f}%)")


# -- --breakdown: Redis watched from the side --------------------------------------------------

class Observer:
    """``--breakdown``: watches Redis from the side, changing nothing in the stack.

    * a pattern subscription to every game channel stamps the instant each ``MoveMade`` is
      published (the worker saved the move), so a move splits into *in* (client send -> web ->
      queue -> worker -> publish) and *out* (publish -> web relay -> client);
    * the Celery queue's length, sampled every 10 ms (tasks waiting for the solo worker).
    Both run in threads of this process, so they cost the bench some CPU and GIL time.
    """

    def __init__(self, redis_url: str, prefix: str) -> None:
        import re

        import redis

        self._redis = redis.Redis.from_url(redis_url)
        self._pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        self._pubsub.psubscribe(f"{prefix}:ch:game:*")
        self._queue_key = f"{prefix}:celery:moves"
        self._reply_to = re.compile(rb'"replyTo":"([^"]+)"')
        self.published: dict[str, float] = {}
        self.depth: list[tuple[float, int]] = []
        self._stop = False
        self._threads = [threading.Thread(target=self._listen, daemon=True),
                         threading.Thread(target=self._sample, daemon=True)]
        for thread in self._threads:
            thread.start()

    def _listen(self) -> None:
        while not self._stop:
            message = self._pubsub.get_message(timeout=0.2)
            if message and message["type"] == "pmessage" and b'"MoveMade"' in message["data"]:
                at = time.perf_counter()
                found = self._reply_to.search(message["data"])
                if found:
                    self.published[found.group(1).decode()] = at

    def _sample(self) -> None:
        client = self._redis
        while not self._stop:
            self.depth.append((time.perf_counter(), int(client.llen(self._queue_key))))
            time.sleep(0.01)

    def close(self) -> None:
        self._stop = True
        for thread in self._threads:
            thread.join(timeout=2)
        self._pubsub.close()
        self._redis.close()


async def run_load(args: argparse.Namespace, gateways: list[str], sender: Any, prefix: str,
                   cpu_of: Callable[[], CpuWatch]) -> tuple[Results, CpuWatch, CpuSnapshot, CpuSnapshot, Counter[str], Load]:
    load = Load(args, gateways, sender)
    if args.breakdown:
        load.observer = Observer(args.redis_url, prefix)
    try:
        cpu = cpu_of()
        before, after = await load.run(cpu)
        for client in load.clients:
            load.tally(client)
        return load.results, cpu, before, after, load.errors, load
    finally:
        if load.observer is not None:
            load.observer.close()
        await load.close()


def report_breakdown(load: Load) -> None:
    observer = load.observer
    assert observer is not None
    ins, outs = [], []
    for req_id, sent, arrived in load.timings:
        published = observer.published.get(req_id)
        if published is not None:
            ins.append((published - sent) * 1000.0)
            outs.append((arrived - published) * 1000.0)
    print(f"breakdown (Redis watched from the side; {len(ins)} of {len(load.timings)} moves seen published):")
    summary("  in: send -> MoveMade published", ins)
    summary("  out: published -> mover receives", outs)
    results = load.results
    depths = [d for at, d in observer.depth if results.measuring(at)]
    if depths:
        busy = sum(1 for d in depths if d > 0)
        print(f"  Celery queue length (every 10 ms): max {max(depths)}, mean {sum(depths) / len(depths):.1f}, "
              f"non-empty in {100.0 * busy / len(depths):.0f}% of {len(depths)} samples")


def redis_server_pid(redis: Any) -> Optional[int]:
    try:
        pid = int(redis.info("server")["process_id"])
    except Exception:  # noqa: BLE001
        return None
    return pid if Path(f"/proc/{pid}").exists() else None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--games", type=int, default=100, help="games in play at once (2 clients each)")
    parser.add_argument("--seconds", type=float, default=30.0, help="measured duration")
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds played before measuring")
    parser.add_argument("--interval", type=float, default=1.0, help="paced: seconds between a game's moves")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--burst", action="store_true", help="paced, but every game moves at the same instant")
    mode.add_argument("--flat-out", action="store_true", help="every game moves as soon as its last move is answered")
    parser.add_argument("--web-workers", type=int, default=1,
                        help="web processes (each the Procfile's web line on its own port); clients spread round-robin")
    parser.add_argument("--workers", type=int, default=1, help="worker processes (the Procfile's worker line)")
    parser.add_argument("--compression", choices=("deflate", "none"), default="deflate",
                        help="websocket permessage-deflate as browsers offer it (default) or none")
    parser.add_argument("--redis-url", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0"))
    parser.add_argument("--seed", type=int, default=None, help="random phases")
    parser.add_argument("--breakdown", action="store_true",
                        help="also watch Redis from the side: split each move into in (send -> "
                             "MoveMade published) and out (published -> received), sample the queue")
    args = parser.parse_args()
    if args.games < 1 or args.seconds <= 0 or args.warmup < 0 or args.interval <= 0:
        parser.error("--games >= 1, --seconds > 0, --warmup >= 0, --interval > 0")
    if args.web_workers < 1 or args.workers < 1:
        parser.error("--web-workers and --workers must be at least 1")
    random.seed(args.seed)

    prefix = f"bugout-bench-{uuid.uuid4().hex[:10]}"
    # Before the app is imported, so even its module-level Celery app stays under our prefix.
    os.environ["KEY_PREFIX"] = prefix
    os.environ["REDIS_URL"] = args.redis_url
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # a SIGTERM still runs the cleanup

    from app.celery_app import create_celery
    from app.config import Settings
    from app.store import GameStore

    settings = Settings.from_env(redis_url=args.redis_url, key_prefix=prefix)
    sender = create_celery(settings)
    store = GameStore.connect(settings)
    env = {"KEY_PREFIX": prefix, "REDIS_URL": args.redis_url}
    logdir = Path(tempfile.mkdtemp(prefix=f"{prefix}-"))
    procs: list[Proc] = []
    ok = False
    last_line = ""
    try:
        mode_name = "flat-out" if args.flat_out else ("paced, burst (all in phase)" if args.burst
                                                      else "paced, random phases")
        print(f"prefix={prefix} mode={mode_name} games={args.games} warmup={args.warmup}s "
              f"seconds={args.seconds}s interval={args.interval}s compression={args.compression}", flush=True)
        print(f"web: {procfile_command('web')}", flush=True)
        print(f"worker: {procfile_command('worker')}", flush=True)
        started = time.monotonic()
        webs = []
        for i in range(args.web_workers):
            port = free_port()
            webs.append(start(f"web.{i + 1}", "web", {**env, "PORT": str(port)}, logdir / f"web{i + 1}.log", port=port))
        procs += webs
        workers = []
        for i in range(args.workers):
            # Distinct node names when there are several, so each answers the ping on its own.
            extra = f"-n moves{i + 1}@%h" if args.workers > 1 else ""
            workers.append(start(f"worker.{i + 1}", "worker", env, logdir / f"worker{i + 1}.log", extra))
        procs += workers
        for web in webs:
            wait_serving(f"http://127.0.0.1:{web.port}", web.process, web.log)
        wait_pinged(sender, workers)
        # A round trip through the worker warms the result consumer before anything is measured.
        sender.send_task(FLOOR_TASK, args=(1,), ignore_result=False).get(timeout=MOVE_TIMEOUT_S)
        print(f"ready after {time.monotonic() - started:.2f}s: "
              + ", ".join(f"{p.label} pid={p.process.pid}" + (f" port={p.port}" if p.port else "") for p in procs),
              flush=True)

        gateways = [f"ws://127.0.0.1:{web.port}/gateway" for web in webs]
        results, cpu, before, after, errors, load = asyncio.run(
            run_load(args, gateways, sender, prefix, lambda: CpuWatch(procs, store.redis)))

        window = after.at - before.at
        print(f"measured window {window:.2f}s after {args.warmup:.1f}s warm-up")
        move_stats = summary("move MakeMove->MoveMade (mover)", results.moves_ms)
        ws_stats = summary("ws floor ProvideIdleStatus", results.ws_floor_ms)
        celery_stats = summary(f"celery floor {FLOOR_TASK} get()", results.celery_floor_ms)
        moves_per_s = results.accepted_in_window / window
        print(f"accepted moves: {results.accepted_in_window} in the window ({moves_per_s:.1f}/s), "
              f"{results.accepted_total} in all; rejected: {sum(results.rejected.values())} "
              f"{dict(results.rejected) or ''}; resent after {MOVE_TIMEOUT_S:.0f}s: {results.resent}; "
              f"lost: {results.lost}")
        print(f"pairings: {results.pairings} ({results.pairings - args.games} replacement games); "
              f"Error events: {dict(errors) or 0}; celery floor failures: {results.celery_floor_errors}"
              + ("" if args.flat_out else f"; late ticks (a move not answered before its game's next was due): {results.late_ticks}"))
        if not math.isnan(celery_stats["p50"]) and celery_stats["p50"] > 0:
            print(f"move p50 / celery floor p50 = {move_stats['p50'] / celery_stats['p50']:.2f}x; "
                  f"move p50 - ws floor p50 - celery floor p50 = "
                  f"{move_stats['p50'] - ws_stats['p50'] - celery_stats['p50']:.3f} ms")
        cpu.report(before, after)
        cpu.redis_report(before, after, results.accepted_in_window)
        if load.observer is not None:
            report_breakdown(load)
        ok = True
        last_line = (f"load: games={args.games} moves_per_s={moves_per_s:.1f} p50_ms={move_stats['p50']:.3f} "
                     f"p99_ms={move_stats['p99']:.3f} celery_floor_p50_ms={celery_stats['p50']:.3f} "
                     f"ws_floor_p50_ms={ws_stats['p50']:.3f}" + (" flat_out=1" if args.flat_out else ""))
    finally:
        for started in procs:
            stop(started.process)
        sender.close()
        removed = store.delete_everything()  # games, lobby, events, replies and Celery's keys
        store.redis.close()
        kept = [p.log for p in procs if p.log.exists() and p.log.stat().st_size]
        if ok or not kept:
            for p in procs:
                p.log.unlink(missing_ok=True)
            try:
                logdir.rmdir()
            except OSError:
                pass
        else:
            print(f"logs kept in {logdir}", file=sys.stderr)
        print(f"cleanup: {len(procs)} processes stopped, {removed} keys under {prefix}: deleted",
              file=sys.stderr, flush=True)
    print(last_line, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
