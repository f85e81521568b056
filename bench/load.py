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
import concurrent.futures
import gc
import json
import math
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import dialect  # noqa: E402
from bench.procfile import free_port, launch, procfile_command, stop_group  # noqa: E402

BOARD = 19
STONES_PER_COLOR = 180  # 9.5 rows each; the last empty point (9, 9) is never played
MOVE_TIMEOUT_S = 10.0
MOVE_ATTEMPTS = 3  # the first send and two resends of the same reqId (the server answers once)
SETUP_TIMEOUT_S = 20.0
FLOOR_EVERY_S = 0.2
FLOOR_TASK = "celery.accumulate"
CLIENT_RATE, CLIENT_BURST = 18.0, 30.0  # under the server's 20 frames/s, bursts of 40
CLK_TCK = os.sysconf("SC_CLK_TCK")


# -- the stack, the Procfile way (bench/procfile.py) --------------------------------------------

@dataclass
class Proc:
    label: str
    process: subprocess.Popen[bytes]
    log: Path
    port: Optional[int] = None


def start(label: str, process_type: str, env: dict[str, str], extra_args: str, log: Path,
          port: Optional[int] = None) -> Proc:
    command = procfile_command(process_type) + (" " + extra_args if extra_args else "")
    return Proc(label, launch(command, env, log), log, port)


def stop(proc: Proc) -> None:
    stop_group(proc.process)


def wait_web(proc: Proc, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{proc.port}/", timeout=1).read()
            return
        except OSError:
            if time.monotonic() > deadline or proc.process.poll() is not None:
                raise RuntimeError(f"{proc.label} did not start:\n{proc.log.read_text()[-3000:]}")
            time.sleep(0.05)


def wait_workers(sender: Any, procs: list[Proc], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    answered: set[str] = set()
    while time.monotonic() < deadline:
        dead = [p for p in procs if p.process.poll() is not None]
        if dead:
            raise RuntimeError(f"{dead[0].label} exited:\n{dead[0].log.read_text()[-3000:]}")
        for reply in sender.control.ping(timeout=0.5) or []:
            answered.update(reply)
        if len(answered) >= len(procs):
            return
    raise RuntimeError(f"only {len(answered)} of {len(procs)} workers answered a ping in {timeout}s:\n"
                       + procs[0].log.read_text()[-3000:])


# -- CPU accounting from /proc -----------------------------------------------------------------

def _stat(pid: int) -> Optional[list[str]]:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # comm may hold spaces: fields after the last ')' start at field 3 (state).
    head, _, tail = raw.rpartition(")")
    return [head.split(" (", 1)[0], head.split(" (", 1)[1]] + tail.split()


def group_pids(pgid: int) -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            fields = _stat(int(entry))
            if fields and int(fields[4]) == pgid:
                pids.append(int(entry))
    return pids


def cpu_ticks(pid: int) -> Optional[int]:
    fields = _stat(pid)
    return None if fields is None else int(fields[13]) + int(fields[14])  # utime + stime


def cmdline(pid: int) -> str:
    try:
        words = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return "?"
    text = " ".join(w.decode(errors="replace") for w in words if w)
    return text if len(text) <= 60 else text[:57] + "..."


def sched_ns(pid: int) -> Optional[tuple[int, int]]:
    """(on a CPU, waiting on a run queue) in ns, summed over the process's threads."""
    run = wait = 0
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            try:
                fields = Path(f"/proc/{pid}/task/{tid}/schedstat").read_text().split()
            except OSError:
                continue
            run += int(fields[0])
            wait += int(fields[1])
    except OSError:
        return None
    return run, wait


def system_ticks() -> tuple[int, int, int]:
    """(busy, total, steal) jiffies over all CPUs; steal: taken by the hypervisor for others."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values), values[7]


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
        for proc in procs:
            for pid in group_pids(proc.process.pid):
                role = "" if pid == proc.process.pid else " (child)"
                self.labels[pid] = f"{proc.label}{role}"
        if redis_pid:
            self.labels[redis_pid] = "redis-server"
        self.labels[os.getpid()] = "bench (this process)"

    def snapshot(self) -> CpuSnapshot:
        ticks = {pid: t for pid in self.labels if (t := cpu_ticks(pid)) is not None}
        sched = {pid: t for pid in self.labels if (t := sched_ns(pid)) is not None}
        return CpuSnapshot(time.perf_counter(), ticks, system_ticks(), self.redis_calls(), sched)

    def redis_calls(self) -> dict[str, int]:
        try:
            stats = self.redis.info("commandstats")
        except Exception:  # noqa: BLE001
            return {}
        return {name.removeprefix("cmdstat_"): int(v["calls"]) for name, v in stats.items()}

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
                used = 100.0 * (after.ticks[pid] - before.ticks[pid]) / CLK_TCK / wall
                ours += used
                queued = ""
                if pid in before.sched and pid in after.sched:
                    waited = (after.sched[pid][1] - before.sched[pid][1]) / 1e9
                    queued = f"  runnable, waiting {100.0 * waited / wall:5.1f}%"
                print(f"  {label:<26} pid={pid:<7} {used:6.1f}%{queued}  {cmdline(pid)}")
        busy = after.system[0] - before.system[0]
        total = after.system[1] - before.system[1]
        if total:
            machine = 100.0 * busy / total * cores
            steal = 100.0 * (after.system[2] - before.system[2]) / total * cores
            print(f"  {'whole machine':<26} {'':<11} {machine:6.1f}% of {100 * cores}% "
                  f"(not ours: {max(0.0, machine - ours):.1f}%, of which stolen by the hypervisor: {steal:.1f}%)")


# -- statistics ----------------------------------------------------------------------------------

def percentile(ordered: list[float], p: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


def summary(name: str, samples_ms: list[float]) -> dict[str, float]:
    if not samples_ms:
        print(f"{name:<36} n=0")
        return {"p50": float("nan"), "p90": float("nan"), "p99": float("nan"), "max": float("nan")}
    ordered = sorted(samples_ms)
    stats = {"p50": percentile(ordered, 50), "p90": percentile(ordered, 90),
             "p99": percentile(ordered, 99), "max": ordered[-1]}
    print(f"{name:<36} n={len(ordered):<6} "
          + " ".join(f"{k}={v:8.3f}ms" for k, v in stats.items())
          + f" mean={sum(ordered) / len(ordered):8.3f}ms", flush=True)
    return stats


# -- websocket clients ---------------------------------------------------------------------------

Event = dict[str, Any]


class Client:
    """One websocket with a reader that stamps every frame on arrival and hands it to a waiter:
    by ``replyTo`` for answers to our requests, by predicate for the rest; others are dropped."""

    def __init__(self, ws: Any, client_id: str) -> None:
        self.ws = ws
        self.client_id = client_id
        self.replies: dict[str, asyncio.Future[tuple[Event, float]]] = {}
        self.waiters: list[tuple[Callable[[Event], bool], asyncio.Future[tuple[Event, float]]]] = []
        self.errors: Counter[str] = Counter()
        # The server allows 20 frames a second, bursts of 40 (docs/protocol.md): stay inside it.
        self.tokens, self.stamp = CLIENT_BURST, time.perf_counter()
        self.throttled = 0
        self.paced = False  # pace() was called for the next frame already
        self.reader = asyncio.get_running_loop().create_task(self._read())

    @classmethod
    async def open(cls, url: str, compression: Optional[str]) -> "Client":
        from websockets.asyncio.client import connect

        ws = await connect(url, compression=compression, max_queue=None, open_timeout=SETUP_TIMEOUT_S)
        client = cls(ws, str(uuid.uuid4()))
        # As our page does: every extension (an original client's games follow other rules).
        await client.request({"type": "Identify", "clientId": client.client_id,
                              "extensions": dialect.names(dialect.ALL)},
                             lambda e: e.get("type") == "IdentityAcknowledged")
        return client

    async def _read(self) -> None:
        try:
            async for frame in self.ws:
                arrived = time.perf_counter()
                event = json.loads(frame)
                reply_to = event.get("replyTo")
                if event.get("type") == "Error":
                    self.errors[event.get("code", "?")] += 1
                if reply_to is not None:
                    future = self.replies.pop(reply_to, None)
                    if future is not None:
                        if not future.done():
                            future.set_result((event, arrived))
                        continue
                if any(future.done() for _, future in self.waiters):  # timed out or cancelled
                    self.waiters = [(m, f) for m, f in self.waiters if not f.done()]
                for i, (match, future) in enumerate(self.waiters):
                    if match(event):
                        del self.waiters[i]
                        future.set_result((event, arrived))
                        break
        except Exception as closed:  # noqa: BLE001  (a closed socket fails every waiter)
            self._fail(closed)
            return
        self._fail(ConnectionError("the server closed the connection"))

    def _fail(self, reason: BaseException) -> None:
        for future in [*self.replies.values(), *(f for _, f in self.waiters)]:
            if not future.done():
                future.set_exception(reason)
        self.replies.clear()
        self.waiters.clear()

    def expect(self, match: Callable[[Event], bool]) -> asyncio.Future[tuple[Event, float]]:
        future: asyncio.Future[tuple[Event, float]] = asyncio.get_running_loop().create_future()
        self.waiters.append((match, future))
        return future

    def expect_reply(self, req_id: str) -> asyncio.Future[tuple[Event, float]]:
        future: asyncio.Future[tuple[Event, float]] = asyncio.get_running_loop().create_future()
        self.replies[req_id] = future
        return future

    async def pace(self) -> None:
        """Wait, if need be, until the protocol's rate limit lets this client send a frame."""
        now = time.perf_counter()
        self.tokens = min(CLIENT_BURST, self.tokens + (now - self.stamp) * CLIENT_RATE)
        self.stamp = now
        if self.tokens < 1:
            self.throttled += 1
            await asyncio.sleep((1 - self.tokens) / CLIENT_RATE)
            self.tokens, self.stamp = 1.0, time.perf_counter()
        self.tokens -= 1

    async def send(self, payload: Event) -> None:
        if not self.paced:  # every frame counts against the server's limit
            await self.pace()
        self.paced = False
        await self.ws.send(json.dumps(payload, separators=(",", ":")))

    async def request(self, payload: Event, match: Callable[[Event], bool],
                      timeout: float = SETUP_TIMEOUT_S) -> Event:
        future = self.expect(match)
        await self.send(payload)
        event, _ = await asyncio.wait_for(future, timeout)
        return event

    async def close(self) -> None:
        try:
            await asyncio.wait_for(self.ws.close(), 2)
        except Exception:  # noqa: BLE001
            pass
        self.reader.cancel()


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
        self.observer: Optional[Observer] = None
        self.timings: list[tuple[str, float, float]] = []  # (reqId, sent, arrived), measured moves
        self._next_gateway = 0

    def gateway(self) -> str:
        url = self.gateways[self._next_gateway % len(self.gateways)]
        self._next_gateway += 1
        return url

    async def open_client(self) -> Client:
        client = await Client.open(self.gateway(), self.compression)
        self.clients.append(client)
        return client

    async def pair(self, a: Client, b: Client) -> Game:
        started = time.perf_counter()
        async with self.pairing:
            waiting = await a.request({"type": "FindPublicGame", "boardSize": BOARD},
                                      lambda e: e.get("type") == "WaitForOpponent")
            game_id = waiting["gameId"]
            ready_a = a.expect(lambda e: e.get("type") == "GameReady" and e.get("gameId") == game_id)
            ready_b = await b.request({"type": "FindPublicGame", "boardSize": BOARD},
                                      lambda e: e.get("type") == "GameReady")
            if ready_b["gameId"] != game_id:
                raise RuntimeError(f"B was paired into {ready_b['gameId']}, not A's {game_id}")
            await asyncio.wait_for(ready_a, SETUP_TIMEOUT_S)
        colors = []
        for client, pref in ((a, "Black"), (b, "White")):
            colors.append(client.expect(lambda e: e.get("type") == "YourColor" and e.get("gameId") == game_id))
            await client.send({"type": "ChooseColorPref", "colorPref": pref, "gameId": game_id})
        (color_a, _), (color_b, _) = await asyncio.wait_for(asyncio.gather(*colors), SETUP_TIMEOUT_S)
        if (color_a["yourColor"], color_b["yourColor"]) != ("BLACK", "WHITE"):
            raise RuntimeError(f"colours {color_a['yourColor']}/{color_b['yourColor']} in {game_id}")
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
        player, coord = point(game.played)
        client = game.black if player == "BLACK" else game.white
        req_id = uuid.uuid4().hex
        await client.pace()  # not measured: a real client could not send sooner either
        client.paced = True
        payload = {"type": "MakeMove", "gameId": game.game_id, "reqId": req_id, "player": player,
                   "coord": coord}
        sent = time.perf_counter()
        for attempt in range(MOVE_ATTEMPTS):
            future = client.expect_reply(req_id)
            await client.send(payload)
            try:
                event, arrived = await asyncio.wait_for(future, MOVE_TIMEOUT_S)
                break
            except asyncio.TimeoutError:
                client.replies.pop(req_id, None)
                self.results.resent += 1
        else:
            self.results.lost += 1
            return False
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
            future = client.expect(lambda e: e.get("type") == "IdleStatusProvided")
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

    async def run(self, cpu: CpuWatch) -> tuple[CpuSnapshot, CpuSnapshot]:
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
            webs.append(start(f"web.{i + 1}", "web", {**env, "PORT": str(port)}, "", logdir / f"web{i + 1}.log", port))
        procs += webs
        workers = []
        for i in range(args.workers):
            # Distinct node names when there are several, so each answers the ping on its own.
            extra = f"-n moves{i + 1}@%h" if args.workers > 1 else ""
            workers.append(start(f"worker.{i + 1}", "worker", env, extra, logdir / f"worker{i + 1}.log"))
        procs += workers
        for web in webs:
            wait_web(web)
        wait_workers(sender, workers)
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
        for proc in procs:
            stop(proc)
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
