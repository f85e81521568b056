"""The topology tests need root (network namespaces), ``ip``, haproxy and redis-server; without
them they are skipped with the reason (``scripts/system-deps.sh`` installs the packages).

Each test gets its own :class:`~tests.topology.stack.Topology` (namespaces, addresses, key
prefix), torn down when the test ends however it ends; the processes' logs are printed then, so
a failing test shows them."""

from __future__ import annotations

import os
import shutil

import pytest

from .stack import Topology

MISSING = [tool for tool in ("ip", "haproxy", "redis-server") if shutil.which(tool) is None]


def require_topology() -> None:
    if os.geteuid() != 0:
        pytest.skip("network namespaces need root")
    if MISSING:
        pytest.skip(f"missing {', '.join(MISSING)} (scripts/system-deps.sh installs them)")


@pytest.fixture
def topology(tmp_path):
    require_topology()
    with Topology(tmp_path) as started:
        try:
            yield started
        finally:
            print(started.logs())
