"""The only work host is cut off from Redis (and everything else) for 10 s, then healed: the
worker comes back by itself, every game resumes, nothing acknowledged is lost or doubled."""

from __future__ import annotations

import asyncio
import time

from .net import wait_until
from .players import play_through, run


def test_the_work_host_cut_off_for_ten_seconds_then_healed(topology) -> None:
    topology.start_standard()
    work1 = topology.host("work1")
    node = next(iter(topology.workers))
    healed_at = 0.0

    async def cut_ten_seconds() -> None:
        nonlocal healed_at
        topology.net.cut(work1)
        await asyncio.sleep(10)
        topology.net.heal(work1)
        healed_at = time.time()

    started = time.monotonic()
    # Only work1's worker can have played the moves after the heal.
    totals = run(play_through(topology.gateway, topology.store, cut_ten_seconds))
    print(totals, f"scenario {time.monotonic() - started:.1f}s")
    assert totals["moves"] == 10 * 30
    # And it beats again: the gateway counts it as live.
    wait_until(lambda: (topology.store.redis.zscore(topology.store.keys.workers("moves"), node) or 0) > healed_at,
               30, "the worker did not beat after the partition")
