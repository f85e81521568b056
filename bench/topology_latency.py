"""MakeMove -> MoveMade across hosts with latency and loss (tests/topology, as root).

The stack of tests/topology/stack.py (Redis on ``data``, haproxy on ``edge``, two webs, a moves
worker on each of two work hosts), every host behind a user-space cable of ``--delay`` seconds
and ``--loss`` (tests/topology/wire.py; a host-to-host frame crosses two). Games are seated
before the cables are slowed, then each plays ``--moves`` moves, one every ``--pace`` seconds
after its previous answer. Prints the latency summary (the last line).

    sudo .venv/bin/python -m bench.topology_latency --games 100 --moves 6 --pace 20
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

os.environ.setdefault("KEY_PREFIX", "bugout-bench-topology")

from tests.support.stats import summary  # noqa: E402
from tests.topology.players import check_games, seat_all  # noqa: E402
from tests.topology.stack import Topology  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--games", type=int, default=100)
    parser.add_argument("--moves", type=int, default=6)
    parser.add_argument("--pace", type=float, default=20.0, help="seconds between a game's moves")
    parser.add_argument("--delay", type=float, default=0.025, help="per cable, one way (s)")
    parser.add_argument("--loss", type=float, default=0.005, help="per cable")
    parser.add_argument("--workers", type=int, default=2, choices=(1, 2))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp, Topology(Path(tmp)) as topology:
        topology.start_standard()
        if args.workers == 2:
            topology.start_worker("work2", beat=False)

        async def scenario() -> list[float]:
            games = await seat_all(topology.gateway, args.games, silence_s=30)
            try:
                topology.net.impair(args.delay, args.loss)
                started = time.monotonic()

                async def one(game, index: int) -> None:
                    await asyncio.sleep(args.pace * index / args.games)  # spread the games' starts
                    await game.play(args.moves, pace_s=args.pace)

                await asyncio.gather(*(one(g, i) for i, g in enumerate(games)))
                totals = check_games(topology.store, games)
                print(f"{totals} in {time.monotonic() - started:.0f}s", flush=True)
                return [ms * 1000 for g in games for ms in g.latencies]
            finally:
                await asyncio.gather(*(g.close() for g in games))

        samples = asyncio.run(scenario())
    summary(f"move games={args.games} delay={args.delay * 2000:.0f}ms loss={1 - (1 - args.loss) ** 2:.2%}",
            samples, widths=(44, 5, 8))


if __name__ == "__main__":
    main()
