"""Test-wide setup: one key prefix per run (keys, channels and Celery queues), cleaned up after.

The prefix is put in the environment before anything imports the Celery app, so the app, the
embedded worker and any worker subprocess all use it. The shared Redis may hold other data: we
touch only keys under our prefix.

The two queues are served apart, as on a host split in two (docs/several-machines.md): ``moves``
by a worker embedded in this process (celery.contrib.pytest), ``bot`` by an engine host's worker
(``python -m app.worker bot``) in a subprocess, so a human's move never waits behind GNU Go's
thinking. The Procfile's one worker, which runs the engine on a thread beside the moves, is
tested for the same promise in tests/tasks/test_engine_apart.py and serves every test that starts
the stack the Procfile way.
"""

from __future__ import annotations

import os
import uuid

RUN_PREFIX = f"bugout-test-{uuid.uuid4().hex[:10]}"
os.environ["KEY_PREFIX"] = RUN_PREFIX
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
os.environ["PUBLIC_URL"] = "http://bugout.test"
os.environ["BOT_IDLE_S"] = "2"  # the AI engine sleeps quickly, so tests see it wake up
os.environ["GAMES_PER_ADDRESS"] = "1000000"  # every test client comes from 127.0.0.1
os.environ["AI_GAMES_PER_ADDRESS"] = "1000000"
os.environ["SOCKETS_PER_ADDRESS"] = "1000"  # likewise (tests of the limit set their own)

from typing import Any, Iterator  # noqa: E402

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
    return {"queues": ("moves",), "perform_ping_check": True}


@pytest.fixture(scope="session")
def bot_worker(tmp_path_factory) -> Iterator[Any]:
    """An engine host's worker (``python -m app.worker bot``) on the run's key prefix (it inherits
    this process's environment, ``KEY_PREFIX`` and ``BOT_IDLE_S`` included), up once its liveness
    beat is in Redis; its GNU Go runs as its child. Stopped for sure at the end of the session (SIGTERM, then SIGKILL)."""
    from .support.processes import WorkerProcess

    started = WorkerProcess("bot", {}, log=tmp_path_factory.mktemp("bot-worker") / "bot.log")
    yield started
    started.stop(grace=2)  # an engine analysis still running at the end is of no use to anyone


@pytest.fixture(scope="session")
def worker(celery_session_worker, bot_worker):
    """Both queues served: ``moves`` by the embedded worker, ``bot`` by its own process."""
    return celery_session_worker


@pytest.fixture(scope="session")
def games(celery_session_app) -> GameStore:
    from app.celery_app import settings_of

    return GameStore.connect(settings_of(celery_session_app))


@pytest.fixture(scope="session")
def web(worker, tmp_path_factory):
    """The web app started the Procfile way (gevent's WSGI server) on a free port, with the embedded
    moves worker and the bot worker behind it; shared by the gateway and browser tests."""
    from .support.stack import WebProcess

    server = WebProcess(tmp_path_factory.mktemp("web") / "web.log")
    yield server
    server.stop()
