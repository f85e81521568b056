"""One Redis subscription per web process, fanning events out to the sockets it holds.

Channels are subscribed while some connection needs them and unsubscribed when the last one
leaves. The reader thread never writes to a socket: it hands each event to the connection's
outbox, and the connection's own writer sends it (simple-websocket's send is not thread-safe).
"""

from __future__ import annotations

import json
import logging
import threading
from typing import Any, Optional, Protocol

import redis

log = logging.getLogger(__name__)


class Subscriber(Protocol):
    def deliver(self, text: str) -> None: ...

    def on_client_event(self, event: dict[str, Any]) -> bool:
        """Whether the subscriber takes this event of its client's channel."""


class Relay:
    def __init__(self, client: redis.Redis, client_channel_prefix: str) -> None:
        self._client = client
        self._pubsub = client.pubsub()  # type: ignore[no-untyped-call]  # redis-py leaves it untyped
        self._client_prefix = client_channel_prefix
        self._lock = threading.Lock()
        self._confirmed = threading.Condition(self._lock)
        self._subscribers: dict[str, set[Subscriber]] = {}
        self._live: set[str] = set()
        self._thread: Optional[threading.Thread] = None
        self.reconnects = 0

    def attach(self, channel: str, subscriber: Subscriber, wait: bool = True) -> None:
        """Deliver ``channel`` to ``subscriber``; with ``wait``, return once Redis confirmed it."""
        with self._lock:
            first = channel not in self._subscribers
            self._subscribers.setdefault(channel, set()).add(subscriber)
            if first:
                self._pubsub.subscribe(channel)
                self._ensure_reader()
            if wait:
                self._confirmed.wait_for(lambda: channel in self._live, timeout=5)

    def detach(self, subscriber: Subscriber, channels: Optional[list[str]] = None) -> None:
        with self._lock:
            names = channels if channels is not None else list(self._subscribers)
            for channel in names:
                holders = self._subscribers.get(channel)
                if holders and subscriber in holders:
                    holders.discard(subscriber)
                    if not holders:
                        del self._subscribers[channel]
                        self._live.discard(channel)
                        self._pubsub.unsubscribe(channel)

    def _ensure_reader(self) -> None:
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(target=self._read, name="relay", daemon=True)
            self._thread.start()

    def _read(self) -> None:
        while True:
            try:
                message = self._pubsub.get_message(timeout=1.0)
            except redis.ConnectionError:
                # redis-py resubscribes on reconnect; events published meanwhile are lost, which
                # clients recover from by version (Reconnect / ReqSync).
                self.reconnects += 1
                log.warning("relay: Redis connection lost; resubscribing")
                threading.Event().wait(0.5)
                continue
            except Exception:  # noqa: BLE001  (the reader must outlive any one bad message)
                log.exception("relay: reading failed")
                continue
            if message is None:
                continue
            kind = message["type"]
            channel = message["channel"]
            if isinstance(channel, bytes):
                channel = channel.decode()
            if kind == "subscribe":
                with self._lock:
                    self._live.add(channel)
                    self._confirmed.notify_all()
                continue
            if kind != "message":
                continue
            self._dispatch(channel, message["data"])

    def _dispatch(self, channel: str, data: Any) -> None:
        text = data.decode() if isinstance(data, bytes) else data
        with self._lock:
            holders = list(self._subscribers.get(channel, ()))
        if not holders:
            return
        event = json.loads(text) if channel.startswith(self._client_prefix) else None
        for holder in holders:
            # One subscriber's failure must never stop the reader every other socket depends on.
            try:
                if event is None or holder.on_client_event(event):
                    holder.deliver(text)
            except Exception:  # noqa: BLE001
                log.exception("relay: a subscriber failed on an event of %s", channel)

    def channels(self) -> list[str]:
        with self._lock:
            return list(self._subscribers)
