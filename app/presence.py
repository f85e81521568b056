"""Who is connected, kept in Redis with heartbeats so the idle checks can read it.

A sorted set ``{prefix}:presence`` holds one member per connection, ``{clientId}|{connectionId}``,
scored with the time of its last heartbeat. A connection beats when it identifies; after that
each web process beats all of its connections at once, one ``ZADD`` every ``every_s`` (a
command per socket every few seconds was most of the server's CPU at a human pace of play); a
connection is removed when it closes. A web process that dies leaves stale members, which
readers ignore once they are older than ``stale_after_s`` and which the next heartbeat of
anyone removes after ten times that.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any, Optional

import redis

from app.keys import Keys

log = logging.getLogger(__name__)


def _member(client_id: str, connection_id: str) -> str:
    return f"{client_id}|{connection_id}"


class Presence:
    def __init__(self, client: redis.Redis, keys: Keys, stale_after_s: float, every_s: float = 10.0) -> None:
        self.redis = client
        self.keys = keys
        self.key = keys.presence()
        self.stale_after_s = stale_after_s
        self.every_s = every_s
        self._here: set[str] = set()
        self._lock = threading.Lock()
        self._beater: Optional[threading.Thread] = None

    # -- a web process's connections -------------------------------------------------------------
    def join(self, client_id: str, connection_id: str) -> None:
        """A connection identified: present now, and beaten with all the others from now on."""
        with self._lock:
            self._here.add(_member(client_id, connection_id))
            if self._beater is None:
                self._beater = threading.Thread(target=self._beat_all, name="presence", daemon=True)
                self._beater.start()
        self.beat(client_id, connection_id)

    def _beat_all(self) -> None:
        while True:
            time.sleep(self.every_s)
            with self._lock:
                members = list(self._here)
            if not members:
                continue
            try:
                self._write({member: time.time() for member in members})
            except redis.RedisError as failure:
                log.warning("presence: could not beat: %s", failure)

    def beat(self, client_id: str, connection_id: str) -> None:
        self._write({_member(client_id, connection_id): time.time()})

    def _write(self, members: dict[str, float]) -> None:
        now = time.time()
        keep_s = 10 * self.stale_after_s
        pipe = self.redis.pipeline(transaction=False)
        pipe.zadd(self.key, members)
        # Members left by a web process that died are dropped here, and the key expires when
        # nobody has been connected for a while.
        pipe.zremrangebyscore(self.key, 0, now - keep_s)
        pipe.expire(self.key, int(keep_s))
        pipe.execute()

    def leave(self, client_id: str, connection_id: str) -> None:
        member = _member(client_id, connection_id)
        with self._lock:
            self._here.discard(member)
        self.redis.zrem(self.key, member)

    def last_seen(self) -> dict[str, float]:
        """Each client's latest heartbeat over all its connections."""
        seen: dict[str, float] = {}
        members: list[tuple[Any, Any]] = self.redis.zrange(self.key, 0, -1, withscores=True)  # type: ignore[assignment]
        for member, score in members:
            text = member.decode() if isinstance(member, bytes) else str(member)
            client = text.split("|", 1)[0]
            seen[client] = max(float(score), seen.get(client, 0.0))
        return seen

    def connected_clients(self, now: Optional[float] = None) -> set[str]:
        since = (time.time() if now is None else now) - self.stale_after_s
        return {client for client, stamp in self.last_seen().items() if stamp >= since}
