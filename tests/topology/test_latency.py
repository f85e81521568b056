"""50 ms between hosts (one way) and 1 % loss: games go on, nothing lost or doubled.

The p99 of MakeMove -> MoveMade is measured by ``bench/topology_latency.py`` (100 paced games),
not asserted here: on a shared two-core machine a latency threshold would test the neighbours.
"""

from __future__ import annotations

import asyncio
import time

from .players import check_games, run, seat_all

DELAY_PER_CABLE_S, LOSS_PER_CABLE = 0.025, 0.005
"""A host-to-host frame crosses two cables: 50 ms one way, 1 % loss."""


def test_latency_and_loss_between_hosts_lose_and_double_nothing(topology) -> None:
    topology.start_standard()
    topology.start_worker("work2", beat=False)

    async def scenario() -> dict[str, int]:
        games = await seat_all(topology.gateway, 10, silence_s=15)
        try:
            await asyncio.to_thread(topology.net.impair, DELAY_PER_CABLE_S, LOSS_PER_CABLE)
            await asyncio.gather(*(g.play(6, pace_s=1.0) for g in games))
            return check_games(topology.store, games)
        finally:
            await asyncio.gather(*(g.close() for g in games))

    started = time.monotonic()
    totals = run(scenario())
    print(totals, f"played in {time.monotonic() - started:.1f}s")
    assert totals["moves"] == 60
