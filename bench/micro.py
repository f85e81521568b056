"""The whole stack on a t3.micro's sustained baseline: how many games at a human pace it holds.

Every line of the Procfile but ``redis`` (``web`` and ``worker``, which serves the AI and runs beat;
started as ``bench/scratch.py`` does) and a ``redis-server`` of their own (the binary and flags of
the Procfile's ``redis`` line, its files in a temporary directory) run INSIDE a cgroup made here: CPU quota 20% of one core
(``cfs_period_us`` 100000, ``cfs_quota_us`` 20000) and 1 GiB of memory, a t3.micro's baseline;
``--nano``: 10% and 512 MiB (t3.nano). The load generator is this process, OUTSIDE the cgroup: asyncio
websocket clients (``tests/support/wsclient.py``'s ``AsyncClient``; ``bench/loadgen.py``'s lobby pairing and moves) that speak what the
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
import os
import random
import signal
import sys
import time
import uuid
from pathlib import Path
from typing import Any, Callable, Optional

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import redis  # noqa: E402

from bench.cgroup import Cgroup, CgroupError  # noqa: E402
from bench.micro_games import Games  # noqa: E402
from bench.micro_phases import Phases  # noqa: E402
from bench.micro_ramp import Ramp  # noqa: E402
from bench.micro_run import PageClients, dialect_names  # noqa: E402
from bench.micro_stack import NAN, Stack, fmt, log_problems, mem_text  # noqa: E402
from bench.scratch import Scratch, raise_nofile, redis_command  # noqa: E402
from tests.support.processes import procfile, procfile_command  # noqa: E402

PROFILES = {"t3.micro": (20000, 1 << 30), "t3.nano": (10000, 512 << 20)}  # quota us per period, bytes
PERIOD_US = 100000
DEFAULT_STEPS = "50,100,200,300,400,500,600,700,850,1000,1250,1500,1900"
QUICK_STEPS = "20,50,100"
PHASES = ("idle", "sockets", "floor", "bots", "dead", "ramp")


class Run(Phases, Games, Ramp):
    """One run: the measurements in their fixed order."""

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

    scratch = Scratch("micro")
    prefix, tmp = scratch.prefix, scratch.tmp
    os.environ.update(scratch.env)  # before the app is imported: our Celery client uses the same prefix

    try:
        commands = {"redis": redis_command(scratch.redis_port, scratch.redis_dir),
                    **{line: procfile_command(line) for line in procfile() if line != "redis"}}
        if "beat" in commands:  # a separate beat process: its schedule file in our directory
            commands["beat"] += f" --schedule {tmp / 'celerybeat-schedule'}"
        if "web" not in commands:
            raise SystemExit("micro: no 'web' line in the Procfile")
    except BaseException:
        scratch.remove(keep_logs=False)
        raise
        raise

    cg = Cgroup(f"bugout-micro-{os.getpid()}-{uuid.uuid4().hex[:6]}", quota_us, PERIOD_US, memory_bytes,
                weight_factor=args.cpu_weight)
    stack = Stack(cg)
    stack.procs = scratch.procs
    store = redis.Redis.from_url(scratch.redis_url, socket_connect_timeout=2, socket_timeout=10)
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
        for name, command in commands.items():  # Redis first
            scratch.launch(name, command, cg.enter)
        inside = cg.pids()
        missing = [n for n, p in stack.procs.items() if p.process.pid not in inside and p.process.poll() is None]
        if missing:
            raise CgroupError(f"not in the cgroup: {missing}")
        print(f"launched {len(stack.procs)} process groups inside the cgroup: "
              + ", ".join(f"{n} pid={p.process.pid}" for n, p in stack.procs.items()), flush=True)

        from app.celery_app import create_celery
        from app.config import Settings

        sender = create_celery(Settings.from_env(redis_url=scratch.redis_url, key_prefix=prefix))
        PageClients.EXTENSIONS = dialect_names(args.dialect)
        PageClients.ONE_ADDRESS = args.addresses == "one"
        print(f"clients identify with extensions {PageClients.EXTENSIONS} ({args.dialect}), each from "
              + ("127.0.0.1" if PageClients.ONE_ADDRESS else "a loopback address of its own (127.1.0.1, ...)"),
              flush=True)
        run = Run(args, scratch.gateway, sender, stack, store, prefix, t_launch,
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
        scratch.stop(before_redis=lambda: sender.close() if sender is not None else None)
        store.close()
        leftovers = cg.pids() if cg.created else set()
        trouble = cg.destroy(reap=stack.reap)
        for t in trouble:
            print(f"CGROUP CLEANUP: {t}", file=sys.stderr)
        scratch.remove(keep_logs=not ok or args.keep_logs)
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
