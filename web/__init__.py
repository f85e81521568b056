"""The web front: a Flask application factory with the websocket gateway and a few pages."""

from __future__ import annotations

import collections
import threading
from typing import Optional

from flask import Flask

from app.config import Settings
from app.connections import state_client
from app.presence import Presence
from app.store import GameStore

from . import compression
from .extensions import sock
from .forwarded import parse_origins, parse_proxies
from .messages import MAX_FRAME_BYTES
from .relay import Relay


class ProcessState:
    """Per-process resources, made on first use (after any fork of the serving process)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._lock = threading.Lock()
        self._store: Optional[GameStore] = None
        self._relay: Optional[Relay] = None
        self._presence: Optional[Presence] = None
        self.trusted_proxies = parse_proxies(settings.trusted_proxies)
        self.sockets_by_address: collections.Counter[str] = collections.Counter()
        self.allowed_origins = parse_origins(settings.allowed_origins) | (
            parse_origins(settings.public_url) if settings.public_url else frozenset())

    def store(self) -> GameStore:
        with self._lock:
            if self._store is None:
                self._store = GameStore.connect(self.settings)
            return self._store

    def relay(self) -> Relay:
        store = self.store()
        with self._lock:
            if self._relay is None:
                client = state_client(self.settings, health_check_interval=30)
                self._relay = Relay(client, store.keys.client_channel(""))
            return self._relay

    def presence(self) -> Presence:
        store = self.store()
        with self._lock:
            if self._presence is None:
                self._presence = Presence(store.redis, store.keys, self.settings.presence_stale_s,
                                          every_s=self.settings.heartbeat_s)
            return self._presence


SOCK_SERVER_OPTIONS = {"ping_interval": 25, "max_message_size": 2 * MAX_FRAME_BYTES}
"""The server pings every 25 s; a peer that misses one is closed, so a dead connection is noticed
within a minute. A message over twice the frame limit closes the socket (1009): each socket may
hold one unfinished message, and that bounds its memory; up to twice the limit still reaches our
check and gets a readable Error."""


def create_app(settings: Optional[Settings] = None) -> Flask:
    """The web application on ``settings`` (by default read from the environment, as every
    process reads them: ``app.config.Settings``)."""
    app = Flask(__name__)
    app.config["SOCK_SERVER_OPTIONS"] = SOCK_SERVER_OPTIONS
    compression.configure()
    app.extensions["bugout"] = ProcessState(settings or Settings.from_env())

    from . import gateway, pages

    app.register_blueprint(pages.bp)
    app.register_blueprint(gateway.bp)
    sock.init_app(app)
    return app
