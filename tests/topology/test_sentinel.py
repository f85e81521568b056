"""Redis with a replica and three Sentinels on hosts of their own; the primary's host dies, the
Sentinels promote the replica, and the stack (REDIS_SENTINELS, app/connections.py) goes on.

Also measured (printed, not asserted): what an asynchronous replica lost of writes acknowledged
just before the failover, and what ``WAIT 1`` after each write would cost.
"""

from __future__ import annotations

import asyncio
import threading
import time

import redis

from ..support.stats import summary
from .conftest import require_topology
from .net import wait_until
from .players import seat_all
from .stack import MASTER_NAME, REDIS_PORT, SENTINEL_PORT, Topology
from .test_hosts import run

HOSTS = ("data", "data2", "sen1", "sen2", "sen3", "edge", "web1", "web2", "work1", "work2")


def primary(topology: Topology) -> str:
    client = redis.Redis(host=topology.host("sen1").address, port=SENTINEL_PORT, socket_timeout=1)
    try:
        host, _ = client.execute_command("SENTINEL", "get-master-addr-by-name", MASTER_NAME)
        return host.decode() if isinstance(host, bytes) else str(host)
    finally:
        client.close()


def test_the_primary_dies_a_replica_is_promoted_the_stack_goes_on(tmp_path) -> None:
    require_topology()
    with Topology(tmp_path, hosts=HOSTS) as topology:
        try:
            scenario(topology)
        finally:
            print(topology.logs())


def scenario(topology: Topology) -> None:
    data, data2 = topology.host("data"), topology.host("data2")
    sentinel_list = ",".join(f"{topology.host(s).address}:{SENTINEL_PORT}" for s in ("sen1", "sen2", "sen3"))
    topology.env.update({"REDIS_SENTINELS": sentinel_list, "REDIS_MASTER_NAME": MASTER_NAME})
    topology.start_redis("data")
    topology.start_redis("data2", replica_of="data")
    replica = redis.Redis(host=data2.address, port=REDIS_PORT, socket_timeout=2)
    wait_until(lambda: replica.info("replication").get("master_link_status") == "up", 20, "the replica did not sync")
    for name in ("sen1", "sen2", "sen3"):
        topology.start_sentinel(name)
    webs = [topology.start_web(name, wait=False) for name in ("web1", "web2")]
    node = topology.start_worker("work1", wait=False)
    topology.wait_web("web1")
    topology.wait_web("web2")
    topology.start_edge()
    topology.wait_beating(node)
    assert webs and primary(topology) == data.address

    # What WAIT costs: a write alone, and a write followed by WAIT for the replica.
    direct = redis.Redis(host=data.address, port=REDIS_PORT, socket_timeout=2)
    alone, waited = [], []
    for i in range(300):
        started = time.perf_counter()
        direct.set(f"{topology.prefix}:probe", i)
        alone.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        direct.set(f"{topology.prefix}:probe", i)
        direct.execute_command("WAIT", 1, 1000)
        waited.append((time.perf_counter() - started) * 1000)
    summary("write (SET), replica asynchronous", alone)
    summary("write + WAIT 1 (replica acknowledged)", waited)

    # Writes acknowledged by the primary, as fast as one client can, while it dies.
    acknowledged = [0]
    stop = threading.Event()

    def writer() -> None:
        client = redis.Redis(host=data.address, port=REDIS_PORT, socket_timeout=0.5)
        while not stop.is_set():
            try:
                acknowledged[0] = int(client.incr(f"{topology.prefix}:counter"))
            except redis.RedisError:
                return

    async def play() -> dict[str, int]:
        games = await seat_all(topology.gateway, 6, silence_s=5)
        try:
            await asyncio.gather(*(g.play(4) for g in games))
            playing = [asyncio.create_task(g.play(16, pace_s=0.05)) for g in games]
            thread = threading.Thread(target=writer, daemon=True)
            thread.start()
            await asyncio.sleep(0.5)
            killed = time.monotonic()
            topology.net.kill_host(data)
            stop.set()
            await asyncio.to_thread(wait_until, lambda: _primary_or_none(topology) == data2.address, 30,
                                    "no replica was promoted")
            promoted_s = time.monotonic() - killed
            await asyncio.gather(*playing)
            resumed_s = time.monotonic() - killed
            lost = doubled = 0
            for game in games:
                stored = topology.store.load(game.game_id).moves
                lost += len([m for m in game.acknowledged if m not in stored])
                doubled += len(stored) - len(set(stored))
                assert stored[: len(game.acknowledged)] == game.acknowledged or lost
            counter = int(redis.Redis(host=data2.address, port=REDIS_PORT).get(f"{topology.prefix}:counter") or 0)
            print(f"failover: promoted in {promoted_s:.1f}s, every game finished {resumed_s:.1f}s after the kill; "
                  f"moves acknowledged {sum(len(g.acknowledged) for g in games)}, lost {lost}, doubled {doubled}; "
                  f"counter writes acknowledged {acknowledged[0]}, on the promoted replica {counter}, "
                  f"lost {acknowledged[0] - counter}")
            assert doubled == 0
            return {"lost": lost}
        finally:
            await asyncio.gather(*(g.close() for g in games))

    run(play())


def _primary_or_none(topology: Topology) -> str | None:
    try:
        return primary(topology)
    except redis.RedisError:
        return None
