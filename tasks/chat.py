"""Chat in a game: a line said (kept with the game, published on its channel), and the lines so far."""

from __future__ import annotations

import time

from app import events, game, social
from app.celery_app import celery
from app.game.chat import KEPT, PLAYERS

from .common import store, tell, tell_error


@celery.task(name="bugout.chat.say")
def say(client_id: str, game_id: str, text: str, line_id: str) -> str:
    """``line_id`` (from the gateway, one per frame): a redelivered task keeps its line once."""
    games = store()
    state = games.load(game_id)
    if state is None:
        tell_error(client_id, "unknown_game", f"no game {game_id}")
        return "unknown_game"
    try:
        line = game.say(state, client_id, text, time.time(), line_id)
    except game.Rejected as refused:
        tell_error(client_id, refused.reason, refused.message)
        return refused.reason
    if any(kept.get("id") == line_id for kept in social.chat_lines(games, game_id)[-KEPT // 10:]):
        return "duplicate"
    keys = games.keys
    channel = keys.chat_channel(game_id) if line.channel == PLAYERS else keys.kibitz_channel(game_id)
    social.add_chat(games, game_id, line.payload, channel, events.chat_message(game_id, line.payload), KEPT)
    return "said"


@celery.task(name="bugout.chat.history")
def history(client_id: str, game_id: str) -> str:
    """The kept lines ``client_id`` may read (a player: the spectators' only after the game)."""
    games = store()
    state = games.load(game_id)
    if state is None:
        tell_error(client_id, "unknown_game", f"no game {game_id}")
        return "unknown_game"
    tell(client_id, events.chat_history(game_id, game.visible_to(state, client_id, social.chat_lines(games, game_id))))
    return "provided"
