"""The Celery application: configuration, queues and routes.

Task modules are named as strings (``include``) so that ``app`` never imports ``tasks``.
Human moves and lobby work go to the ``moves`` queue; the AI engine works on its own ``bot``
queue so a slow engine never delays a human move.
"""

from __future__ import annotations

from typing import Any, Optional

from celery import Celery
from kombu.entity import Queue

from app import broker
from app.config import BOT_QUEUE, MOVES_QUEUE, Settings
from app.connections import celery_options, transport_options
from app.liveness import Liveness

BEAT_LOCK_S = 15
"""A beat that stops extending its lock (killed, frozen) is replaced after this long."""
TASK_MODULES = ["tasks.lobby", "tasks.colors", "tasks.moves", "tasks.sync", "tasks.undo", "tasks.housekeeping",
                "tasks.bot", "tasks.clock", "tasks.chat", "tasks.live", "tasks.rematch"]

REPR_LIMIT = 200
"""How much of a task's arguments its log lines show."""


def send_options(args: Any = None, kwargs: Any = None) -> dict[str, Any]:
    """What every send adds so that Celery skips two costs of its own, profiled at a fifth and a
    tenth of the CPU of a send here: a pure-Python ``saferepr`` of the arguments (for its log
    lines; the builtin ``repr`` of our small arguments serves), and declaring the queue again on
    every publish (Redis routes a task to its queue by name, and each worker declares the queues it
    consumes)."""
    return {"argsrepr": repr(args or ())[:REPR_LIMIT], "kwargsrepr": repr(kwargs or {})[:REPR_LIMIT],
            "declare": ()}


class BugoutCelery(Celery):  # type: ignore[misc]  # Celery has no type information
    """Celery whose every send, by a task's ``delay`` or by name, adds :func:`send_options`."""

    def send_task(self, name: str, args: Any = None, kwargs: Any = None, **options: Any) -> Any:
        return super().send_task(name, args, kwargs, **{**send_options(args, kwargs), **options})


def create_celery(settings: Optional[Settings] = None) -> Celery:
    settings = settings or Settings.from_env()
    broker.install()
    prefix = f"{settings.key_prefix}:celery:"
    celery = BugoutCelery("bugout", include=TASK_MODULES)
    celery.conf.update(
        **celery_options(settings),  # broker, results, RedBeat: URLs or Sentinels (app.connections)
        task_serializer="json",
        result_serializer="json",
        accept_content=["json"],
        result_accept_content=["json"],
        # A task is acknowledged after it ran, so a worker that dies mid-task loses nothing:
        # the message is given again after the visibility timeout. Tasks are idempotent.
        task_acks_late=True,
        # A prefork child killed mid-task is retried (bounded by max_retries), not requeued forever.
        task_retry_on_worker_lost=True,
        worker_prefetch_multiplier=1,
        broker_transport_options={
            "visibility_timeout": settings.visibility_timeout_s,
            "unacked_restore_interval": max(1, settings.visibility_timeout_s // 3),
            "unacked_restore_throttle": 1,
            "global_keyprefix": prefix,
            **transport_options(settings),
        },
        result_backend_transport_options={"global_keyprefix": prefix, **transport_options(settings)},
        broker_connection_retry_on_startup=True,
        # Events reach clients through Redis pub/sub; results are kept only for callers that ask.
        task_ignore_result=True,
        result_expires=settings.result_expires_s,
        task_default_queue=MOVES_QUEUE,
        task_queues=[Queue(MOVES_QUEUE), Queue(BOT_QUEUE)],
        task_routes={"bugout.bot.*": {"queue": BOT_QUEUE}},
        worker_hijack_root_logger=False,
        worker_redirect_stdouts=False,
        worker_send_task_events=False,
        task_send_sent_event=False,
        broker_heartbeat=0,
        timezone="UTC",
        # Beat runs inside the moves workers (app/worker.py) with RedBeat's Redis lock: exactly
        # one of them sends these at a time; the others take over when its lock lapses.
        redbeat_key_prefix=f"{settings.key_prefix}:beat",
        redbeat_lock_timeout=BEAT_LOCK_S,
        beat_schedule={
            "housekeeping": {
                "task": "bugout.housekeeping.sweep",
                "schedule": settings.housekeeping_every_s,
                "options": {"expires": settings.housekeeping_every_s},
            },
            "idle-check": {
                "task": "bugout.housekeeping.idle_check",
                "schedule": 30.0,
                "options": {"expires": 30.0},
            },
        },
    )
    celery.conf.bugout_settings = settings
    celery.steps["worker"].add(Liveness)
    return celery


celery = create_celery()


def settings_of(app: Celery) -> Settings:
    settings: Settings = app.conf.bugout_settings
    return settings
