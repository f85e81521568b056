"""bench/micro.py's ramp: games at a human pace, more at each step, until the tail passes its
limit or anything fails."""

from __future__ import annotations

import asyncio
import gc
import time
from collections import Counter
from typing import Any

from bench.loadgen import MOVE_TIMEOUT_S, Game
from bench.micro_run import RunBase
from bench.micro_stack import NAN, cpu_text, fmt, mem_text, snap
from tests.support.stats import percentile as pct


class Ramp(RunBase):
    # -- the ramp ---------------------------------------------------------------------------------

    async def pair_many(self, n: int) -> list[Game]:
        games: list[Game] = []
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

    async def measure_step(self, target: int, hold: float, step_start: float, games: list[Game]) -> dict[str, Any]:
        """Hold the load for ``hold`` seconds and judge it: the tail, and anything that failed."""
        args = self.args
        mem0 = self.cg.memory()
        s0 = snap(self.stack)
        await asyncio.sleep(hold)
        s1 = snap(self.stack)
        window_end = s1.at
        bound = time.perf_counter() + 2 * MOVE_TIMEOUT_S
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
        dropped = sum(1 for g in games for c in (g.black, g.white) if not c.is_open)
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
        games: list[Game] = []
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
            await asyncio.gather(*(c.close() for c in self.load.clients), return_exceptions=True)
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
