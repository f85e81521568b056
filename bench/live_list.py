"""What 1,000 idle lobby visitors cost with the live games list: measured on a real web process.

Each visitor is a websocket (our page's ``Identify``) that sends ``ListLiveGames`` every
``--poll`` seconds (the page's 15 s, only while its lobby is visible), at a random phase, for
``--seconds``. ``--games`` listed games sit in the index (written as the save's side writes
write them). Measured over the run: the requests answered, the answer's size, the web process's
CPU (utime + stime of all its threads, as a share of one core) and the Redis commands the web
ran for the list (``INFO commandstats``: ``zrevrange``, ``mget``, ``zremrangebyscore``). A web
process reads Redis for the list at most every ``web.social.LIVE_CACHE_S``, whatever the number
of visitors, so Redis work stays flat; the web's CPU is parsing and answering the frames.

    .venv/bin/python bench/live_list.py --visitors 1000 --poll 15 --seconds 60

The last line printed is the summary.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("KEY_PREFIX", f"bench-live-{uuid.uuid4().hex[:8]}")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
os.environ["SOCKETS_PER_ADDRESS"] = "100000"

from app import events  # noqa: E402
from app.config import Settings  # noqa: E402
from app.store import GameStore, dumps  # noqa: E402
from tests.support.stack import WebProcess  # noqa: E402
from tests.support.wsclient import AsyncClient  # noqa: E402

LIST_COMMANDS = ("zrevrange", "mget", "zremrangebyscore")


def cpu_seconds(pid: int) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for task in Path(f"/proc/{pid}/task").iterdir():
        fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def list_commands(games: GameStore) -> int:
    stats = games.redis.info("commandstats")
    return sum(int(stats.get(f"cmdstat_{name}", {}).get("calls", 0)) for name in LIST_COMMANDS)


def seed(games: GameStore, count: int) -> None:
    now = time.time()
    pipe = games.redis.pipeline(transaction=False)
    for i in range(count):
        game_id = str(uuid.uuid4())
        moved = now - random.uniform(0, 600)
        entry = events.live_entry(game_id, 19, random.randint(1, 250), "playing",
                                  {"BLACK": "human", "WHITE": "human"}, None, None, moved, "chinese")
        pipe.zadd(games.keys.live_index(), {game_id: moved})
        pipe.set(games.keys.live_entry(game_id), dumps(entry), ex=3600)
    pipe.execute()


async def visitor(url: str, poll: float, until: float, sizes: list[int]) -> None:
    client = await AsyncClient.open(url, retry_until=time.perf_counter() + 30, timeout=60)
    await asyncio.sleep(random.uniform(0, poll))
    while time.perf_counter() < until:
        answer = client.expect(lambda e: e.get("type") == "LiveGames")
        await client.send({"type": "ListLiveGames"})
        event, _ = await answer
        sizes.append(len(dumps(event)))
        await asyncio.sleep(poll)
    await client.ws.close()


async def main(args: argparse.Namespace, web: WebProcess, games: GameStore) -> str:
    sizes: list[int] = []
    until = time.perf_counter() + args.seconds
    opening = [asyncio.create_task(visitor(web.gateway, args.poll, until, sizes)) for _ in range(args.visitors)]
    await asyncio.sleep(min(5.0, args.seconds / 4))  # the sockets open; measure the steady part
    cpu0, cmds0, n0, t0 = cpu_seconds(web.process.pid), list_commands(games), len(sizes), time.perf_counter()
    await asyncio.sleep(max(1.0, until - time.perf_counter() - 1))
    cpu1, cmds1, n1, t1 = cpu_seconds(web.process.pid), list_commands(games), len(sizes), time.perf_counter()
    await asyncio.gather(*opening)
    span = t1 - t0
    return (f"live-list: visitors={args.visitors} poll_s={args.poll:g} listed_games={args.games} "
            f"requests_per_s={(n1 - n0) / span:.1f} answered={len(sizes)} "
            f"answer_bytes={(sum(sizes) // max(1, len(sizes)))} "
            f"redis_list_cmds_per_s={(cmds1 - cmds0) / span:.2f} "
            f"web_cpu_pct_of_core={100 * (cpu1 - cpu0) / span:.1f} span_s={span:.0f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--visitors", type=int, default=1000)
    parser.add_argument("--poll", type=float, default=15.0)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--games", type=int, default=500)
    options = parser.parse_args()
    store = GameStore.connect(Settings.from_env())
    seed(store, options.games)
    server = WebProcess(Path(tempfile.mkdtemp()) / "web.log")
    try:
        summary = asyncio.run(main(options, server, store))
    finally:
        server.stop()
        store.delete_everything()
    print(summary)
