"""kombu's Redis transport, with one redis-py client per channel instead of one per call.

Stock kombu builds a new ``redis.Redis`` object for every publish, acknowledgement and queue
operation made outside its event loop (``Channel.conn_or_acquire``), and ``Redis.__init__``
copies its whole table of response callbacks each time: profiled at 5% of the web process's CPU
and 9% of the moves worker's, per move. A client holds no connection of its own (each command
borrows one from the channel's pool, which is safe from several threads or greenlets at once),
so one per channel serves every call; it is made again if the channel replaces its pool.

Installed by name for the ``redis`` and ``rediss`` schemes (``install``), so kombu keeps
reading everything else (TLS included) from the URL as before.
"""

from __future__ import annotations

from typing import Any

from kombu.transport import TRANSPORT_ALIASES
from kombu.transport import redis as kombu_redis


class Channel(kombu_redis.Channel):
    _sync_client: Any = None

    def _create_client(self, asynchronous: bool = False) -> Any:
        if asynchronous:
            return super()._create_client(asynchronous=True)
        client = self._sync_client
        if client is None or client.connection_pool is not self.pool:
            client = self._sync_client = super()._create_client()
        return client


class Transport(kombu_redis.Transport):
    Channel = Channel


def install() -> None:
    """Make ``redis://`` and ``rediss://`` broker URLs use this transport."""
    for scheme in ("redis", "rediss"):
        TRANSPORT_ALIASES[scheme] = f"{__name__}:Transport"
