"""Where every Redis connection of the stack goes: a URL, or the primary that Redis Sentinels name.

Without ``REDIS_SENTINELS`` nothing changes: game state and pub/sub use ``STATE_REDIS_URL`` (or
``REDIS_URL``), Celery its broker and result URLs. With ``REDIS_SENTINELS=h1:26379,h2:26379,...``
and ``REDIS_MASTER_NAME`` (``bugout``), every connection (the game store, the web's relay, the
liveness beats, Celery's broker and results, RedBeat's lock) asks the Sentinels for the current
primary, and asks again after a failover; ``REDIS_URL`` then gives only the database number and
the password. redis-py's :class:`redis.sentinel.Sentinel`, kombu's ``sentinel://`` transport
(``master_name``), Celery's ``sentinel://`` result backend and RedBeat's ``redis-sentinel://``
URL do the work. See ``docs/several-machines.md``.
"""

from __future__ import annotations

import socket
from typing import Any
from urllib.parse import unquote, urlsplit

import redis
from redis.sentinel import Sentinel, SentinelConnectionPool

from app.config import Settings

SENTINEL_TIMEOUT_S = 1.0
"""How long a Sentinel may take to answer which server is the primary."""
SOCKET_TIMEOUT_S = 5.0
"""With Sentinel, a command unanswered this long fails (and the next one asks the Sentinels
again): a primary whose host died sends no reset, and a connection would wait for it for
minutes. Longer than any blocking read (kombu's BRPOP waits 1 s)."""

DEAD_PEER_S = 5
"""With Sentinel, a connection to a host that died is given up within about this long, whatever it
was doing. A dead host sends no reset: a socket timeout covers only a blocking read, while kombu's
BRPOP waits in its event loop and the web's relay polls its subscription, each for ever. TCP
keepalive probes an idle connection every second (dead after 1 + 3 x 1 s unanswered), and
TCP_USER_TIMEOUT drops one whose sent data stays unacknowledged this long; then the connection
fails, and the next one asks the Sentinels for the new primary."""


def dead_peer_options() -> dict[str, Any]:
    """redis-py's (and kombu's) connection options that find a dead peer (:data:`DEAD_PEER_S`)."""
    return {"socket_keepalive": True,
            "socket_keepalive_options": {socket.TCP_KEEPIDLE: 1, socket.TCP_KEEPINTVL: 1, socket.TCP_KEEPCNT: 3,
                                         socket.TCP_USER_TIMEOUT: int(DEAD_PEER_S * 1000)}}


class BlockingSentinelPool(SentinelConnectionPool, redis.BlockingConnectionPool):
    """Sentinel's pool (it finds the primary) that waits for a free connection rather than failing,
    like the store's pool without Sentinel."""


def sentinels(settings: Settings) -> list[tuple[str, int]]:
    """``REDIS_SENTINELS`` as (host, port) pairs; empty: no Sentinel."""
    found = []
    for item in settings.redis_sentinels.split(","):
        item = item.strip()
        if item:
            host, _, port = item.rpartition(":")
            found.append((host, int(port)) if host else (item, 26379))
    return found


def _database_and_password(settings: Settings) -> dict[str, Any]:
    parts = urlsplit(settings.redis_url)
    out: dict[str, Any] = {"db": int(parts.path.strip("/") or 0)}
    if parts.password:
        out["password"] = unquote(parts.password)
    if parts.username:
        out["username"] = unquote(parts.username)
    return out


def _sentinel(settings: Settings, **options: Any) -> Sentinel:
    options = {"socket_timeout": SOCKET_TIMEOUT_S, "socket_connect_timeout": SENTINEL_TIMEOUT_S,
               **dead_peer_options(), **options}
    return Sentinel(sentinels(settings),  # type: ignore[no-untyped-call]  # redis-py leaves it untyped
                    sentinel_kwargs={"socket_timeout": SENTINEL_TIMEOUT_S}, **_database_and_password(settings),
                    **options)


def state_client(settings: Settings, max_connections: int = 0, **options: Any) -> redis.Redis:
    """A client of the game state and pub/sub Redis; with ``max_connections``, over a pool of that
    size that waits (up to 10 s) for a free connection."""
    if not settings.redis_sentinels:
        if max_connections:
            pool = redis.BlockingConnectionPool.from_url(settings.state_url, max_connections=max_connections,
                                                         timeout=10, **options)
            return redis.Redis(connection_pool=pool)
        return redis.Redis.from_url(settings.state_url, **options)
    extra: dict[str, Any] = {"max_connections": max_connections, "timeout": 10} if max_connections else {}
    pool_class = BlockingSentinelPool if max_connections else SentinelConnectionPool
    client: redis.Redis = _sentinel(settings).master_for(  # type: ignore[no-untyped-call]
        settings.redis_master_name, connection_pool_class=pool_class, **extra, **options)
    return client


def celery_options(settings: Settings) -> dict[str, Any]:
    """Celery's settings that name its Redis: broker, results and RedBeat's, and what the
    ``sentinel://`` transports need in their transport options (``master_name``)."""
    if not settings.redis_sentinels:
        return {"broker_url": settings.broker, "result_backend": settings.result_backend,
                "redbeat_redis_url": settings.state_url, "redbeat_redis_options": {}}
    database = _database_and_password(settings)
    auth = f":{database['password']}@" if "password" in database else ""
    urls = ";".join(f"sentinel://{auth}{host}:{port}/{database['db']}" for host, port in sentinels(settings))
    return {
        "broker_url": urls,
        "result_backend": urls,
        "redbeat_redis_url": "redis-sentinel://{}:{}/{}".format(*sentinels(settings)[0], database["db"]),
        "redbeat_redis_options": {"sentinels": sentinels(settings), "service_name": settings.redis_master_name,
                                  "socket_timeout": 5, "sentinel_kwargs": {"socket_timeout": SENTINEL_TIMEOUT_S},
                                  # RedBeat passes no other option to its Sentinel; it renews its
                                  # lock every few seconds, so the socket timeout finds a dead primary.
                                  **database},
    }


def transport_options(settings: Settings) -> dict[str, Any]:
    """Added to the broker's and the result backend's transport options."""
    if not settings.redis_sentinels:
        return {}
    return {"master_name": settings.redis_master_name, "sentinel_kwargs": {"socket_timeout": SENTINEL_TIMEOUT_S},
            "socket_timeout": SOCKET_TIMEOUT_S, "socket_connect_timeout": SENTINEL_TIMEOUT_S, **dead_peer_options()}
