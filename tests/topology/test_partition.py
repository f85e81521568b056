"""The only work host is cut off from Redis (and everything else) for 10 s, then healed: the
worker comes back by itself, every game resumes, nothing acknowledged is lost or doubled."""

from __future__ import annotations

import asyncio
import time

from .net import wait_until
from .players import check_games, run, seat_all


def test_the_work_host_cut_off_for_ten_seconds_then_healed(topology) -> None:
    topology.start_standard()
    work1 = topology.host("work1")
    node = next(iter(topology.workers))

    async def scenario() -> dict[str, int]:
        games = await seat_all(topology.gateway, 10)
        try:
            await asyncio.gather(*(g.play(4) for g in games))
            playing = [asyncio.create_task(g.play(26, pace_s=0.02)) for g in games]
            await asyncio.sleep(0.3)
            topology.net.cut(work1)
            await asyncio.sleep(10)
            topology.net.heal(work1)
            healed_at = time.time()
            await asyncio.gather(*playing)  # only work1's worker can have played them
            # And it beats again: the gateway counts it as live.
            await asyncio.to_thread(
                wait_until, lambda: (topology.store.redis.zscore(topology.store.keys.workers("moves"), node) or 0)
                > healed_at, 30, "the worker did not beat after the partition")
            return check_games(topology.store, games)
        finally:
            await asyncio.gather(*(g.close() for g in games))

    started = time.monotonic()
    totals = run(scenario())
    print(totals, f"scenario {time.monotonic() - started:.1f}s")
    assert totals["moves"] == 10 * 30
