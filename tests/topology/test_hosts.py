"""A web host or a work host dies under load; its clients and its work go to the other."""

from __future__ import annotations

import asyncio

from .net import names_of_run
from .players import play_through, run
from .stack import Topology


def test_teardown_leaves_nothing_behind(tmp_path) -> None:
    from .conftest import require_topology

    require_topology()
    with Topology(tmp_path, hosts=("data", "edge")) as topology:
        topology.start_redis()
        run_id = topology.net.id
        assert names_of_run(run_id)
    assert names_of_run(run_id) == []


def test_a_web_host_killed_its_clients_resume_on_the_other(topology) -> None:
    topology.start_standard()

    async def kill_web1() -> None:
        topology.net.kill_host(topology.host("web1"))

    totals = run(play_through(topology.gateway, topology.store, kill_web1, warm=6, moves=24, pace_s=0.05))
    print(totals)
    assert totals["moves"] == 10 * 30
    assert totals["reconnects"] >= 1, "nobody was on the web host that died"


def test_a_work_host_killed_mid_load_its_worker_restarted_on_the_other(topology) -> None:
    topology.start_standard()

    async def kill_work1_start_work2() -> None:  # tasks queued, one taken by the worker
        topology.net.kill_host(topology.host("work1"))  # SIGKILL, off the network
        node = topology.start_worker("work2", wait=False)
        await asyncio.to_thread(topology.wait_beating, node)

    totals = run(play_through(topology.gateway, topology.store, kill_work1_start_work2))
    print(totals)
    assert totals["moves"] == 10 * 30
