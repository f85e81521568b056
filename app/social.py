"""Redis for the extensions around a game: the live games list and the chat log.

* Live games: a sorted set of listed games in progress by their last move's time, and beside it
  one small entry per game (``app.game.live.entry``), both written in the atomic save of every
  change (:func:`live_writes`, a side write of ``tasks.common.apply``). Reading the list is two
  round trips and O(games shown), never a scan of the keyspace.
* Chat: a list per game holding its last ``app.game.chat.KEPT`` lines for the game's lifetime,
  appended and published in one step.
"""

from __future__ import annotations

import json

from app.events import Json
from app.game import GameState, is_listed, live_entry
from app.store import GameStore, SideWrite, dumps


def live_writes(games: GameStore, state: GameState, now: float) -> list[SideWrite]:
    """Keep ``state``'s entry in the live list, in the step that saves it."""
    keys = games.keys
    if is_listed(state):
        return [SideWrite("zadd", keys.live_index(), state.game_id, state.moved_at or state.updated_at),
                SideWrite("set", keys.live_entry(state.game_id), dumps(live_entry(state, now)))]
    return [SideWrite("zrem", keys.live_index(), state.game_id), SideWrite("del", keys.live_entry(state.game_id))]


def live_games(games: GameStore, limit: int, now: float) -> list[Json]:
    """The ``limit`` listed games with the latest moves, newest first. Entries of games that
    expired unfinished are dropped on the way (their entry key lived as long as the game)."""
    keys = games.keys
    pipe = games.redis.pipeline(transaction=False)
    pipe.zremrangebyscore(keys.live_index(), "-inf", now - games.settings.game_ttl_s)
    pipe.zrevrange(keys.live_index(), 0, max(0, limit - 1))
    _, ids = pipe.execute()
    if not ids:
        return []
    raw = games.redis.mget([keys.live_entry(str(i)) for i in ids])
    gone = [str(i) for i, entry in zip(ids, raw) if entry is None]
    if gone:
        games.redis.zrem(keys.live_index(), *gone)
    return [json.loads(entry) for entry in raw if entry is not None]


def add_chat(games: GameStore, game_id: str, line: Json, channel: str, payload: Json, kept: int) -> None:
    """Keep ``line`` with the game (the last ``kept``, as long as the game lives) and publish
    ``payload`` on ``channel``: one atomic step."""
    key = games.keys.chat(game_id)
    pipe = games.redis.pipeline(transaction=True)
    pipe.rpush(key, dumps(line))
    pipe.ltrim(key, -kept, -1)
    pipe.expire(key, games.settings.game_ttl_s)
    pipe.publish(channel, dumps(payload))
    pipe.execute()


def chat_lines(games: GameStore, game_id: str) -> list[Json]:
    return [json.loads(line) for line in games.redis.lrange(games.keys.chat(game_id), 0, -1)]
