"""Test-wide setup: one key prefix per run (keys, channels and Celery queues), cleaned up after.

The prefix is put in the environment before anything imports the Celery app, so the app, the
embedded worker and any worker subprocess all use it. The shared Redis may hold other data: we
touch only keys under our prefix.
"""

from __future__ import annotations

import os
import uuid

RUN_PREFIX = f"bugout-test-{uuid.uuid4().hex[:10]}"
os.environ["KEY_PREFIX"] = RUN_PREFIX
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
os.environ["PUBLIC_URL"] = "http://bugout.test"

import pytest  # noqa: E402
import redis  # noqa: E402

pytest_plugins = ("celery.contrib.pytest",)


@pytest.fixture(scope="session")
def redis_url() -> str:
    return os.environ["REDIS_URL"]


@pytest.fixture(scope="session", autouse=True)
def _clean_prefix_after_run(redis_url: str):
    yield
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(match=f"{RUN_PREFIX}*", count=1000):
        client.delete(key)
    client.close()
