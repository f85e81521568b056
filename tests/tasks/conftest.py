"""A real Celery worker (embedded, celery.contrib.pytest) on the real Redis, and test clients
that listen to their events the way a web process does: on Redis pub/sub channels."""

from __future__ import annotations

import json
import threading
import time
import uuid
from typing import Any, Callable, Iterator, Optional

import pytest
import redis

from app.keys import Keys
from app.store import GameStore


def keys_prefix() -> str:
    import os

    return os.environ["KEY_PREFIX"]


Payload = dict[str, Any]


class Listener:
    """Collects the events published to some channels, like a web process's relay does.

    One thread reads the subscription; ``subscribe`` returns once Redis confirmed it, so nothing
    published afterwards can be missed.
    """

    def __init__(self, url: str) -> None:
        self._pubsub = redis.Redis.from_url(url, decode_responses=True).pubsub()
        self._lock = threading.Condition()
        self.received: dict[str, list[Payload]] = {}
        self._confirmed: set[str] = set()
        self._closed = False
        self._pubsub.subscribe(f"{keys_prefix()}:ch:listener-start")
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def subscribe(self, *channels: str) -> None:
        self._pubsub.subscribe(*channels)
        with self._lock:
            if not self._lock.wait_for(lambda: set(channels) <= self._confirmed, timeout=10):
                raise AssertionError(f"Redis did not confirm the subscription to {channels}")

    def _run(self) -> None:
        while not self._closed:
            try:
                message = self._pubsub.get_message(timeout=0.2)
            except (redis.ConnectionError, ValueError, AttributeError, RuntimeError):
                return
            if not message:
                continue
            with self._lock:
                if message["type"] == "subscribe":
                    self._confirmed.add(message["channel"])
                elif message["type"] == "message":
                    self.received.setdefault(message["channel"], []).append(json.loads(message["data"]))
                self._lock.notify_all()

    def wait(self, channels: list[str], match: Callable[[Payload], bool], timeout: float = 10.0) -> Payload:
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                for channel in channels:
                    for payload in self.received.get(channel, []):
                        if match(payload):
                            return payload
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"nothing matching on {channels} within {timeout}s; "
                        f"got {[self.received.get(c) for c in channels]}"
                    )
                self._lock.wait(remaining)

    def all(self, channel: str) -> list[Payload]:
        with self._lock:
            return list(self.received.get(channel, []))

    def close(self) -> None:
        self._closed = True
        self._thread.join(timeout=2)
        self._pubsub.close()


class Player:
    """A client id and the events its connections would receive: its own channel and the
    channels of the games it is in (the web subscribes a connection to its games the same way)."""

    def __init__(self, listener: Listener, keys: Keys) -> None:
        self.client_id = str(uuid.uuid4())
        self.listener = listener
        self.keys = keys
        self.channels = [keys.client_channel(self.client_id)]
        listener.subscribe(self.channels[0])

    def follow(self, game_id: str) -> None:
        channel = self.keys.game_channel(game_id)
        if channel not in self.channels:
            self.listener.subscribe(channel)
            self.channels.append(channel)

    def wait_for(self, match: Callable[[Payload], bool], timeout: float = 10.0) -> Payload:
        return self.listener.wait(self.channels, match, timeout)

    def wait(self, event_type: str, timeout: float = 10.0, **fields: Any) -> Payload:
        return self.wait_for(
            lambda p: p.get("type") == event_type and all(p.get(k) == v for k, v in fields.items()),
            timeout,
        )

    def events(self, event_type: Optional[str] = None) -> list[Payload]:
        found = [p for c in self.channels for p in self.listener.all(c)]
        return [p for p in found if event_type is None or p.get("type") == event_type]


class Watcher:
    """A game's channel, as every connection watching the game sees it."""

    def __init__(self, listener: Listener, keys: Keys, game_id: str) -> None:
        self.listener = listener
        self.channel = keys.game_channel(game_id)
        listener.subscribe(self.channel)

    def wait(self, event_type: str, timeout: float = 10.0, **fields: Any) -> Payload:
        return self.listener.wait(
            [self.channel],
            lambda p: p.get("type") == event_type and all(p.get(k) == v for k, v in fields.items()),
            timeout,
        )

    def events(self, event_type: Optional[str] = None) -> list[Payload]:
        return [p for p in self.listener.all(self.channel) if event_type is None or p.get("type") == event_type]


@pytest.fixture
def listener(redis_url: str) -> Iterator[Listener]:
    listening = Listener(redis_url)
    yield listening
    listening.close()


@pytest.fixture
def new_player(listener: Listener, games: GameStore) -> Callable[[], Player]:
    return lambda: Player(listener, games.keys)


@pytest.fixture
def watch(listener: Listener, games: GameStore) -> Callable[[str], Watcher]:
    return lambda game_id: Watcher(listener, games.keys, game_id)
