"""Settings from the environment, read once into a frozen dataclass: the one configuration of
every process (web, workers, beat), each variable named as its field in capitals.

Layered as in Flask's tutorial: defaults here, then the environment, then explicit overrides
(tests pass ``Settings.from_env(KEY_PREFIX=...)``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from typing import Any, Mapping, Optional

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
MOVES_QUEUE = "moves"
"""Human moves, the lobby and housekeeping: never behind the engine."""
BOT_QUEUE = "bot"
"""The AI engine's work, on workers of its own."""


@dataclass(frozen=True)
class Settings:
    redis_url: str = DEFAULT_REDIS_URL
    broker_url: Optional[str] = None
    """Celery broker; defaults to ``redis_url``."""
    result_backend_url: Optional[str] = None
    """Celery results; defaults to ``redis_url``."""
    state_redis_url: Optional[str] = None
    """Game state, lobby, event history and pub/sub; defaults to ``redis_url``."""
    redis_sentinels: str = ""
    """Redis Sentinels (``host:port,host:port,...``); when set, every connection (game state,
    pub/sub, Celery's broker and results, beat's lock) goes to the primary they name
    ``redis_master_name`` and follows a failover; ``redis_url`` then gives only the database and
    the password (``app.connections``, ``docs/several-machines.md``)."""
    redis_master_name: str = "bugout"
    """The name the Sentinels monitor the primary by (``sentinel monitor <name> ...``)."""
    key_prefix: str = "bugout"
    """Prefix of every Redis key and channel, Celery's included, so stacks can share a server."""
    game_ttl_s: int = 24 * 3600
    """Game data expires this long after the last activity (the original's privacy promise)."""
    invite_ttl_s: int = 24 * 3600
    event_history: int = 1000
    """Events kept per game for clients catching up."""
    public_url: str = ""
    """Base of invitation links; empty: the scheme and host the game's creator reached us at."""
    allowed_origins: str = ""
    """Other sites whose pages may open the websocket (``https://a.example,https://b.example``);
    the site's own origin and ``PUBLIC_URL``'s always may."""
    trusted_proxies: str = ""
    """Addresses of reverse proxies whose ``X-Forwarded-For/-Proto/-Host`` are believed
    (comma-separated); empty: none, the socket's peer is the client."""
    visibility_timeout_s: int = 30
    """A task taken by a worker that died is given to another after this long."""
    result_expires_s: int = 600
    presence_stale_s: float = 30.0
    """A client whose connections have not beaten for this long counts as gone."""
    wait_grace_s: float = 30.0
    """A public waiter gone this long is taken out of the queue."""
    abandon_after_s: float = 60.0
    """A player gone this long from a live game lets the opponent claim the win."""
    colour_choice_s: float = 120.0
    """Players who have not chosen a colour this long after their game was ready get the coin."""
    housekeeping_every_s: float = 10.0
    bot_idle_s: float = 300.0
    """The AI engine sleeps after this long without a bot game move."""
    engines_file: str = ""
    """A TOML or JSON file naming the GTP engine of each AI strength (``app.engines``,
    ``docs/engines.md``); empty: GNU Go at levels 1, 4, 6 and 8."""
    games_per_client: int = 10
    """Games one client may have open (waiting, or in play) at once."""
    games_per_address: int = 30
    """Games the clients of one address may have open at once."""
    ai_games_per_client: int = 2
    """Of those, games against the AI (each holds at most one engine job at a time)."""
    ai_games_per_address: int = 6
    lag_allowance_s: float = 0.5
    """Per move, time not charged to a player's clock (the network's share)."""
    log_level: str = "WARNING"
    # -- the web process (web/): its address and what one socket or address may do ------------
    host: str = "127.0.0.1"
    port: int = 5000
    max_connections: int = 4000
    """Sockets one web process serves at once; more wait in the listen backlog."""
    rate_limit_per_s: float = 20.0
    """Frames per socket (a burst of ``rate_limit_burst`` first)."""
    rate_limit_burst: float = 40.0
    read_limit_per_s: float = 1.0
    """Commands that make a worker read a whole game (Reconnect, ReqSync, ProvideHistory,
    ProvideGameState, WatchGame): a page needs a few a minute; spam would starve moves."""
    read_limit_burst: float = 10.0
    flood_disconnect_after: int = 200
    """Frames over the limit after which the socket is closed."""
    heartbeat_s: float = 10.0
    """How often a web process beats for its sockets' presence."""
    sockets_per_address: int = 20
    """Sockets one address may hold in one web process (a household shares one address)."""
    outbox_events: int = 1000
    """Events a socket that does not read may have waiting before it is dropped."""
    outbox_bytes: int = 1024 * 1024
    send_timeout_s: float = 10.0
    """A socket that takes no data for this long is given up (its TCP buffers are full)."""
    socket_buffer: int = 64 * 1024
    """The kernel's send buffer of a socket (SO_SNDBUF; the kernel doubles it). Fixed rather than
    left to grow to megabytes: what a reader that stopped reading pins stays small, and the
    outbox's own limits decide when it is dropped."""

    fault_pause_s: float = 0.0
    """Fault injection for tests: a game task pauses this long at ``fault_pause_at``."""
    fault_pause_at: str = "before_save"
    """``before_save`` or ``after_save``."""

    @property
    def broker(self) -> str:
        return self.broker_url or self.redis_url

    @property
    def result_backend(self) -> str:
        return self.result_backend_url or self.redis_url

    @property
    def state_url(self) -> str:
        return self.state_redis_url or self.redis_url

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None, **overrides: Any) -> Settings:
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get(f.name.upper())
            if raw is None or raw == "":
                continue
            kind = type(f.default) if f.default is not None else str
            values[f.name] = kind(raw) if kind in (int, float) else raw
        return replace(cls(**values), **overrides)
