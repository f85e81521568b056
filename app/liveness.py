"""Which workers are alive, so the gateway can say whether the service answers.

Every worker beats into ``{prefix}:workers:{queue}`` (a sorted set: worker name -> time of its
last beat) for each queue it consumes, from a thread of its own, every ``BEAT_S``; it removes
itself when it stops. The gateway answers ``ProvideIdleStatus`` from this set with one Redis
command: ``Online`` while a worker of the ``moves`` queue beat recently, else ``Idle`` since the
last beat anyone saw (or ``Booting`` while the web process itself has just started).

Bot workers, on this host or others, each report their own engine's state into the hash
``{prefix}:engine:status:workers`` (worker name -> ``status`` and ``since``). What players see
(:func:`engine_status`) counts only the workers that beat lately: ``Online`` if any of them has
an engine running (a move goes to whichever worker is free, and that one is warm or boots in
milliseconds), else ``Booting`` if one is starting, else ``Idle``. One pipelined round trip.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any, Iterable, Optional

import redis
from celery import bootsteps

from app.config import BOT_QUEUE
from app.connections import state_client
from app.engines import EngineConfigError, check_installed, load_engines
from app.events import BOOTING, IDLE, ONLINE, iso_time
from app.gtp import EngineUnavailable
from app.keys import Keys

log = logging.getLogger(__name__)

BEAT_S = 10.0
STALE_S = 3 * BEAT_S
"""A worker silent this long is taken to be gone (a task longer than this on a solo worker does
not count: the beat runs in its own thread)."""
FORGET_S = 24 * 3600.0

BOOT_GRACE_S = 60.0
"""A web process younger than this, with no worker yet, says ``Booting``: the stack is starting."""


@dataclass(frozen=True)
class ServiceStatus:
    status: str
    since: str
    """ISO-8601 with milliseconds: the original client computes ``Date.now() - Date.parse(since)``."""


_worker_name = ""


def this_worker() -> str:
    """The Celery worker name of this process (set when its :class:`Liveness` starts), else
    ``pid@host``: the field under which this process reports its engine's state."""
    return _worker_name or f"{os.getpid()}@{socket.gethostname()}"


def _engine_statuses(keys: Keys) -> str:
    return f"{keys.engine_status()}:workers"


_RANK = {ONLINE: 0, BOOTING: 1, IDLE: 2}


def engine_status(client: redis.Redis, keys: Keys, now: Optional[float] = None) -> dict[str, Any]:
    """The AI engine's state for players, from every live bot worker's own report (see the
    module docstring), and whether any bot worker that has an engine answers (``available``)."""
    stamp = time.time() if now is None else now
    pipe = client.pipeline(transaction=False)
    pipe.hgetall(_engine_statuses(keys))
    pipe.zrangebyscore(keys.workers(BOT_QUEUE), stamp - STALE_S, "+inf")
    reports, live = pipe.execute()
    alive = {_text(name) for name in live}
    seen: list[tuple[str, float]] = []
    for worker, raw in reports.items():
        if _text(worker) not in alive:
            continue  # gone or stale: its last report says nothing about now
        try:
            report = json.loads(raw)
            seen.append((str(report["status"]), float(report["since"])))
        except (ValueError, KeyError, TypeError):
            continue
    status, since = IDLE, None
    if seen:
        status = min((s for s, _ in seen), key=lambda s: _RANK.get(s, len(_RANK)))
        times = [t for s, t in seen if s == status]
        # Online/Booting since the first worker got there; Idle since the last one went to sleep.
        since = max(times) if status == IDLE else min(times)
    return {"status": status, "since": iso_time(since if since is not None else stamp),
            "available": bool(alive)}


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def report_engine_status(client: redis.Redis, keys: Keys, status: str, since: float,
                         worker: Optional[str] = None) -> None:
    """This worker's engine state (``worker``: its name, :func:`this_worker` by default)."""
    key = _engine_statuses(keys)
    pipe = client.pipeline(transaction=False)
    pipe.hset(key, worker or this_worker(), json.dumps({"status": status, "since": since}))
    pipe.expire(key, int(FORGET_S))
    pipe.execute()


def forget_engine_status(client: redis.Redis, keys: Keys, worker: str) -> None:
    client.hdel(_engine_statuses(keys), worker)


class WorkerBeacons:
    def __init__(self, client: redis.Redis, keys: Keys) -> None:
        self.redis = client
        self.keys = keys

    def beat(self, worker: str, queues: Iterable[str], now: Optional[float] = None) -> None:
        stamp = time.time() if now is None else now
        pipe = self.redis.pipeline(transaction=False)
        for queue in queues:
            key = self.keys.workers(queue)
            pipe.zadd(key, {worker: stamp})
            pipe.zremrangebyscore(key, 0, stamp - FORGET_S)
            pipe.expire(key, int(FORGET_S))
        pipe.execute()

    def leave(self, worker: str, queues: Iterable[str]) -> None:
        """A worker that stops cleanly is gone at once (its last beat stays as 'last seen')."""
        stamp = time.time() - STALE_S - 1
        pipe = self.redis.pipeline(transaction=False)
        for queue in queues:
            pipe.zadd(self.keys.workers(queue), {worker: stamp}, xx=True)
        pipe.execute()

    def count(self, queue: str, now: Optional[float] = None) -> int:
        """How many workers of ``queue`` beat lately."""
        stamp = time.time() if now is None else now
        return int(self.redis.zcount(self.keys.workers(queue), stamp - STALE_S, "+inf"))

    def alive(self, queue: str, now: Optional[float] = None) -> bool:
        return self.count(queue, now) > 0

    def status(self, queue: str, started_at: float, now: Optional[float] = None) -> ServiceStatus:
        """Whether a worker of ``queue`` answers, from one ``ZRANGE`` (the latest beat)."""
        stamp = time.time() if now is None else now
        latest = self.redis.zrange(self.keys.workers(queue), -1, -1, withscores=True)
        last_beat = float(latest[0][1]) if latest else None
        if last_beat is not None and last_beat >= stamp - STALE_S:
            return ServiceStatus(ONLINE, iso_time(last_beat))
        if last_beat is None and stamp - started_at < BOOT_GRACE_S:
            return ServiceStatus(BOOTING, iso_time(started_at))
        return ServiceStatus(IDLE, iso_time(last_beat if last_beat is not None else started_at))


def engine_installed(engines_file: str) -> bool:
    """A bot worker without its engines does not count as one: it could play nothing."""
    try:
        check_installed(load_engines(engines_file))
        return True
    except (EngineUnavailable, EngineConfigError) as missing:
        log.error("this worker serves the bot queue but has no engine, so the AI counts as "
                  "unavailable: %s", missing)
        return False


class Liveness(bootsteps.StartStopStep):  # type: ignore[misc]  # Celery has no type information
    """A worker bootstep: beat for every queue the worker consumes while it runs."""

    def __init__(self, parent: Any, **kwargs: Any) -> None:
        super().__init__(parent, **kwargs)
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None
        self._queues: list[str] = []
        self._beacons: Optional[WorkerBeacons] = None
        self._name = ""

    def start(self, parent: Any) -> None:
        settings = parent.app.conf.bugout_settings
        self._beacons = WorkerBeacons(state_client(settings), Keys(settings.key_prefix))
        selected = parent.app.amqp.queues.consume_from or parent.app.amqp.queues
        self._queues = sorted(q for q in selected if q != BOT_QUEUE or engine_installed(settings.engines_file))
        self._name = parent.hostname
        global _worker_name
        _worker_name = parent.hostname
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="liveness", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        assert self._beacons is not None
        while not self._stop.is_set():
            try:
                self._beacons.beat(self._name, self._queues)
            except redis.RedisError as failure:
                log.warning("liveness: could not beat: %s", failure)
            self._stop.wait(BEAT_S)

    def stop(self, parent: Any) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
        if self._beacons is not None:
            try:
                self._beacons.leave(self._name, self._queues)
                if BOT_QUEUE in self._queues:
                    forget_engine_status(self._beacons.redis, self._beacons.keys, self._name)
            except redis.RedisError:
                pass
