"""How much one client, and one address, may keep on the server, and how full Redis may get.

A stranger at the permitted rate of frames could otherwise create gigabytes of games a day. Each
new game is counted against its creator's client id and address (sorted sets of game ids,
scored by creation time, forgotten with the games); games that ended no longer count. Past
``REDIS_FULL_AT`` of Redis's ``maxmemory`` no new game is created at all, so the games in play
keep the rest: a move is never refused for want of memory before the cap itself.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Optional

import redis

from app.game import BOT
from app.keys import Keys

REDIS_FULL_AT = 0.9
MEMORY_CHECK_EVERY_S = 5.0


@dataclass(frozen=True)
class Refusal:
    code: str
    message: str


class Quotas:
    def __init__(self, client: redis.Redis, keys: Keys, per_client: int, per_address: int, ttl_s: int,
                 ai_per_client: int = 2, ai_per_address: int = 6) -> None:
        self.redis = client
        self.keys = keys
        self.per_client = per_client
        self.per_address = per_address
        self.ai_per_client = ai_per_client
        """AI games: each holds at most one engine job at a time, so this bounds a client's
        share of the engine's queue."""
        self.ai_per_address = ai_per_address
        self.ttl_s = ttl_s
        self._memory_checked = 0.0
        self._full = False

    def refuse_new_game(self, client_id: str, address: Optional[str], now: Optional[float] = None,
                        against_ai: bool = False) -> Optional[Refusal]:
        """Why a new game (``against_ai``: a game against the AI) may not be created now, or ``None``."""
        stamp = time.time() if now is None else now
        if self._redis_full(stamp):
            return Refusal("server_full", "the server is full right now: games in play go on, new ones "
                                          "can start again in a while")
        games, ai = self._open_games("client", client_id, stamp)
        if games >= self.per_client:
            return Refusal("too_many_games", f"you have {self.per_client} games open; finish or leave one first")
        if against_ai and ai >= self.ai_per_client:
            return Refusal("too_many_games", f"you have {self.ai_per_client} games against the AI open; "
                                             "finish or leave one first")
        if address:
            games, ai = self._open_games("address", address, stamp)
            if games >= self.per_address or against_ai and ai >= self.ai_per_address:
                return Refusal("too_many_games", "too many games are open from your address; "
                                                 "finish or leave one first")
        return None

    def count_new_game(self, game_id: str, client_id: str, address: Optional[str],
                       now: Optional[float] = None) -> None:
        stamp = time.time() if now is None else now
        pipe = self.redis.pipeline(transaction=False)
        for kind, owner in (("client", client_id), ("address", address)):
            if owner:
                key = self.keys.owned_games(kind, owner)
                pipe.zadd(key, {game_id: stamp})
                pipe.expire(key, self.ttl_s)
        pipe.execute()

    def _open_games(self, kind: str, owner: str, now: float) -> tuple[int, int]:
        """Games of ``owner`` still open, and how many of them against the AI: not expired,
        not over (those are dropped as seen)."""
        key = self.keys.owned_games(kind, owner)
        self.redis.zremrangebyscore(key, "-inf", now - self.ttl_s)
        game_ids = [str(game_id) for game_id in self.redis.zrange(key, 0, -1)]
        if not game_ids:
            return 0, 0
        pipe = self.redis.pipeline(transaction=False)
        for game_id in game_ids:
            pipe.hget(self.keys.game(game_id), "state")
        closed, ai = [], 0
        for game_id, raw in zip(game_ids, pipe.execute()):
            state = None if raw is None else json.loads(raw)
            if state is None or state.get("phase") == "over":
                closed.append(game_id)
            elif BOT in state.get("players", ()):
                ai += 1
        if closed:
            self.redis.zrem(key, *closed)
        return len(game_ids) - len(closed), ai

    def _redis_full(self, now: float) -> bool:
        if now - self._memory_checked >= MEMORY_CHECK_EVERY_S:
            info = self.redis.info("memory")
            cap = int(info.get("maxmemory", 0))
            self._full = cap > 0 and int(info.get("used_memory", 0)) >= REDIS_FULL_AT * cap
            self._memory_checked = now
        return self._full
