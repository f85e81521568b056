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
os.environ["BOT_IDLE_S"] = "2"  # the AI engine sleeps quickly, so tests see it wake up

from typing import Any  # noqa: E402

import pytest  # noqa: E402
import redis  # noqa: E402

from app.store import GameStore  # noqa: E402

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


@pytest.fixture(scope="session")
def celery_session_app():
    import celery.contrib.testing.tasks  # noqa: F401  (the ping task the worker fixture waits on)

    from app.celery_app import celery

    celery.loader.import_default_modules()
    # Our tasks answer through pub/sub and keep no results; the readiness ping must keep its own.
    celery.tasks["celery.ping"].ignore_result = False
    return celery


@pytest.fixture(scope="session")
def celery_worker_parameters() -> dict[str, Any]:
    return {"queues": ("moves", "bot"), "perform_ping_check": True}


@pytest.fixture(scope="session")
def worker(celery_session_worker):
    return celery_session_worker


@pytest.fixture(scope="session")
def games(celery_session_app) -> GameStore:
    from app.celery_app import settings_of

    return GameStore.connect(settings_of(celery_session_app))


@pytest.fixture(scope="session")
def web(worker, tmp_path_factory):
    """The web app started the Procfile way (gunicorn + gevent) on a free port, with the embedded
    worker behind it; shared by the gateway and browser tests."""
    from .support.stack import WebProcess

    server = WebProcess(tmp_path_factory.mktemp("web") / "web.log")
    yield server
    server.stop()
