"""Redis persistence of games, the lobby, invitations and event history.

One game is a hash ``{prefix}:game:{id}`` with its ``version`` and its JSON ``state``. A change is
saved by a Lua script that checks the version it was computed from (compare-and-set), writes the
state, appends the change's events to the game's history, records the reply to the request that
caused it, applies a few side writes (client index, invitation use, lobby), refreshes the TTLs and
publishes the events: all in one atomic step, so a move is stored and announced exactly once.
Key shapes and lifetimes are listed in ``docs/data-model.md``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Iterable, Optional, Sequence

import redis

from app.attention import deadlines_of, next_check
from app.config import Settings
from app.connections import state_client
from app.events import Delivery, Json
from app.game import GameState
from app.keys import Keys


@dataclass(frozen=True)
class SideWrite:
    """A write that must happen in the same atomic step as a state change."""

    op: str  # "set" (with TTL), "del", "lrem", "zadd", "zrem"
    key: str
    value: str = ""
    number: float = 0
    """``set``: seconds to live (0: the game's TTL); ``zadd``: the member's score."""


SAVED, CONFLICT, ALREADY_ANSWERED = 1, 0, -1
MAX_REJECTIONS_KEPT = 2000
REPLAY_LIMIT = 200
"""Past this many missed versions a returning client gets a snapshot instead of the events."""


_SAVE = """
-- KEYS: state, events, replies
-- ARGV: expected version ('' for a new game), new version, state json, ttl, history cap,
--       history entry, reply field, reply json, n deliveries, n side writes,
--       then (op, key, value, ttl) side writes, then (channel, payload) pairs
local current = redis.call('HGET', KEYS[1], 'version')
if current == false then current = '' end
if current ~= ARGV[1] then return 0 end
-- A request already answered (a rejection recorded at another version) is never answered twice.
if ARGV[7] ~= '' and redis.call('HEXISTS', KEYS[3], ARGV[7]) == 1 then return -1 end
local ttl = tonumber(ARGV[4])
redis.call('HSET', KEYS[1], 'version', ARGV[2], 'state', ARGV[3])
redis.call('EXPIRE', KEYS[1], ttl)
redis.call('RPUSH', KEYS[2], ARGV[6])
redis.call('LTRIM', KEYS[2], -tonumber(ARGV[5]), -1)
redis.call('EXPIRE', KEYS[2], ttl)
if ARGV[7] ~= '' then
  redis.call('HSET', KEYS[3], ARGV[7], ARGV[8])
end
if redis.call('EXISTS', KEYS[3]) == 1 then redis.call('EXPIRE', KEYS[3], ttl) end
local n_deliveries = tonumber(ARGV[9])
local n_writes = tonumber(ARGV[10])
local i = 11
for _ = 1, n_writes do
  local op, key, value, write_ttl = ARGV[i], ARGV[i + 1], ARGV[i + 2], tonumber(ARGV[i + 3])
  if write_ttl == 0 then write_ttl = ttl end
  if op ~= 'set' then write_ttl = ttl end
  if op == 'set' then redis.call('SET', key, value, 'EX', write_ttl)
  elseif op == 'del' then redis.call('DEL', key)
  elseif op == 'lrem' then redis.call('LREM', key, 0, value)
  elseif op == 'zadd' then redis.call('ZADD', key, ARGV[i + 3], value)
  elseif op == 'zrem' then redis.call('ZREM', key, value) end
  i = i + 4
end
for _ = 1, n_deliveries do
  redis.call('PUBLISH', ARGV[i], ARGV[i + 1])
  i = i + 2
end
return 1
"""

_FIND_PUBLIC = """
-- KEYS: lobby list, state key of the game to create if nobody waits, the client's game index
-- ARGV: client id, new game id, new state json, ttl, game key prefix
local entries = redis.call('LRANGE', KEYS[1], 0, -1)
for _, entry in ipairs(entries) do
  local sep = string.find(entry, '|', 1, true)
  local game_id = string.sub(entry, 1, sep - 1)
  local client_id = string.sub(entry, sep + 1)
  if redis.call('EXISTS', ARGV[5] .. game_id) == 0 then
    redis.call('LREM', KEYS[1], 0, entry)
  elseif client_id == ARGV[1] then
    redis.call('SET', KEYS[3], game_id, 'EX', tonumber(ARGV[4]))
    return {'waiting', game_id}
  else
    redis.call('LREM', KEYS[1], 0, entry)
    return {'paired', game_id}
  end
end
redis.call('HSET', KEYS[2], 'version', '0', 'state', ARGV[3])
redis.call('EXPIRE', KEYS[2], tonumber(ARGV[4]))
redis.call('RPUSH', KEYS[1], ARGV[2] .. '|' .. ARGV[1])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[4]))
redis.call('SET', KEYS[3], ARGV[2], 'EX', tonumber(ARGV[4]))
return {'queued', ARGV[2]}
"""


def dumps(payload: Any) -> str:
    return json.dumps(payload, separators=(",", ":"))


class GameStore:
    def __init__(self, client: redis.Redis, settings: Settings) -> None:
        self.redis = client
        self.settings = settings
        self.keys = Keys(settings.key_prefix)
        self._save = client.register_script(_SAVE)
        self._find_public = client.register_script(_FIND_PUBLIC)

    @classmethod
    def connect(cls, settings: Settings, max_connections: int = 64) -> GameStore:
        # A pool that waits for a free connection rather than failing: a thousand sockets
        # beating at once must queue for Redis, not be dropped with "Too many connections".
        # (Through Sentinel, if configured: app.connections.)
        return cls(state_client(settings, max_connections=max_connections, decode_responses=True), settings)

    # -- games ---------------------------------------------------------------------------------
    def load(self, game_id: str) -> Optional[GameState]:
        raw = self.redis.hget(self.keys.game(game_id), "state")
        return None if raw is None else GameState.from_json(json.loads(raw))

    def load_for_request(self, game_id: str, client_id: str, req_id: Optional[str]
                         ) -> tuple[Optional[GameState], Optional[Json]]:
        """The game and, if ``req_id`` was answered before, that answer: one round trip."""
        if req_id is None:
            return self.load(game_id), None
        pipe = self.redis.pipeline(transaction=False)
        pipe.hget(self.keys.game(game_id), "state")
        pipe.hget(self.keys.replies(game_id), self.reply_field(client_id, req_id))
        raw_state, raw_reply = pipe.execute()
        state = None if raw_state is None else GameState.from_json(json.loads(raw_state))
        return state, None if raw_reply is None else json.loads(raw_reply)

    def save(
        self,
        state: GameState,
        expected_version: Optional[int],
        deliveries: Sequence[Delivery] = (),
        reply: Optional[tuple[str, Json]] = None,
        writes: Sequence[SideWrite] = (),
    ) -> int:
        """Save ``state`` if the stored version is still ``expected_version`` (``None``: new).

        Returns :data:`SAVED`; :data:`CONFLICT` when another change got there first (reload and
        retry); :data:`ALREADY_ANSWERED` when ``reply``'s request was answered meanwhile.
        """
        keys = self.keys
        history = dumps({"v": state.version, "events": list(self._history_items(deliveries))})
        routed = list(self._routes(deliveries))
        args: list[Any] = [
            "" if expected_version is None else str(expected_version),
            str(state.version),
            dumps(state.to_json()),
            self.settings.game_ttl_s,
            self.settings.event_history,
            history,
            reply[0] if reply else "",
            dumps(reply[1]) if reply else "",
            len(routed),
            len(writes),
        ]
        for write in writes:
            args += [write.op, write.key, write.value, write.number]
        for channel, payload in routed:
            args += [channel, payload]
        return int(self._save(keys=[keys.game(state.game_id), keys.events(state.game_id),
                                    keys.replies(state.game_id)], args=args))

    def create(self, state: GameState, deliveries: Sequence[Delivery] = (),
               writes: Sequence[SideWrite] = ()) -> bool:
        """Store a new game; ``False`` if a game with this id exists already (a redelivery)."""
        return self.save(state, None, deliveries, writes=writes) == SAVED

    @staticmethod
    def _history_items(deliveries: Iterable[Delivery]) -> Iterable[Json]:
        """What a returning client may be owed: game events, and events for one client."""
        for delivery in deliveries:
            if delivery.game:
                yield {"to": "game", "e": delivery.payload}
            for client in delivery.clients:
                yield {"to": client, "e": delivery.payload}

    # -- replies and events --------------------------------------------------------------------
    def reply_field(self, client_id: str, req_id: str) -> str:
        return f"{client_id}:{req_id}"

    def reply_for(self, game_id: str, client_id: str, req_id: str) -> Optional[Json]:
        raw = self.redis.hget(self.keys.replies(game_id), self.reply_field(client_id, req_id))
        return None if raw is None else json.loads(raw)

    def remember_reply(self, game_id: str, client_id: str, req_id: str, payload: Json) -> Json:
        """Record a reply that changed nothing (a rejection); the first one recorded wins.

        At most ``MAX_REJECTIONS_KEPT`` per game: past that (only a client sending refused
        commands with fresh ids gets there) a rejection is answered but not kept, so a resend
        of it is judged again, and the game's memory stays bounded."""
        key = self.keys.replies(game_id)
        field = self.reply_field(client_id, req_id)
        if self.redis.hlen(key) >= MAX_REJECTIONS_KEPT:
            return payload
        pipe = self.redis.pipeline()
        pipe.hsetnx(key, field, dumps(payload))
        pipe.hget(key, field)
        pipe.expire(key, self.settings.game_ttl_s)
        _, stored, _ = pipe.execute()
        reply: Json = json.loads(stored)
        return reply

    def publish(self, deliveries: Iterable[Delivery]) -> None:
        routed = list(self._routes(deliveries))
        if not routed:
            return
        pipe = self.redis.pipeline(transaction=False)
        for channel, payload in routed:
            pipe.publish(channel, payload)
        pipe.execute()

    def _routes(self, deliveries: Iterable[Delivery]) -> Iterable[tuple[str, str]]:
        for delivery in deliveries:
            payload = dumps(delivery.payload)
            if delivery.game:
                yield self.keys.game_channel(delivery.game), payload
            for client in delivery.clients:
                yield self.keys.client_channel(client), payload

    def events_since(self, game_id: str, version: int, client_id: str) -> Optional[list[Json]]:
        """The events ``client_id`` was owed after ``version`` (those of the game and its own),
        or ``None`` if the kept history does not reach back that far, or if more than
        ``REPLAY_LIMIT`` versions were missed (a snapshot is cheaper then).

        Reads only the missed entries: each save appends one entry and versions go up by one,
        so the entry of version ``v`` sits ``v - first`` from the head."""
        key = self.keys.events(game_id)
        pipe = self.redis.pipeline(transaction=False)
        pipe.lindex(key, 0)
        pipe.llen(key)
        head, length = pipe.execute()
        if head is None:
            return None
        first = int(json.loads(head)["v"])
        start = version + 1 - first
        if start < 0 or length - start > REPLAY_LIMIT:
            return None
        entries = [json.loads(e) for e in self.redis.lrange(key, start, -1)]
        if entries and entries[0]["v"] > version + 1:
            return None
        return [
            item["e"]
            for entry in entries
            if entry["v"] > version
            for item in entry["events"]
            if item["to"] in ("game", client_id)
        ]

    # -- clients, invitations, lobby -----------------------------------------------------------
    def current_game(self, client_id: str) -> Optional[str]:
        return _text_or_none(self.redis.get(self.keys.client_game(client_id)))

    def seat_client(self, client_id: str, game_id: str) -> SideWrite:
        return SideWrite("set", self.keys.client_game(client_id), game_id)

    def resolve_invite(self, compact_id: str) -> Optional[str]:
        return _text_or_none(self.redis.get(self.keys.invite(compact_id)))

    def use_invite(self, compact_id: str) -> SideWrite:
        return SideWrite("del", self.keys.invite(compact_id))

    def invite_write(self, compact_id: str, game_id: str) -> SideWrite:
        return SideWrite("set", self.keys.invite(compact_id), game_id, self.settings.invite_ttl_s)

    def track_activity(self, state: GameState, now: float) -> SideWrite:
        """Games in play are indexed for housekeeping, scored by when they next need it
        (``app.attention``); others are not."""
        key = self.keys.active_games()
        due = next_check(state, now, deadlines_of(self.settings))
        if due is None:
            return SideWrite("zrem", key, state.game_id)
        return SideWrite("zadd", key, state.game_id, due)

    def due_games(self, now: float, limit: int) -> list[str]:
        """Games whose next check has come, earliest first, at most ``limit``."""
        found = self.redis.zrangebyscore(self.keys.active_games(), "-inf", now, start=0, num=limit)
        return [str(game_id) for game_id in found]

    def recheck_at(self, game_id: str, due: float) -> None:
        self.redis.zadd(self.keys.active_games(), {game_id: due}, xx=True)

    def forget_active(self, game_id: str) -> None:
        self.redis.zrem(self.keys.active_games(), game_id)

    def leave_lobby(self, board_size: int, game_id: str, client_id: str) -> SideWrite:
        return SideWrite("lrem", self.keys.lobby(board_size), f"{game_id}|{client_id}")

    def find_public(self, board_size: int, client_id: str, new_state: GameState) -> tuple[str, str]:
        """Pair with a waiting player of another client, or queue ``new_state`` as waiting.

        Returns ``("paired", game_id)``, ``("waiting", game_id)`` (this client already waits) or
        ``("queued", game_id)``; one atomic step, so two callers can never both queue or both pair.
        """
        keys = self.keys
        outcome, game_id = self._find_public(
            keys=[keys.lobby(board_size), keys.game(new_state.game_id), keys.client_game(client_id)],
            args=[client_id, new_state.game_id, dumps(new_state.to_json()), self.settings.game_ttl_s,
                  keys.game_prefix()],
        )
        return outcome, game_id

    def waiting_public(self, board_size: int) -> list[tuple[str, str]]:
        entries = self.redis.lrange(self.keys.lobby(board_size), 0, -1)
        pairs = (str(entry).split("|", 1) for entry in entries)
        return [(game_id, client_id) for game_id, client_id in pairs]

    def delete_everything(self) -> int:
        """Remove every key under this store's prefix (tests and resets only)."""
        removed = 0
        for key in self.redis.scan_iter(match=f"{self.settings.key_prefix}:*", count=1000):
            removed += self.redis.delete(key)
        return removed



def _text_or_none(value: object) -> Optional[str]:
    """A string reply (the client decodes responses), typed as such."""
    return None if value is None else str(value)
