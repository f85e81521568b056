"""The load generator of bench/load.py and bench/micro.py: games of two websocket clients each,
seated through the public lobby, playing real legal moves, every move timed as its mover sees it
(``MakeMove`` sent -> ``MoveMade`` with ``replyTo == reqId`` received); and the floors, a
websocket round trip answered by the web process itself and a bare Celery round trip."""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import gc
import math
import random
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

from tests.support.seating import choosing, pairing, run_async
from tests.support.stats import percentile
from tests.support.wsclient import AsyncClient as Client
from tests.support.wsclient import kind

BOARD = 19
STONES_PER_COLOR = 180  # 9.5 rows each; the last empty point (9, 9) is never played
MOVE_TIMEOUT_S = 10.0
MOVE_ATTEMPTS = 3  # the first send and two resends of the same reqId (the server answers once)
SETUP_TIMEOUT_S = 20.0
FLOOR_EVERY_S = 0.2
FLOOR_TASK = "celery.accumulate"


def point(move_index: int) -> tuple[str, dict[str, int]]:
    """The ``move_index``-th move (0-based) of a game: Black from the top, White from the bottom."""
    k = move_index // 2
    if move_index % 2 == 0:
        return "BLACK", {"x": k % BOARD, "y": k // BOARD}
    return "WHITE", {"x": BOARD - 1 - k % BOARD, "y": BOARD - 1 - k // BOARD}


@dataclass
class Game:
    game_id: str
    black: Client
    white: Client
    played: int = 0

    @property
    def full(self) -> bool:
        return self.played >= 2 * STONES_PER_COLOR


@dataclass
class Move:
    """A move ready to go: the client whose turn it is, its ``MakeMove`` and when it is sent."""

    client: Client
    payload: dict[str, Any]
    sent: float

    @property
    def req_id(self) -> str:
        return str(self.payload["reqId"])


async def next_move(game: Game) -> Move:
    """The game's next move (:func:`point`), once the protocol's rate limit lets its client send
    it: that wait is not measured, a real client could not send sooner either."""
    player, coord = point(game.played)
    client = game.black if player == "BLACK" else game.white
    await client.pace()
    client.paced = True
    payload = {"type": "MakeMove", "gameId": game.game_id, "reqId": uuid.uuid4().hex, "player": player,
               "coord": coord}
    return Move(client, payload, time.perf_counter())


async def send_move(move: Move, on_resend: Callable[[], None]) -> Optional[tuple[dict[str, Any], float]]:
    """Send the move and wait for its answer (and when it arrived), sending it again after each
    ``MOVE_TIMEOUT_S`` unanswered (the same reqId: the server answers once; ``on_resend()`` each
    time), ``MOVE_ATTEMPTS`` sends in all; ``None`` if none was answered."""
    client = move.client
    for _ in range(MOVE_ATTEMPTS):
        future = client.expect_reply(move.req_id)
        await client.send(move.payload)
        try:
            return await asyncio.wait_for(future, MOVE_TIMEOUT_S)
        except asyncio.TimeoutError:
            client.replies.pop(move.req_id, None)
            on_resend()
    return None


@dataclass
class Results:
    measure_start: float = math.inf
    measure_end: float = math.inf
    moves_ms: list[float] = field(default_factory=list)
    accepted_in_window: int = 0
    accepted_total: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    resent: int = 0
    lost: int = 0
    pairings: int = 0
    pairing_ms: list[float] = field(default_factory=list)
    ws_floor_ms: list[float] = field(default_factory=list)
    celery_floor_ms: list[float] = field(default_factory=list)
    celery_floor_errors: int = 0
    late_ticks: int = 0

    def measuring(self, at: float) -> bool:
        return self.measure_start <= at < self.measure_end


class Load:
    def __init__(self, args: argparse.Namespace, gateways: list[str], sender: Any) -> None:
        self.args = args
        self.gateways = gateways
        self.sender = sender
        self.compression = None if args.compression == "none" else "deflate"
        self.results = Results()
        self.stopping = False
        self.pairing = asyncio.Lock()  # one pairing in the lobby at a time: A then B, never crossed
        self.clients: list[Client] = []
        self.errors: Counter[str] = Counter()  # Error codes received, and pacing waits
        self.observer: Optional[Any] = None  # bench/load.py's Observer, with --breakdown
        self.timings: list[tuple[str, float, float]] = []  # (reqId, sent, arrived), measured moves
        self._next_gateway = 0

    def gateway(self) -> str:
        url = self.gateways[self._next_gateway % len(self.gateways)]
        self._next_gateway += 1
        return url

    def connect_options(self) -> dict[str, Any]:
        """What :meth:`AsyncClient.open` is told besides the gateway and the compression."""
        return {"timeout": SETUP_TIMEOUT_S}

    async def open_client(self) -> Client:
        client = await Client.open(self.gateway(), self.compression, **self.connect_options())
        self.clients.append(client)
        return client

    async def pair(self, a: Client, b: Client) -> Game:
        """Seat ``a`` as Black and ``b`` as White (support/seating.py); one pairing in the lobby at a time."""
        started = time.perf_counter()
        async with self.pairing:
            game_id = await run_async(pairing(a, b, BOARD), SETUP_TIMEOUT_S)
        await run_async(choosing(a, b, game_id), SETUP_TIMEOUT_S)
        self.results.pairings += 1
        self.results.pairing_ms.append((time.perf_counter() - started) * 1000.0)
        return Game(game_id, a, b)

    async def new_game(self) -> Game:
        a, b = await asyncio.gather(self.open_client(), self.open_client())
        return await self.pair(a, b)

    async def retire(self, game: Game) -> None:
        for client in (game.black, game.white):
            if client in self.clients:
                self.clients.remove(client)
            self.tally(client)
            await client.close()

    def tally(self, client: Client) -> None:
        self.errors.update(client.errors)
        if client.throttled:
            self.errors["(client-side pacing to the rate limit)"] += client.throttled

    async def move(self, game: Game) -> bool:
        """Play the game's next move; ``False`` if it was rejected or never answered."""
        move = await next_move(game)
        req_id, sent = move.req_id, move.sent
        answered = await send_move(move, self._resent)
        if answered is None:
            self.results.lost += 1
            return False
        event, arrived = answered
        results = self.results
        if event.get("type") != "MoveMade":
            results.rejected[f"{event.get('type')}:{event.get('reason') or event.get('code')}"] += 1
            return False
        game.played += 1
        results.accepted_total += 1
        if results.measuring(sent):
            results.moves_ms.append((arrived - sent) * 1000.0)
            if self.observer is not None:
                self.timings.append((req_id, sent, arrived))
        if results.measuring(arrived):
            results.accepted_in_window += 1
        return True

    def _resent(self) -> None:
        self.results.resent += 1

    async def play(self, game: Game, t0: float, end: float) -> None:
        args = self.args
        if args.flat_out:
            phase = 0.0
        elif args.burst:
            phase = 0.0
        else:
            phase = random.uniform(0.0, args.interval)
        tick = 0
        while not self.stopping:
            if not args.flat_out:
                due = t0 + phase + tick * args.interval
                now = time.perf_counter()
                if due < now - args.interval / 10:
                    # Late (the previous move took longer than the interval): skip the missed
                    # ticks, keep the phase.
                    self.results.late_ticks += 1
                    tick = math.ceil((now - t0 - phase) / args.interval)
                    due = t0 + phase + tick * args.interval
                tick += 1
                if due >= end:
                    return
                await asyncio.sleep(due - time.perf_counter())
            elif time.perf_counter() >= end:
                return
            if game.full or not await self.move(game):
                await self.retire(game)
                if self.stopping or time.perf_counter() >= end:
                    return
                game = await self.new_game()

    async def ws_floor(self, end: float) -> None:
        client = await self.open_client()
        while time.perf_counter() < end and not self.stopping:
            future = client.expect(kind("IdleStatusProvided"))
            sent = time.perf_counter()
            await client.send({"type": "ProvideIdleStatus"})
            _, arrived = await asyncio.wait_for(future, MOVE_TIMEOUT_S)
            if self.results.measuring(sent):
                self.results.ws_floor_ms.append((arrived - sent) * 1000.0)
            await asyncio.sleep(max(0.0, FLOOR_EVERY_S - (time.perf_counter() - sent)))

    def _celery_round_trip(self) -> float:
        started = time.perf_counter()
        result = self.sender.send_task(FLOOR_TASK, args=(1,), ignore_result=False).get(timeout=MOVE_TIMEOUT_S)
        elapsed = time.perf_counter() - started
        if result != [1]:
            raise RuntimeError(f"unexpected {FLOOR_TASK} result {result!r}")
        return elapsed

    async def celery_floor(self, end: float, pool: concurrent.futures.Executor) -> None:
        loop = asyncio.get_running_loop()
        while time.perf_counter() < end and not self.stopping:
            sent = time.perf_counter()
            try:
                elapsed = await loop.run_in_executor(pool, self._celery_round_trip)
            except Exception:  # noqa: BLE001  (a timeout under overload is a figure, not a crash)
                self.results.celery_floor_errors += 1
                continue
            if self.results.measuring(sent):
                self.results.celery_floor_ms.append(elapsed * 1000.0)
            await asyncio.sleep(max(0.0, FLOOR_EVERY_S - (time.perf_counter() - sent)))

    async def run(self, cpu: Any) -> tuple[Any, Any]:
        """Play for the warm-up and the measured window; ``cpu.snapshot()`` (bench/load.py's
        ``CpuWatch``) taken at the window's start and end."""
        args = self.args
        results = self.results
        started = time.perf_counter()
        games = []
        for i in range(args.games):
            games.append(await self.new_game())
        print(f"paired {len(games)} games ({2 * len(games)} clients) in {time.perf_counter() - started:.2f}s; "
              f"pairing p50 {percentile(sorted(results.pairing_ms), 50):.1f} ms", flush=True)
        gc.collect()
        gc.freeze()

        t0 = time.perf_counter()
        results.measure_start = t0 + args.warmup
        results.measure_end = results.measure_start + args.seconds
        end = results.measure_end
        pool = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="celery-floor")
        tasks = [asyncio.create_task(self.play(game, t0, end)) for game in games]
        tasks.append(asyncio.create_task(self.ws_floor(end)))
        tasks.append(asyncio.create_task(self.celery_floor(end, pool)))
        try:
            await asyncio.sleep(max(0.0, results.measure_start - time.perf_counter()))
            before = cpu.snapshot()
            await asyncio.sleep(max(0.0, results.measure_end - time.perf_counter()))
            after = cpu.snapshot()
            self.stopping = True
            # In-flight moves finish (bounded by their own timeouts).
            done = await asyncio.gather(*tasks, return_exceptions=True)
            failures = [d for d in done if isinstance(d, BaseException)]
            if failures:
                print(f"{len(failures)} client tasks failed; first: {failures[0]!r}", file=sys.stderr)
                if len(failures) > len(tasks) // 10:
                    raise failures[0]
        finally:
            self.stopping = True
            for task in tasks:
                task.cancel()
            pool.shutdown(wait=True, cancel_futures=True)
        return before, after

    async def close(self) -> None:
        await asyncio.gather(*(c.close() for c in self.clients), return_exceptions=True)

