"""Who is connected, kept in Redis with heartbeats so the idle checks can read it.

A sorted set ``{prefix}:presence`` holds one member per connection, ``{clientId}|{connectionId}``,
scored with the time of its last heartbeat. A connection beats on Identify, on Beep and whenever
it has been quiet for a heartbeat interval; it is removed when it closes. A web process that
dies leaves stale members, which readers ignore once they are older than ``stale_after_s`` and
which the next heartbeat of anyone removes after ten times that.
"""

from __future__ import annotations

import time
from typing import Optional

import redis

from app.store import Keys


class Presence:
    def __init__(self, client: redis.Redis, keys: Keys, stale_after_s: float) -> None:
        self.redis = client
        self.keys = keys
        self.key = keys.presence()
        self.stale_after_s = stale_after_s

    def beat(self, client_id: str, connection_id: str) -> None:
        now = time.time()
        keep_s = 10 * self.stale_after_s
        pipe = self.redis.pipeline(transaction=False)
        pipe.zadd(self.key, {f"{client_id}|{connection_id}": now})
        # Members left by a web process that died are dropped here, and the key expires when
        # nobody has been connected for a while.
        pipe.zremrangebyscore(self.key, 0, now - keep_s)
        pipe.expire(self.key, int(keep_s))
        pipe.execute()

    def leave(self, client_id: str, connection_id: str) -> None:
        self.redis.zrem(self.key, f"{client_id}|{connection_id}")

    def last_seen(self) -> dict[str, float]:
        """Each client's latest heartbeat over all its connections."""
        seen: dict[str, float] = {}
        for member, score in self.redis.zrange(self.key, 0, -1, withscores=True):
            text = member.decode() if isinstance(member, bytes) else member
            client = text.split("|", 1)[0]
            seen[client] = max(score, seen.get(client, 0.0))
        return seen

    def connected_clients(self, now: Optional[float] = None) -> set[str]:
        since = (time.time() if now is None else now) - self.stale_after_s
        return {client for client, stamp in self.last_seen().items() if stamp >= since}
