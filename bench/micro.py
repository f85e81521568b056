"""The whole stack on a t3.micro's sustained baseline: how many games at a human pace it holds.

Every line of the Procfile but ``redis`` (``web``, ``worker``, ``bot``, and ``beat`` if there is one;
started as ``bench/procfile.py`` does) and a ``redis-server`` of their own (the binary and flags of
the Procfile's ``redis`` line, its files in a temporary directory) run INSIDE a cgroup made here: CPU quota 20% of one core
(``cfs_period_us`` 100000, ``cfs_quota_us`` 20000) and 1 GiB of memory, a t3.micro's baseline;
``--nano``: 10% and 512 MiB (t3.nano). The load generator is this process, OUTSIDE the cgroup: asyncio
websocket clients (``bench/load.py``'s ``Client``, lobby pairing and moves) that speak what the
page speaks (every protocol extension: ``--dialect``), each from a loopback address of its own
(127.1.0.1, 127.1.0.2, ...: players come from their own addresses, and the web limits sockets and
games per address; ``--addresses one`` for all from 127.0.0.1). Everything talks to 127.0.0.1
only. In order, in one run:

1. ``cold_start_s`` (progress line): launch to the first accepted move, under the quota.
2. ``idle_rss_mb``: after ``--settle`` s, the sum of VmRSS of every process in the cgroup (two
   players connected); ``memory.usage_in_bytes`` (page cache included) is printed with it. Then the
   idle CPU of the cgroup over ``--idle-s``.
3. ``rss_1000_sockets_mb``: the same with ``--sockets`` more identified websockets open, held
   through the web's first presence heartbeat round (sockets dropped then are reported).
4. ``celery_floor_cpu_ms``: fire-and-forget no-op tasks (``celery.accumulate``, registered in every
   Celery worker, ``ignore_result``) sent at ``--floor-rate``/s into the deployment's own ``moves``
   worker (solo, acks_late, as the Procfile starts it): the cgroup's CPU (worker + Redis + the rest)
   less its idle rate, plus the sending thread's CPU (the client's share), per task.
5. ``bot_reply_p99_s``: ``--bot-games`` games against the AI (``AttachBot``, the bot White,
   ``--bot`` strength, 19x19 and 9x9 alternately) played at once by "humans" who think
   ``--bot-think`` s and play, on 19x19, the Black moves of professional games in order (points
   already taken skipped; so the positions are middle games, as in ``bench/bot.py``), on 9x9 and
   once a record is used up, random empty points: from the human's ``MakeMove`` sent to the bot's
   ``MoveMade`` received, for ``--bot-s`` seconds. The solo bot worker answers one game at a time,
   so concurrent games queue, as they would on the machine.
6. ``dead_stones_cpu_s``: a professional 19x19 game played to a counted end (goban-original-games,
   first record with 200-300 moves and a counted result) replayed by two humans paired in the
   lobby, then both pass: the cgroup's CPU (``cpuacct.usage``, less its idle rate) from the second
   pass until the dead-stone suggestion, whichever process makes it: the ``ScoringPhase`` that the
   pass brings (the move task computes it), or a later one from GNU Go on the bot queue, waited
   for while the bot worker or its engine is busy (stacks before the suggestion moved into the
   move task). The pass's own handling (a move's worth) is included.
7. The ramp: games at a human pace (a move every ``--interval`` s per game on average: random phase,
   then exponential think times, ``--jitter uniform`` for 0.5-1.5x), two clients per game seated
   through the public lobby, the number of games raised step by step (``--steps``, up to
   ``--max-games``), each step held ``--min-hold-s``..``--max-hold-s`` (long enough for
   ``--min-moves`` moves when it can) after ``--warmup-s``, until MakeMove -> MoveMade p99
   exceeds ``--p99-limit-ms`` or anything fails: a move unanswered for 10 s, a rejection, an
   Error event, a socket dropped, a pairing failed, a stack process gone, an OOM kill (the
   cgroup's ``oom_kill`` count). A step whose only fault is its p99 is held once more
   (``--confirm``) before it counts: other work on the machine makes the stack wait for a core
   now and then, and each step prints how busy the machine was outside the cgroup.
   ``max_games``: the last step that passed; ``p99_ms`` its p99.
   ``cpu_ms_per_move``: the cgroup's CPU (``cpuacct.usage``) over the measured window divided by
   the moves answered in it, at the first passing step with at least ``--cpu-at-games`` games.

Each step prints the cgroup's CPU (% of one core against the quota, throttled periods) and each
process's share, so the first process to need the quota shows. The cgroup's CPU weight is ``--cpu-weight``
(10) times the default, so that other work on a shared machine does not keep the stack waiting for
a core within its quota (the load generator gets no such priority). The cgroup (a child of this
process's own, unique name) is removed at the end whatever happens (Ctrl-C, SIGTERM, an error):
the quota is lifted, the processes are stopped, whatever is left in the cgroup is killed, the
directories removed. The total time is bounded by ``--budget-s`` (the ramp stops when the next
step would not fit; an alarm fires 3 minutes after it as a last resort).

``--quick``: a smoke run of every phase (ramp 20, 50, 100 games, 15 s holds) in about 3 minutes.

Last line: ``micro: profile=t3.micro max_games=N p99_ms=… cpu_ms_per_move=… celery_floor_cpu_ms=…
idle_rss_mb=… rss_1000_sockets_mb=… bot_reply_p99_s=… dead_stones_cpu_s=…`` (``profile=t3.nano`` with
``--nano``; ``nan`` for a figure that could not be measured).

Needs root (cgroups), GNU Go and goban-original-games (``make test`` installs them; without the
records, two humans play 150 random moves instead).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import glob
import itertools
import json
import math
import os
import random
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any, Callable, Iterator, Optional

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import redis  # noqa: E402

from bench import load as L  # noqa: E402  (the websocket client, lobby pairing, moves, /proc helpers)
from bench.cgroup import Cgroup, CgroupError, CpuStat, MemStat  # noqa: E402
from bench.footprint import raise_nofile, status as proc_status  # noqa: E402
from bench.procfile import free_port, launch, procfile_command, stop_group  # noqa: E402

PROFILES = {"t3.micro": (20000, 1 << 30), "t3.nano": (10000, 512 << 20)}  # quota us per period, bytes
PERIOD_US = 100000
NOT_WORKERS = ("web", "beat", "redis")  # the other Procfile lines are Celery workers that answer a ping


def procfile_lines() -> list[str]:
    """The Procfile's process types in order, but ``redis`` (replaced by a redis-server of our own)."""
    names = []
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.strip() and not line.startswith("#") and ": " in line:
            name = line.split(": ", 1)[0].strip()
            if name != "redis":
                names.append(name)
    return names
CLK_TCK = os.sysconf("SC_CLK_TCK")
MiB = 1024.0 * 1024.0
RECORDS = "/usr/share/goban/*"
DEFAULT_STEPS = "50,100,200,300,400,500,600,700,850,1000,1250,1500,1900"
QUICK_STEPS = "20,50,100"
NAN = float("nan")
PHASES = ("idle", "sockets", "floor", "bots", "dead", "ramp")


def fmt(value: float, digits: int = 1) -> str:
    return "nan" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.{digits}f}"


def pct(ordered: list[float], p: float) -> float:
    return L.percentile(ordered, p) if ordered else NAN


# -- the processes in the cgroup --------------------------------------------------------------------

def ticks_with_children(pid: int) -> Optional[int]:
    """utime + stime + cutime + cstime (children it reaped, e.g. a stopped GNU Go)."""
    fields = L._stat(pid)
    return None if fields is None else sum(int(v) for v in fields[13:17])


class Stack:
    """The launched process groups, and every process the cgroup holds, labelled."""

    def __init__(self, cg: Cgroup) -> None:
        self.cg = cg
        self.procs: dict[str, L.Proc] = {}

    def label(self, pid: int) -> str:
        fields = L._stat(pid)
        if fields is None:
            return "?"
        comm, pgid = fields[1], int(fields[4])
        base = next((name for name, p in self.procs.items() if p.process.pid in (pid, pgid)), None)
        if "gnugo" in comm:
            return "gnugo"
        if base is None:
            return f"other ({comm})"
        if base == "web" and "gunicorn" in L.cmdline(pid):
            return "web: gunicorn master" if pid == self.procs["web"].process.pid else "web: gunicorn worker"
        return base if pid == self.procs[base].process.pid else f"{base}: child ({comm})"

    def cpu_by_label(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for pid in self.cg.pids():
            t = ticks_with_children(pid)
            if t is not None:
                label = self.label(pid)
                out[label] = out.get(label, 0.0) + t / CLK_TCK
        return out

    def bot_cpu_s(self) -> float:
        """The bot worker and its GNU Go (live ones, and reaped ones through cutime)."""
        return sum(v for k, v in self.cpu_by_label().items() if k == "bot" or k.startswith("bot:") or k == "gnugo")

    def rss(self) -> tuple[float, list[tuple[str, int, float]]]:
        rows = []
        for pid in sorted(self.cg.pids()):
            info = proc_status(pid)
            if info:
                rows.append((self.label(pid), pid, info["VmRSS"] / 1024.0))
        return sum(r[2] for r in rows), rows

    def dead(self) -> list[str]:
        return [name for name, p in self.procs.items() if p.process.poll() is not None]

    def reap(self) -> None:
        for p in self.procs.values():
            p.process.poll()


@dataclass
class Snap:
    at: float
    cpu: CpuStat
    by_label: dict[str, float]
    system: tuple[int, int, int]  # the machine's (busy, total, steal) jiffies, all CPUs


def snap(stack: Stack) -> Snap:
    return Snap(time.perf_counter(), stack.cg.cpu(), stack.cpu_by_label(), L.system_ticks())


def machine_text(before: Snap, after: Snap) -> str:
    """How busy the whole machine was: other work on it makes the stack wait for a core."""
    busy = after.system[0] - before.system[0]
    total = after.system[1] - before.system[1]
    if total <= 0:
        return ""
    cores = os.cpu_count() or 1
    machine = 100.0 * busy / total * cores
    ours = 100.0 * (after.cpu.usage_ns - before.cpu.usage_ns) / 1e9 / max(1e-9, after.at - before.at)
    return (f"machine {machine:.0f}% of {100 * cores}% busy, {max(0.0, machine - ours):.0f}% of it outside the "
            f"cgroup (this load generator and any other work)")


def cpu_text(before: Snap, after: Snap, quota_pct: float, top: int = 6) -> str:
    wall = max(1e-9, after.at - before.at)
    used = 100.0 * (after.cpu.usage_ns - before.cpu.usage_ns) / 1e9 / wall
    periods = after.cpu.periods - before.cpu.periods
    throttled = after.cpu.throttled - before.cpu.throttled
    shares = sorted(((after.by_label[k] - before.by_label.get(k, 0.0), k) for k in after.by_label), reverse=True)
    parts = [f"{k} {100.0 * v / wall:.1f}%" for v, k in shares[:top] if v > 0]
    return (f"CPU {used:.1f}% of a core (quota {quota_pct:.0f}%), throttled in "
            f"{100.0 * throttled / max(1, periods):.0f}% of {periods} periods "
            f"({(after.cpu.throttled_ns - before.cpu.throttled_ns) / 1e9:.1f}s); " + ", ".join(parts)
            + f"; {machine_text(before, after)}")


def mem_text(m: MemStat) -> str:
    return (f"cgroup memory {m.usage / MiB:.0f} MiB (anon {m.anon / MiB:.0f}, page cache {m.file / MiB:.0f}; "
            f"peak {m.peak / MiB:.0f}), limit hit {m.failcnt}x, oom_kill {m.oom_kill}")


def print_rss(title: str, stack: Stack) -> float:
    total, rows = stack.rss()
    m = stack.cg.memory()
    print(f"{title}: RSS of the {len(rows)} processes in the cgroup {total:.1f} MB; {mem_text(m)}", flush=True)
    for label, pid, mb in rows:
        print(f"    {label:<24} pid={pid:<7} {mb:7.1f} MB  {L.cmdline(pid)}")
    return total


# -- the load: a recorder of every move, shared by the ramp's games ---------------------------------

@dataclass
class Failure:
    at: float
    what: str


@dataclass
class Recorder:
    moves: list[tuple[float, float]] = field(default_factory=list)  # (sent, arrived) of accepted moves
    failures: list[Failure] = field(default_factory=list)
    in_flight: dict[str, float] = field(default_factory=dict)
    resent: int = 0

    def fail(self, what: str) -> None:
        self.failures.append(Failure(time.perf_counter(), what))

    def since(self, at: float) -> list[Failure]:
        return [f for f in self.failures if f.at >= at]


def dialect_names(dialect: str) -> list[str]:
    """What the clients declare in ``Identify``: ``page``, every extension, as the page's client
    does (``web/static/js/protocol.js``); ``original``, none, as the original BUGOUT client."""
    if dialect == "original":
        return []
    try:
        from app.dialect import ALL, names
    except ImportError:  # a server without dialects: unknown fields are ignored
        return ["rejections", "scoring", "resume"]
    return names(ALL)


_addresses = itertools.count()


def source_address() -> str:
    """A loopback address of its own for each client (127.1.0.1, 127.1.0.2, ...): the whole of
    127/8 is the loopback interface, so real players' distinct addresses are modelled without any
    traffic leaving the machine, and the web's per-address limits see one player per address."""
    i = next(_addresses)
    return f"127.{1 + i // (254 * 256) % 254}.{i // 254 % 256}.{1 + i % 254}"


class PageClient(L.Client):
    """bench/load.py's client, identifying with the extensions of ``EXTENSIONS``, each from an
    address of its own unless ``ONE_ADDRESS``."""

    EXTENSIONS: list[str] = []
    ONE_ADDRESS = False

    @classmethod
    async def open(cls, url: str, compression: Optional[str]) -> "PageClient":
        from websockets.asyncio.client import connect

        extra: dict[str, Any] = {} if cls.ONE_ADDRESS else {"local_addr": (source_address(), 0)}
        ws = await connect(url, compression=compression, max_queue=None, open_timeout=L.SETUP_TIMEOUT_S, **extra)
        client = cls(ws, str(uuid.uuid4()))
        await client.request({"type": "Identify", "clientId": client.client_id, "extensions": cls.EXTENSIONS},
                             lambda e: e.get("type") == "IdentityAcknowledged")
        return client


class PageLoad(L.Load):
    """bench/load.py's lobby pairing, with ``PageClient``s."""

    async def open_client(self) -> L.Client:
        client = await PageClient.open(self.gateway(), self.compression)
        self.clients.append(client)
        return client


async def close_quietly(client: L.Client) -> None:
    """Close a client; waiters nobody will read are cancelled first (no "exception never retrieved")."""
    for future in [*client.replies.values(), *(f for _, f in client.waiters)]:
        if not future.done():
            future.cancel()
    client.replies.clear()
    client.waiters.clear()
    await client.close()


def think_time(args: argparse.Namespace) -> float:
    if args.jitter == "uniform":
        return float(args.interval) * random.uniform(0.5, 1.5)
    return random.expovariate(1.0 / args.interval)


class Run:
    def __init__(self, args: argparse.Namespace, url: str, sender: Any, stack: Stack, store: redis.Redis,
                 prefix: str, t_launch: float, deadline: float, quota_pct: float) -> None:
        self.args = args
        self.url = url
        self.sender = sender
        self.stack = stack
        self.cg = stack.cg
        self.store = store
        self.prefix = prefix
        self.t_launch = t_launch
        self.deadline = deadline  # time.monotonic() by which the ramp must be over
        self.quota_pct = quota_pct
        ns = SimpleNamespace(compression="deflate", flat_out=False, burst=False, interval=args.interval,
                             breakdown=False)
        self.load = PageLoad(ns, [url], sender)  # type: ignore[arg-type]
        self.rec = Recorder()
        self.figures: dict[str, float] = {}
        self.idle_ns_per_s = 0.0
        self.stopping = False
        self.notes: list[str] = []
        self.steps: list[dict[str, Any]] = []
        self.oom_base = 0
        self.bot_plans: list[list[tuple[int, int]]] = []
        self.bot_errors: Counter[str] = Counter()
        self.errors_seen = 0
        self.lags: list[tuple[float, float]] = []

    def left(self) -> float:
        return self.deadline - time.monotonic()

    def note(self, text: str) -> None:
        self.notes.append(text)
        print(f"NOTE: {text}", flush=True)

    # -- one move of a ramp game, recorded ------------------------------------------------------

    async def move(self, game: L.Game) -> bool:
        player, coord = L.point(game.played)
        client = game.black if player == "BLACK" else game.white
        req_id = uuid.uuid4().hex
        await client.pace()
        client.paced = True
        payload = {"type": "MakeMove", "gameId": game.game_id, "reqId": req_id, "player": player, "coord": coord}
        sent = time.perf_counter()
        self.rec.in_flight[req_id] = sent
        try:
            for attempt in range(L.MOVE_ATTEMPTS):
                future = client.expect_reply(req_id)
                if attempt:
                    client.paced = False
                await client.send(payload)
                try:
                    event, arrived = await asyncio.wait_for(future, L.MOVE_TIMEOUT_S)
                    break
                except asyncio.TimeoutError:
                    client.replies.pop(req_id, None)
                    self.rec.resent += 1
                    self.rec.fail(f"a move unanswered for {L.MOVE_TIMEOUT_S:.0f}s (resent)")
            else:
                self.rec.fail("a move lost (3 sends unanswered)")
                return False
        except Exception as failed:  # noqa: BLE001  (the socket closed)
            if not self.stopping:
                self.rec.fail(f"socket dropped during a move: {failed!r}"[:160])
            return False
        finally:
            self.rec.in_flight.pop(req_id, None)
        if event.get("type") != "MoveMade":
            self.rec.fail(f"move answered {event.get('type')}:{event.get('reason') or event.get('code')}")
            return False
        game.played += 1
        self.rec.moves.append((sent, arrived))
        return True

    async def retire(self, game: L.Game) -> None:
        for client in (game.black, game.white):
            if client in self.load.clients:
                self.load.clients.remove(client)
            await close_quietly(client)

    async def play(self, game: L.Game) -> None:
        await asyncio.sleep(random.uniform(0.0, self.args.interval))  # a random phase
        while not self.stopping:
            if game.full:
                await self.retire(game)
                try:
                    game = await self.load.new_game()
                except Exception as failed:  # noqa: BLE001
                    self.rec.fail(f"pairing a replacement game failed: {failed!r}"[:160])
                    return
            if not await self.move(game):
                return
            await asyncio.sleep(think_time(self.args))

    # -- phases ---------------------------------------------------------------------------------

    async def cold_start(self) -> None:
        loop = asyncio.get_running_loop()
        web = self.stack.procs["web"]
        workers = [p for name, p in self.stack.procs.items() if name not in NOT_WORKERS]
        await loop.run_in_executor(None, lambda: L.wait_web(web, timeout=120.0))
        t_web = time.perf_counter() - self.t_launch
        await loop.run_in_executor(None, lambda: L.wait_workers(self.sender, workers, timeout=120.0))
        t_workers = time.perf_counter() - self.t_launch
        self.first = await self.load.new_game()
        if not await self.move(self.first):
            raise RuntimeError(f"the first move failed: {self.rec.failures[-1].what}")
        cold = time.perf_counter() - self.t_launch
        self.figures["cold_start_s"] = cold
        print(f"cold start under the quota: web answered GET / at {t_web:.2f}s, both workers a ping at "
              f"{t_workers:.2f}s, first accepted move at {cold:.2f}s", flush=True)

    async def idle(self) -> None:
        args = self.args
        await asyncio.sleep(args.settle)
        self.figures["idle_rss_mb"] = print_rss(f"idle, {args.settle:g}s after the first move (2 players connected)",
                                                self.stack)
        self.figures["idle_usage_mb"] = self.cg.memory().usage / MiB
        before = snap(self.stack)
        await asyncio.sleep(args.idle_s)
        after = snap(self.stack)
        self.idle_ns_per_s = (after.cpu.usage_ns - before.cpu.usage_ns) / (after.at - before.at)
        self.figures["idle_cpu_pct"] = 100.0 * self.idle_ns_per_s / 1e9
        print(f"idle over {after.at - before.at:.1f}s: {cpu_text(before, after, self.quota_pct)}", flush=True)

    async def sockets(self) -> None:
        args = self.args
        crowd: list[L.Client] = []
        failed: list[BaseException] = []
        limit = asyncio.Semaphore(args.connect_concurrency)

        async def one() -> None:
            async with limit:
                try:
                    crowd.append(await PageClient.open(self.url, "deflate"))
                except Exception as e:  # noqa: BLE001
                    failed.append(e)

        before = snap(self.stack)
        started = time.perf_counter()
        try:
            await asyncio.wait_for(asyncio.gather(*(one() for _ in range(args.sockets))), timeout=args.sockets_timeout_s)
        except asyncio.TimeoutError:
            self.note(f"opening {args.sockets} sockets took more than {args.sockets_timeout_s:.0f}s")
        opened_at = time.perf_counter()
        after = snap(self.stack)
        print(f"opened and identified {len(crowd)} of {args.sockets} websockets in {opened_at - started:.1f}s "
              f"({1000.0 * (after.cpu.usage_ns - before.cpu.usage_ns) / 1e9 / max(1, len(crowd)):.2f} ms of CPU each)"
              + (f"; {len(failed)} failed, first: {failed[0]!r}" if failed else "")
              + f"; {cpu_text(before, after, self.quota_pct)}", flush=True)
        if failed:
            self.note(f"{len(failed)} of {args.sockets} sockets could not open/identify: {failed[0]!r}"[:200])
        try:
            await asyncio.sleep(args.settle)
            total = print_rss(f"holding {sum(1 for c in crowd if not c.reader.done())} identified websockets "
                              f"(+2 players)", self.stack)
            self.figures["rss_1000_sockets_mb"] = total
            self.figures["sockets_usage_mb"] = self.cg.memory().usage / MiB
            if "idle_rss_mb" in self.figures:
                print(f"  per socket: {(total - self.figures['idle_rss_mb']) * 1024 / max(1, len(crowd)):.1f} kB",
                      flush=True)
            if args.heartbeat_round:
                hold_from = after  # the web beats each quiet socket's presence every 10 s
                await asyncio.sleep(max(0.0, opened_at + 13.0 - time.perf_counter()))
                alive = sum(1 for c in crowd if not c.reader.done())
                held = snap(self.stack)
                print(f"through the web's first presence heartbeat round: {alive} of {len(crowd)} still open; idle "
                      f"since they opened: "
                      f"{cpu_text(hold_from, held, self.quota_pct)}", flush=True)
                if alive < len(crowd):
                    self.note(f"{len(crowd) - alive} idle sockets were closed by the server during their first heartbeat round")
        finally:
            await asyncio.gather(*(close_quietly(c) for c in crowd), return_exceptions=True)
        await asyncio.sleep(args.settle)

    def _bot_queue_busy(self) -> int:
        return int(self.store.llen(f"{self.prefix}:celery:bot"))

    def _queue_busy(self) -> int:
        key = f"{self.prefix}:celery:"
        return int(self.store.llen(key + "moves")) + int(self.store.hlen(key + "unacked"))

    async def celery_floor(self) -> None:
        args = self.args
        loop = asyncio.get_running_loop()

        def send(n: int, rate: float) -> float:
            cpu0 = time.thread_time()
            start = time.perf_counter()
            for i in range(n):
                delay = start + i / rate - time.perf_counter()
                if delay > 0:
                    time.sleep(delay)
                self.sender.send_task(L.FLOOR_TASK, args=(1,), ignore_result=True)
            return time.thread_time() - cpu0

        async def drained(timeout: float) -> bool:
            end = time.perf_counter() + timeout
            while time.perf_counter() < end:
                if await loop.run_in_executor(None, self._queue_busy) == 0:
                    return True
                await asyncio.sleep(0.2)
            return False

        await loop.run_in_executor(None, send, 20, 50.0)  # warms the producer's connection
        await drained(30.0)
        await asyncio.sleep(1.0)
        n = max(1, int(args.floor_rate * args.floor_s))
        before = snap(self.stack)
        client_cpu = await loop.run_in_executor(None, send, n, args.floor_rate)
        ok = await drained(60.0)
        after = snap(self.stack)
        wall = after.at - before.at
        gross_ns = after.cpu.usage_ns - before.cpu.usage_ns
        server_ms = (gross_ns - self.idle_ns_per_s * wall) / 1e6 / n
        client_ms = client_cpu * 1000.0 / n
        self.figures["celery_floor_cpu_ms"] = server_ms + client_ms
        print(f"celery floor: {n} x {L.FLOOR_TASK} fire-and-forget at {args.floor_rate:g}/s into the moves worker "
              f"({'drained' if ok else 'NOT drained within 60 s'} after {wall:.1f}s): server {server_ms:.3f} ms/task "
              f"(cgroup {gross_ns / 1e6 / n:.3f} less its idle rate) + client {client_ms:.3f} ms/task = "
              f"{server_ms + client_ms:.3f} ms; {cpu_text(before, after, self.quota_pct)}", flush=True)
        if not ok:
            self.note("the Celery floor tasks were not all consumed within 60 s")

    async def bots(self) -> None:
        args = self.args
        samples: list[tuple[int, float, bool]] = []  # (size, seconds, engine was booting)
        end = time.perf_counter() + args.bot_s
        sizes = [19 if i % 2 == 0 else 9 for i in range(args.bot_games)]
        # On 19x19 the human plays the Black moves of professional games, in order, skipping
        # points already taken: middle-game positions, as in bench/bot.py, not random noise.
        self.bot_plans = [moves[0::2] for moves, _ in itertools.islice(fitting_records(), 1, 1 + 4 * len(sizes))]
        before = snap(self.stack)
        results = await asyncio.gather(*(self.bot_game(size, end, samples) for size in sizes), return_exceptions=True)
        after = snap(self.stack)
        for r in results:
            if isinstance(r, BaseException):
                self.note(f"a bot game failed: {r!r}"[:200])
        ordered = sorted(s for _, s, _ in samples)
        self.figures["bot_reply_p99_s"] = pct(ordered, 99)
        print(f"AI: {len(samples)} bot replies in {len(sizes)} concurrent games ({args.bot}, "
              f"think {args.bot_think[0]:g}-{args.bot_think[1]:g}s): p50 {fmt(pct(ordered, 50), 2)}s "
              f"p90 {fmt(pct(ordered, 90), 2)}s p99 {fmt(pct(ordered, 99), 2)}s max {fmt(ordered[-1] if ordered else NAN, 2)}s",
              flush=True)
        for size in sorted(set(sizes), reverse=True):
            these = sorted(s for z, s, _ in samples if z == size)
            booting = [s for z, s, b in samples if z == size and b]
            print(f"  {size}x{size}: n={len(these)} p50 {fmt(pct(these, 50), 2)}s p99 {fmt(pct(these, 99), 2)}s "
                  f"max {fmt(these[-1] if these else NAN, 2)}s" + (f"; with an engine boot: {', '.join(f'{b:.2f}s' for b in booting)}" if booting else ""))
        print(f"  {cpu_text(before, after, self.quota_pct)}", flush=True)
        if self.bot_errors:
            self.note(f"Error events in the AI games: {dict(self.bot_errors)}")

    async def bot_game(self, size: int, end: float, samples: list[tuple[int, float, bool]]) -> None:
        args = self.args
        while time.perf_counter() < end - 2.0:
            client = await PageClient.open(self.url, "deflate")
            try:
                attached = client.expect(lambda e: e.get("type") == "BotAttached")
                colour = client.expect(lambda e: e.get("type") == "YourColor")
                await client.send({"type": "AttachBot", "player": "WHITE", "boardSize": size, "bot": args.bot,
                                   "handicap": 0, "komi": 7.5, "timeControl": {"kind": "none"}})
                event, _ = await asyncio.wait_for(attached, 60)
                game_id = event["gameId"]
                await asyncio.wait_for(colour, 60)
                stones: dict[tuple[int, int], str] = {}
                plan = iter(self.bot_plans.pop(0)) if size == 19 and self.bot_plans else iter(())
                booting = [False]

                def watch_boot(e: dict[str, Any]) -> bool:
                    if e.get("type") == "IdleStatusProvided" and e.get("status") == "Booting":
                        booting[0] = True
                    return False

                client.waiters.append((watch_boot, asyncio.get_running_loop().create_future()))
                while time.perf_counter() < end:
                    played = False
                    for attempt in range(8):
                        x, y = next((p for p in plan if p not in stones), None) or self._human_point(size, stones)
                        req_id = uuid.uuid4().hex
                        bot_move = client.expect(lambda e: e.get("type") == "MoveMade" and e.get("gameId") == game_id
                                                 and e.get("player") == "WHITE")
                        over = client.expect(lambda e: e.get("type") in ("GameOver", "ScoringPhase")
                                             and e.get("gameId") == game_id)
                        reply = client.expect_reply(req_id)
                        booting[0] = False
                        sent = time.perf_counter()
                        await client.send({"type": "MakeMove", "gameId": game_id, "reqId": req_id, "player": "BLACK",
                                           "coord": {"x": x, "y": y}})
                        event, _ = await asyncio.wait_for(reply, 30)
                        if event.get("type") == "MoveMade":
                            self._apply(stones, event)
                            played = True
                            break
                        bot_move.cancel()
                        over.cancel()
                    if not played:
                        break
                    done, _ = await asyncio.wait({bot_move, over}, timeout=args.bot_timeout_s,
                                                 return_when=asyncio.FIRST_COMPLETED)
                    if bot_move in done:
                        event, arrived = bot_move.result()
                        samples.append((size, arrived - sent, booting[0]))
                        self._apply(stones, event)
                        over.cancel()
                        if event.get("coord") is None:
                            break  # the bot passed: the game is decided, start another
                    else:
                        bot_move.cancel()
                        if over in done:
                            break  # resigned / scoring: another game
                        over.cancel()
                        self.note(f"the bot did not answer within {args.bot_timeout_s:.0f}s ({size}x{size})")
                        samples.append((size, args.bot_timeout_s, booting[0]))
                        break
                    await asyncio.sleep(random.uniform(*args.bot_think))
                try:
                    await client.send({"type": "QuitGame", "gameId": game_id})
                    await asyncio.sleep(0.2)
                except Exception:  # noqa: BLE001
                    pass
            finally:
                self.bot_errors.update(client.errors)
                await close_quietly(client)

    @staticmethod
    def _apply(stones: dict[tuple[int, int], str], event: dict[str, Any]) -> None:
        coord = event.get("coord")
        if coord is not None:
            stones[(coord["x"], coord["y"])] = event.get("player", "?")
        for c in event.get("captured") or []:
            stones.pop((c["x"], c["y"]), None)

    @staticmethod
    def _human_point(size: int, stones: dict[tuple[int, int], str]) -> tuple[int, int]:
        empty = [(x, y) for x in range(size) for y in range(size) if (x, y) not in stones]
        random.shuffle(empty)
        for x, y in empty:
            around = [(x + dx, y + dy) for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1))
                      if 0 <= x + dx < size and 0 <= y + dy < size]
            if any(stones.get(p) != "WHITE" for p in around):  # not into the bot's eye
                return x, y
        return empty[0] if empty else (0, 0)

    async def dead_stones(self) -> None:
        args = self.args
        moves, source = pick_record(args.record)
        game = await self.load.new_game()
        try:
            t0 = time.perf_counter()
            played = 0
            if moves is None:
                source = "150 random moves (no goban-original-games record)"
                stones: dict[tuple[int, int], str] = {}
                moves = []
                for i in range(150):
                    moves.append(self._human_point(19, stones))
                    stones[moves[-1]] = "BLACK" if i % 2 == 0 else "WHITE"
            for i, (x, y) in enumerate(moves):
                player = "BLACK" if i % 2 == 0 else "WHITE"
                event = await self._play(game.black if player == "BLACK" else game.white, game.game_id, player,
                                         {"x": x, "y": y})
                if event.get("type") != "MoveMade":
                    self.note(f"dead stones: move {i + 1} of the record rejected ({event.get('reason')}); "
                              "passing from there")
                    break
                played += 1
            replay_s = time.perf_counter() - t0
            print(f"dead stones: {source}: {played} moves replayed in {replay_s:.1f}s; both pass now", flush=True)
            to_move = "BLACK" if played % 2 == 0 else "WHITE"
            first, second = (game.black, game.white) if to_move == "BLACK" else (game.white, game.black)
            other = "WHITE" if to_move == "BLACK" else "BLACK"
            scoring = lambda e: e.get("type") == "ScoringPhase" and e.get("gameId") == game.game_id  # noqa: E731
            first_phase = game.black.expect(scoring)
            later_phase = game.black.expect(scoring)
            await self._play(first, game.game_id, to_move, None)
            await asyncio.sleep(1.0)  # the first pass's own work is done before the window opens
            before = snap(self.stack)
            sent = time.perf_counter()
            await self._play(second, game.game_id, other, None)
            event, arrived = await asyncio.wait_for(first_phase, 30)
            at_first = snap(self.stack)
            # Where the suggestion comes from depends on the stack: with the ScoringPhase that play
            # stopping brings (computed in the move task), or later from the engine on the bot
            # queue. Wait for a later one while the bot worker or its engine is still working.
            engine_event: Optional[dict[str, Any]] = None
            deadline = time.perf_counter() + args.dead_timeout_s
            quiet_since, last_bot = time.perf_counter(), self.stack.bot_cpu_s()
            while time.perf_counter() < deadline and not later_phase.done():
                await asyncio.sleep(0.25)
                bot = self.stack.bot_cpu_s()
                busy_queue = await asyncio.get_running_loop().run_in_executor(None, self._bot_queue_busy)
                if bot > last_bot or busy_queue:
                    quiet_since, last_bot = time.perf_counter(), bot
                elif time.perf_counter() - quiet_since > 3.0:
                    break  # nothing is working on another suggestion
            if later_phase.done() and not later_phase.cancelled():
                engine_event, arrived = later_phase.result()
                after = snap(self.stack)
            else:
                after = at_first
                if time.perf_counter() >= deadline:
                    self.note(f"the bot worker was still busy {args.dead_timeout_s:.0f}s after play stopped, with "
                              "no suggestion from it")
            wall = after.at - before.at
            cpu_s = (after.cpu.usage_ns - before.cpu.usage_ns - self.idle_ns_per_s * wall) / 1e9
            self.figures["dead_stones_cpu_s"] = cpu_s
            self.figures["dead_stones_wall_s"] = arrived - sent
            final = engine_event or event
            origin = ("a later ScoringPhase, from the engine on the bot queue" if engine_event is not None
                      else "the ScoringPhase that the second pass brings (computed in the move task)")
            print(f"dead stones: the suggestion ({len(final.get('dead') or [])} dead stones) came with {origin}, "
                  f"{arrived - sent:.3f}s after the second pass was sent; the cgroup's CPU from that pass to the "
                  f"suggestion, less the idle rate: {cpu_s:.3f}s (the pass's own handling included)"
                  + (f"; {cpu_text(before, after, self.quota_pct)}" if wall > 1.0 else ""), flush=True)
        finally:
            try:
                await game.black.send({"type": "QuitGame", "gameId": game.game_id})
                await asyncio.sleep(0.3)
            except Exception:  # noqa: BLE001
                pass
            await self.retire(game)

    async def _play(self, client: L.Client, game_id: str, player: str, coord: Optional[dict[str, int]]) -> dict[str, Any]:
        req_id = uuid.uuid4().hex
        reply = client.expect_reply(req_id)
        await client.send({"type": "MakeMove", "gameId": game_id, "reqId": req_id, "player": player, "coord": coord})
        event, _ = await asyncio.wait_for(reply, 30)
        return event

    # -- the ramp ---------------------------------------------------------------------------------

    async def pair_many(self, n: int) -> list[L.Game]:
        games: list[L.Game] = []
        limit = asyncio.Semaphore(8)

        async def one() -> None:
            async with limit:
                if self.rec.since(started) and len(self.rec.since(started)) > 3:
                    return
                try:
                    games.append(await self.load.new_game())
                except Exception as failed:  # noqa: BLE001
                    self.rec.fail(f"pairing failed: {failed!r}"[:160])

        started = time.perf_counter()
        await asyncio.gather(*(one() for _ in range(n)))
        return games

    def check_stack(self, since: float) -> list[str]:
        problems = [f.what for f in self.rec.since(since)]
        dead = self.stack.dead()
        if dead:
            problems.append(f"stack process(es) gone: {', '.join(dead)}")
        m = self.cg.memory()
        if m.oom_kill > self.oom_base:
            problems.append(f"OOM kill in the cgroup ({m.oom_kill - self.oom_base})")
        return problems

    async def watch_lag(self) -> None:
        """How late this process's event loop wakes up: a late loop stamps answers late, so a tail
        that shows here too is (partly) the load generator's, not the server's."""
        while not self.stopping:
            due = time.perf_counter() + 0.05
            await asyncio.sleep(0.05)
            now = time.perf_counter()
            self.lags.append((now, (now - due) * 1000.0))

    async def measure_step(self, target: int, hold: float, step_start: float, games: list[L.Game]) -> dict[str, Any]:
        """Hold the load for ``hold`` seconds and judge it: the tail, and anything that failed."""
        args = self.args
        mem0 = self.cg.memory()
        s0 = snap(self.stack)
        await asyncio.sleep(hold)
        s1 = snap(self.stack)
        window_end = s1.at
        bound = time.perf_counter() + 2 * L.MOVE_TIMEOUT_S
        while any(sent < window_end for sent in self.rec.in_flight.values()) and time.perf_counter() < bound:
            await asyncio.sleep(0.05)
        mem1 = self.cg.memory()
        lat = sorted((a - s) * 1000.0 for s, a in self.rec.moves if s0.at <= s < window_end)
        answered = sum(1 for _, a in self.rec.moves if s0.at <= a < window_end)
        wall = window_end - s0.at
        cpu_ns = s1.cpu.usage_ns - s0.cpu.usage_ns
        problems = self.check_stack(step_start)
        codes: Counter[str] = Counter()
        for c in self.load.clients:
            codes.update(c.errors)
        errors = sum(codes.values())
        if errors > self.errors_seen:
            problems.append(f"Error events: {dict(codes)}")
        self.errors_seen = errors
        dropped = sum(1 for g in games for c in (g.black, g.white) if c.reader.done())
        if dropped:
            problems.append(f"{dropped} game sockets closed")
        step: dict[str, Any] = {"games": target, "n": len(lat), "p50": pct(lat, 50), "p99": pct(lat, 99),
                "max": lat[-1] if lat else NAN, "moves_per_s": answered / wall,
                "cpu_ms_per_move": cpu_ns / 1e6 / max(1, answered),
                "net_cpu_ms_per_move": (cpu_ns - self.idle_ns_per_s * wall) / 1e6 / max(1, answered),
                "cpu_pct": 100.0 * cpu_ns / 1e9 / wall, "problems": problems}
        step["passed"] = not problems and bool(lat) and step["p99"] <= args.p99_limit_ms
        print(f"step games={target}: {len(lat)} moves measured over {wall:.0f}s ({step['moves_per_s']:.1f}/s) "
              f"p50={fmt(step['p50'])}ms p90={fmt(pct(lat, 90))}ms p99={fmt(step['p99'])}ms max={fmt(step['max'])}ms; "
              f"cpu/move {step['cpu_ms_per_move']:.2f} ms (net of idle {step['net_cpu_ms_per_move']:.2f}); "
              f"{'PASS' if step['passed'] else 'FAIL'}", flush=True)
        lags = sorted(lag for at, lag in self.lags if s0.at <= at < window_end)
        print(f"    {cpu_text(s0, s1, self.quota_pct)}; this process's event loop woke late by p99 "
              f"{fmt(pct(lags, 99))} ms, max {fmt(lags[-1] if lags else NAN)} ms", flush=True)
        print(f"    {mem_text(mem1)}; RSS of the cgroup's processes {self.stack.rss()[0]:.0f} MB"
              + (f"; limit hit {mem1.failcnt - mem0.failcnt}x during the window" if mem1.failcnt > mem0.failcnt else ""),
              flush=True)
        return step

    async def ramp(self) -> None:
        args = self.args
        steps = [s for s in args.steps if s <= args.max_games]
        games: list[L.Game] = []
        tasks: list[asyncio.Task[None]] = []
        pair_s_per_game = 0.1
        tasks.append(asyncio.create_task(self.watch_lag()))
        try:
            for target in steps:
                rate = target / args.interval
                hold = min(args.max_hold_s, max(args.min_hold_s, args.min_moves / rate))
                need = (target - len(games)) * pair_s_per_game + args.warmup_s + hold + 15.0
                if self.left() < need:
                    print(f"ramp: {self.left():.0f}s of the budget left, step {target} needs ~{need:.0f}s: stopping",
                          flush=True)
                    self.note(f"the ramp stopped for the time budget before {target} games")
                    break
                step_start = time.perf_counter()
                t = time.perf_counter()
                new = await self.pair_many(target - len(games))
                pair_s = time.perf_counter() - t
                if new:
                    pair_s_per_game = max(0.02, pair_s / len(new))
                games += new
                gc.collect()
                gc.freeze()  # the long-lived clients stay out of the collector's way (as bench/load.py)
                tasks += [asyncio.create_task(self.play(g)) for g in new]
                print(f"ramp: {target} games: paired {len(new)} more in {pair_s:.1f}s; warming {args.warmup_s:g}s, "
                      f"holding {hold:.0f}s", flush=True)
                await asyncio.sleep(args.warmup_s)
                for attempt in range(1 + args.confirm):
                    step = await self.measure_step(target, hold, step_start, games)
                    if step["passed"] or step["problems"] or attempt == args.confirm:
                        break
                    if self.left() < hold + 15.0:
                        break
                    # A tail over the limit with nothing else wrong: held once more before it counts
                    # (other work on the machine makes the stack wait for a core now and then).
                    print(f"ramp: p99 over the limit at {target} games: holding {hold:.0f}s once more to confirm",
                          flush=True)
                    step_start = time.perf_counter()
                self.steps.append(step)
                if not step["passed"]:
                    problems = step["problems"]
                    why = "; ".join(dict.fromkeys(problems)) or (f"p99 {fmt(step['p99'])} ms > {args.p99_limit_ms:g} ms"
                                                                 if step["n"] else "no move measured")
                    print(f"ramp: stopping at {target} games: {why[:600]}", flush=True)
                    break
        finally:
            self.stopping = True
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await asyncio.gather(*(close_quietly(c) for c in self.load.clients), return_exceptions=True)
            self.load.clients.clear()
        passed = [s for s in self.steps if s["passed"]]
        self.figures["max_games"] = passed[-1]["games"] if passed else 0
        ref = passed[-1] if passed else (self.steps[0] if self.steps else None)
        self.figures["p99_ms"] = ref["p99"] if ref else NAN
        at = [s for s in passed if s["games"] >= args.cpu_at_games] or passed[-1:] or self.steps[:1]
        if at:
            self.figures["cpu_ms_per_move"] = at[0]["cpu_ms_per_move"]
            print(f"cpu_ms_per_move at {at[0]['games']} games ({at[0]['moves_per_s']:.1f} moves/s): "
                  f"{at[0]['cpu_ms_per_move']:.2f} ms of the cgroup's CPU per answered move "
                  f"({at[0]['net_cpu_ms_per_move']:.2f} net of the idle rate)", flush=True)

    async def main(self) -> None:
        await self.cold_start()
        m = self.cg.memory()
        self.oom_base = m.oom_kill
        phases: list[tuple[str, str, Callable[[], Any]]] = [
            ("idle", "idle", self.idle), ("sockets", "sockets", self.sockets),
            ("floor", "celery floor", self.celery_floor), ("bots", "AI replies", self.bots),
            ("dead", "dead stones", self.dead_stones)]
        for key, name, phase in phases:
            if key not in self.args.phases:
                continue
            if self.left() <= 0:
                self.note(f"phase {name} skipped: the time budget is spent")
                continue
            print(f"-- {name} ({self.left():.0f}s of the budget left)", flush=True)
            try:
                await phase()
            except (asyncio.CancelledError, KeyboardInterrupt):
                raise
            except Exception as failed:  # noqa: BLE001  (one phase failing still lets the others measure)
                self.note(f"phase {name} failed: {failed!r}"[:300])
        # The first game's players leave: the ramp starts from an empty lobby.
        try:
            await self.first.black.send({"type": "QuitGame", "gameId": self.first.game_id})
            await asyncio.sleep(0.5)
        except Exception:  # noqa: BLE001
            pass
        await self.retire(self.first)
        if "ramp" in self.args.phases:
            print(f"-- ramp ({self.left():.0f}s of the budget left)", flush=True)
            await self.ramp()


def fitting_records(wanted: Optional[str] = None) -> Iterator[tuple[list[tuple[int, int]], str]]:
    """The moves of 19x19 professional games with 200-300 moves, no handicap, no pass,
    alternating colours and a counted result (played out: a real end of game), in file order."""
    try:
        from app import sgf
        from app.go import Color, GoError
    except ImportError:
        return
    paths = [wanted] if wanted else sorted(glob.glob(RECORDS))
    for path in paths:
        try:
            record = sgf.loads(Path(path).read_bytes())
            record.replay()
        except (OSError, ValueError, GoError):
            continue
        ms = record.moves
        if (record.size != 19 or record.handicap or record.setup_black or record.setup_white or not ms
                or ms[0].color is not Color.BLACK or not 200 <= len(ms) <= 300
                or any(m.point is None for m in ms)
                or any(ms[i].color is ms[i - 1].color for i in range(1, len(ms)))
                or not re.match(r"^[BW]\+\d", record.result or "")):
            continue
        yield ([(m.point.x, m.point.y) for m in ms if m.point is not None],
               f"{Path(path).name} ({len(ms)} moves, {record.result})")


def pick_record(wanted: Optional[str]) -> tuple[Optional[list[tuple[int, int]]], str]:
    return next(fitting_records(wanted), (None, ""))


REDIS_PROBE = """
import json, os, pathlib, runpy, sys
pathlib.Path.mkdir = lambda *a, **k: None  # the script's data directory is not ours to make
def execv(binary, argv):
    print("ARGV " + json.dumps(argv), flush=True)
    sys.exit(0)
os.execv = execv
runpy.run_path(sys.argv[1], run_name="__main__")
"""


def redis_command(port: int, directory: Path) -> str:
    """The redis-server the Procfile's redis line would exec (``scripts/redis_foreground.py``: its
    binary and flags, found by running the script with ``exec`` intercepted), on our port with its
    files in our directory; the flags of the day the bench was written if that fails."""
    script = ROOT / "scripts" / "redis_foreground.py"
    env = {**os.environ, "REDIS_URL": f"redis://127.0.0.1:{port}/0",
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    try:
        out = subprocess.run([sys.executable, "-c", REDIS_PROBE, str(script)], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=30).stdout
        argv = json.loads(next(line[5:] for line in out.splitlines() if line.startswith("ARGV ")))
        if "--dir" in argv:
            argv[argv.index("--dir") + 1] = str(directory)
        else:
            argv += ["--dir", str(directory)]
        return " ".join(shlex.quote(a) for a in argv)
    except (OSError, StopIteration, ValueError, subprocess.SubprocessError) as failed:
        print(f"could not read the redis line's flags ({failed!r}); using the usual ones", file=sys.stderr)
        binary = shutil.which("redis-server", path=env["PATH"]) or "redis-server"
        return (f"{binary} --port {port} --bind 127.0.0.1 --dir {directory} --appendonly yes "
                f"--appendfsync everysec --save '' --maxmemory 256mb --maxmemory-policy noeviction")


def log_problems(procs: dict[str, L.Proc]) -> list[str]:
    """Errors and warnings in the processes' logs (what broke or complained under the quota)."""
    lines = []
    for name, p in procs.items():
        try:
            text = p.log.read_text(errors="replace")
        except OSError:
            continue
        errors = [line for line in text.splitlines()
                  if re.search(r"Traceback|ERROR|CRITICAL|Killed|MemoryError|Timeout|timed out", line)]
        warnings = [line for line in text.splitlines()
                    if "WARNING" in line and "logfile ->" not in line and line not in errors]
        for kind, hits in (("error", errors), ("warning", warnings)):
            if hits:
                lines.append(f"{name}: {len(hits)} {kind} lines, e.g.: " + " | ".join(h.strip()[:200] for h in hits[:3]))
    return lines


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nano", action="store_true", help="t3.nano: 10%% of a core and 512 MiB")
    parser.add_argument("--quick", action="store_true", help="a smoke run of every phase, about 3 minutes")
    parser.add_argument("--budget-s", type=float, default=None, help="total time (default 900, --quick 240)")
    parser.add_argument("--max-games", type=int, default=1900,
                        help="the ramp's ceiling (the web serves 4000 connections at most: MAX_CONNECTIONS)")
    parser.add_argument("--steps", default=None, help=f"games per step (default {DEFAULT_STEPS}; --quick {QUICK_STEPS})")
    parser.add_argument("--interval", type=float, default=10.0, help="seconds between a game's moves, on average")
    parser.add_argument("--jitter", choices=("exp", "uniform"), default="exp",
                        help="think times: exponential (default) or uniform 0.5-1.5x the interval")
    parser.add_argument("--dialect", choices=("page", "original"), default="page",
                        help="the clients speak every protocol extension, as the page does (default), or none, as "
                             "the original BUGOUT client (then no dead-stone phase: the server's count ends the game)")
    parser.add_argument("--addresses", choices=("many", "one"), default="many",
                        help="each client connects from a loopback address of its own, 127.x.y.z, as players come "
                             "from their own (default), or all from 127.0.0.1 (the web's per-address limits then bind)")
    parser.add_argument("--p99-limit-ms", type=float, default=200.0)
    parser.add_argument("--warmup-s", type=float, default=None, help="after a step's pairing (default the interval; --quick 5)")
    parser.add_argument("--min-hold-s", type=float, default=None, help="default 30 (--quick 15)")
    parser.add_argument("--max-hold-s", type=float, default=None, help="default 60 (--quick 15)")
    parser.add_argument("--confirm", type=int, default=1,
                        help="a step whose only fault is its p99 is held this many times more before it counts")
    parser.add_argument("--min-moves", type=int, default=1000, help="a step is held for this many moves when it fits")
    parser.add_argument("--cpu-at-games", type=int, default=None,
                        help="cpu_ms_per_move from the first passing step with this many games (default 100; --quick 50)")
    parser.add_argument("--sockets", type=int, default=1000)
    parser.add_argument("--sockets-timeout-s", type=float, default=180.0)
    parser.add_argument("--connect-concurrency", type=int, default=50)
    parser.add_argument("--no-heartbeat-round", dest="heartbeat_round", action="store_false")
    parser.add_argument("--settle", type=float, default=None, help="seconds before a memory reading (default 10; --quick 5)")
    parser.add_argument("--idle-s", type=float, default=None, help="idle CPU window (default 20; --quick 8)")
    parser.add_argument("--floor-rate", type=float, default=50.0, help="Celery floor tasks per second")
    parser.add_argument("--floor-s", type=float, default=None, help="default 20 (--quick 8)")
    parser.add_argument("--bot", default="KataGoFourStars",
                        choices=("KataGoOneStar", "KataGoTwoStars", "KataGoThreeStars", "KataGoFourStars"),
                        help="the AI's strength (default the strongest, GNU Go level 8)")
    parser.add_argument("--bot-games", type=int, default=None, help="concurrent AI games, 19x19 and 9x9 alternately (default 3; --quick 2)")
    parser.add_argument("--bot-s", type=float, default=None, help="default 120 (--quick 25)")
    parser.add_argument("--bot-think", type=float, nargs=2, default=(2.0, 5.0), metavar=("MIN", "MAX"))
    parser.add_argument("--bot-timeout-s", type=float, default=60.0)
    parser.add_argument("--record", default=None, help="an SGF for the dead-stones phase (default: the first fitting record)")
    parser.add_argument("--dead-timeout-s", type=float, default=150.0,
                        help="the longest wait for an engine's suggestion while the bot worker is busy")
    parser.add_argument("--phases", default=",".join(PHASES),
                        help=f"which measurements to run, in their fixed order (default all: {','.join(PHASES)})")
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--cpu-weight", type=float, default=10.0,
                        help="the cgroup's CPU weight, times the default (cpu.shares / cpu.weight): within its quota "
                             "the stack is not kept waiting by other work on the machine, as on a machine of its own")
    parser.add_argument("--keep-logs", action="store_true")
    args = parser.parse_args()
    q = args.quick
    defaults = {"budget_s": (900.0, 240.0), "steps": (DEFAULT_STEPS, QUICK_STEPS), "warmup_s": (args.interval, 5.0),
                "min_hold_s": (30.0, 15.0), "max_hold_s": (60.0, 15.0), "cpu_at_games": (100, 50),
                "settle": (10.0, 5.0), "idle_s": (20.0, 8.0), "floor_s": (20.0, 8.0), "bot_games": (3, 2),
                "bot_s": (120.0, 25.0)}
    for name, (full, quick) in defaults.items():
        if getattr(args, name) is None:
            setattr(args, name, quick if q else full)
    args.phases = {p.strip() for p in args.phases.split(",") if p.strip()}
    if not args.phases <= set(PHASES):
        parser.error(f"--phases: choose among {','.join(PHASES)}")
    if args.dialect == "original":
        args.phases.discard("dead")  # original clients take part in no count: no dead-stone suggestion
    args.steps = sorted({int(s) for s in str(args.steps).split(",") if s.strip()})
    if not args.steps or args.steps[0] < 1 or args.interval <= 0 or args.budget_s <= 0:
        parser.error("--steps of positive integers, --interval > 0, --budget-s > 0")
    if args.min_hold_s > args.max_hold_s:
        parser.error("--min-hold-s must not exceed --max-hold-s")
    return args


def main() -> int:
    args = parse_args()
    random.seed(args.seed)
    profile = "t3.nano" if args.nano else "t3.micro"
    quota_us, memory_bytes = PROFILES[profile]
    quota_pct = 100.0 * quota_us / PERIOD_US
    if os.geteuid() != 0:
        raise SystemExit("micro: needs root to make a cgroup")
    raise_nofile(2 * max(args.steps) + args.sockets + 500)
    started = time.monotonic()
    deadline = started + args.budget_s

    def on_signal(signum: int, _frame: Any) -> None:
        raise SystemExit(128 + signum)  # runs every finally: the cgroup is removed

    def on_alarm(_signum: int, _frame: Any) -> None:
        raise TimeoutError(f"the budget ({args.budget_s:.0f}s) was exceeded by 3 minutes")

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(int(args.budget_s + 180))

    prefix = f"bugout-micro-{uuid.uuid4().hex[:10]}"
    tmp = Path(tempfile.mkdtemp(prefix=f"{prefix}-"))
    redis_dir = tmp / "redis"
    redis_dir.mkdir()
    redis_port, web_port = free_port(), free_port()
    redis_url = f"redis://127.0.0.1:{redis_port}/0"
    env = {"KEY_PREFIX": prefix, "REDIS_URL": redis_url}
    os.environ.update(env)  # before the app is imported: our Celery client uses the same prefix

    try:
        commands = {"redis": redis_command(redis_port, redis_dir),
                    **{line: procfile_command(line) for line in procfile_lines()}}
        if "beat" in commands:  # a separate beat process: its schedule file in our directory
            commands["beat"] += f" --schedule {tmp / 'celerybeat-schedule'}"
        if "web" not in commands:
            raise SystemExit("micro: no 'web' line in the Procfile")
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise

    cg = Cgroup(f"bugout-micro-{os.getpid()}-{uuid.uuid4().hex[:6]}", quota_us, PERIOD_US, memory_bytes,
                weight_factor=args.cpu_weight)
    stack = Stack(cg)
    store = redis.Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=10)
    sender = None
    run: Optional[Run] = None
    ok = False
    figures: dict[str, float] = {}
    try:
        print(f"micro: profile={profile} budget={args.budget_s:.0f}s steps={args.steps} interval={args.interval:g}s "
              f"jitter={args.jitter} p99 limit {args.p99_limit_ms:g} ms; machine: {os.cpu_count()} cores, load "
              f"{Path('/proc/loadavg').read_text().split()[:3]}", flush=True)
        cg.create()
        print(cg.describe(), flush=True)
        for name, command in commands.items():
            print(f"  {name}: {command}")
        t_launch = time.perf_counter()
        stack.procs["redis"] = L.Proc("redis", launch(commands["redis"], env, tmp / "redis.log", cg.enter),
                                      tmp / "redis.log")
        for name in [n for n in commands if n != "redis"]:
            extra = {"PORT": str(web_port)} if name == "web" else {}
            stack.procs[name] = L.Proc(name, launch(commands[name], {**env, **extra}, tmp / f"{name}.log", cg.enter),
                                       tmp / f"{name}.log", web_port if name == "web" else None)
        inside = cg.pids()
        missing = [n for n, p in stack.procs.items() if p.process.pid not in inside and p.process.poll() is None]
        if missing:
            raise CgroupError(f"not in the cgroup: {missing}")
        print(f"launched {len(stack.procs)} process groups inside the cgroup: "
              + ", ".join(f"{n} pid={p.process.pid}" for n, p in stack.procs.items()), flush=True)

        from app.celery_app import create_celery
        from app.config import Settings

        sender = create_celery(Settings.from_env(redis_url=redis_url, key_prefix=prefix))
        PageClient.EXTENSIONS = dialect_names(args.dialect)
        PageClient.ONE_ADDRESS = args.addresses == "one"
        print(f"clients identify with extensions {PageClient.EXTENSIONS} ({args.dialect}), each from "
              + ("127.0.0.1" if PageClient.ONE_ADDRESS else "a loopback address of its own (127.1.0.1, ...)"),
              flush=True)
        run = Run(args, f"ws://127.0.0.1:{web_port}/gateway", sender, stack, store, prefix, t_launch,
                  deadline - 20.0, quota_pct)
        try:
            asyncio.run(run.main())
            ok = True
        finally:
            figures = run.figures
    except (Exception, KeyboardInterrupt, SystemExit) as failed:
        print(f"micro: FAILED: {failed!r}", file=sys.stderr, flush=True)
    finally:
        signal.alarm(0)
        try:
            final_mem = cg.memory() if cg.created else None
        except OSError:
            final_mem = None
        if final_mem is not None:
            print(f"at the end: {mem_text(final_mem)}", flush=True)
        problems = log_problems(stack.procs)
        for line in problems:
            print(f"log: {line}", flush=True)
        try:
            if cg.created:
                cg.set_cpu_quota(-1)  # shutting down needs no quota
        except OSError:
            pass
        for name in reversed(list(stack.procs)):
            if name != "redis":
                stop_group(stack.procs[name].process)
        if sender is not None:
            sender.close()
        if "redis" in stack.procs:
            stop_group(stack.procs["redis"].process)
        store.close()
        leftovers = cg.pids() if cg.created else set()
        trouble = cg.destroy(reap=stack.reap)
        for t in trouble:
            print(f"CGROUP CLEANUP: {t}", file=sys.stderr)
        if (ok and not args.keep_logs) or not tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            shutil.rmtree(redis_dir, ignore_errors=True)
            print(f"logs kept in {tmp}", file=sys.stderr)
        print(f"cleanup: {len(stack.procs)} process groups stopped, {len(leftovers)} leftover processes killed, "
              f"cgroup {cg.name} {'NOT removed' if cg.created else 'removed'}; took {time.monotonic() - started:.0f}s in all",
              file=sys.stderr, flush=True)
    if run is not None and run.notes:
        print("notes: " + " | ".join(run.notes), flush=True)
    f = figures.get
    print(f"micro: profile={profile} max_games={int(f('max_games', 0))} p99_ms={fmt(f('p99_ms', NAN))} "
          f"cpu_ms_per_move={fmt(f('cpu_ms_per_move', NAN), 2)} celery_floor_cpu_ms={fmt(f('celery_floor_cpu_ms', NAN), 3)} "
          f"idle_rss_mb={fmt(f('idle_rss_mb', NAN))} rss_1000_sockets_mb={fmt(f('rss_1000_sockets_mb', NAN))} "
          f"bot_reply_p99_s={fmt(f('bot_reply_p99_s', NAN), 2)} dead_stones_cpu_s={fmt(f('dead_stones_cpu_s', NAN), 3)}",
          flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
