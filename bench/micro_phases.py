"""bench/micro.py's first measurements: the cold start, the idle stack, a thousand sockets held
and the Celery floor, each reading the cgroup around it."""

from __future__ import annotations

import asyncio
import time

from bench.loadgen import FLOOR_TASK
from bench.micro_run import RunBase, open_page_client
from bench.micro_stack import MiB, cpu_text, print_rss, snap
from tests.support.processes import wait_pinged, wait_serving
from tests.support.wsclient import AsyncClient

NOT_WORKERS = ("web", "beat", "redis")  # the other Procfile lines are Celery workers that answer a ping


class Phases(RunBase):
    """Cold start, idle, sockets and the Celery floor."""

    async def cold_start(self) -> None:
        loop = asyncio.get_running_loop()
        web = self.stack.procs["web"]
        workers = [p for name, p in self.stack.procs.items() if name not in NOT_WORKERS]
        base = f"http://127.0.0.1:{web.port}"
        await loop.run_in_executor(None, lambda: wait_serving(base, web.process, web.log, timeout=120.0))
        t_web = time.perf_counter() - self.t_launch
        await loop.run_in_executor(None, lambda: wait_pinged(self.sender, workers, timeout=120.0))
        t_workers = time.perf_counter() - self.t_launch
        self.first = await self.load.new_game()
        if not await self.move(self.first):
            raise RuntimeError(f"the first move failed: {self.rec.failures[-1].what}")
        cold = time.perf_counter() - self.t_launch
        self.figures["cold_start_s"] = cold
        print(f"cold start under the quota: web answered GET / at {t_web:.2f}s, the workers a ping at "
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
        crowd: list[AsyncClient] = []
        failed: list[BaseException] = []
        limit = asyncio.Semaphore(args.connect_concurrency)

        async def one() -> None:
            async with limit:
                try:
                    crowd.append(await open_page_client(self.url))
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
            total = print_rss(f"holding {sum(1 for c in crowd if c.is_open)} identified websockets "
                              f"(+2 players)", self.stack)
            self.figures["rss_1000_sockets_mb"] = total
            self.figures["sockets_usage_mb"] = self.cg.memory().usage / MiB
            if "idle_rss_mb" in self.figures:
                print(f"  per socket: {(total - self.figures['idle_rss_mb']) * 1024 / max(1, len(crowd)):.1f} kB",
                      flush=True)
            if args.heartbeat_round:
                hold_from = after  # the web beats each quiet socket's presence every 10 s
                await asyncio.sleep(max(0.0, opened_at + 13.0 - time.perf_counter()))
                alive = sum(1 for c in crowd if c.is_open)
                held = snap(self.stack)
                print(f"through the web's first presence heartbeat round: {alive} of {len(crowd)} still open; idle "
                      f"since they opened: "
                      f"{cpu_text(hold_from, held, self.quota_pct)}", flush=True)
                if alive < len(crowd):
                    self.note(f"{len(crowd) - alive} idle sockets were closed by the server during their first heartbeat round")
        finally:
            await asyncio.gather(*(c.close() for c in crowd), return_exceptions=True)
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
                self.sender.send_task(FLOOR_TASK, args=(1,), ignore_result=True)
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
        print(f"celery floor: {n} x {FLOOR_TASK} fire-and-forget at {args.floor_rate:g}/s into the moves worker "
              f"({'drained' if ok else 'NOT drained within 60 s'} after {wall:.1f}s): server {server_ms:.3f} ms/task "
              f"(cgroup {gross_ns / 1e6 / n:.3f} less its idle rate) + client {client_ms:.3f} ms/task = "
              f"{server_ms + client_ms:.3f} ms; {cpu_text(before, after, self.quota_pct)}", flush=True)
        if not ok:
            self.note("the Celery floor tasks were not all consumed within 60 s")
