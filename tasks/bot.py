"""The AI opponent: GNU Go, on its own queue, so a slow engine never delays a human move.

Each bot worker process keeps one engine warm while bot games are active; it sleeps after
``BOT_IDLE_S`` without use and wakes on the next request, telling the waiting player it is
booting. The bot's moves go through the same judge as anybody's (``make_move``), with a request
id per game version, so a redelivered bot task never plays twice.
"""

from __future__ import annotations

import functools
import time
from typing import Optional

from app import game
from app.celery_app import BOT_QUEUE, celery
from app.engine import EngineFailure, EngineKeeper
from app.liveness import engine_status, report_engine_status
from app.go import Color

from .common import apply, store, tell
from .moves import make_move


def _report(status: str, since: float) -> None:
    games = store()
    report_engine_status(games.redis, games.keys, status, since)


@functools.cache
def keeper() -> EngineKeeper:
    return EngineKeeper(idle_stop_s=store().settings.bot_idle_s, on_status=_report)


def _tell_status(client_id: str, game_id: str) -> None:
    """While an AI game waits on the engine: its state, in the original's own terms."""
    games = store()
    engine = engine_status(games.redis, games.keys)
    tell(client_id, {"type": "IdleStatusProvided", **engine, "gameId": game_id, "engine": engine})


def _bot_color(state: game.GameState) -> Optional[Color]:
    for color in Color:
        if state.seated(color) == game.BOT:
            return color
    return None


@celery.task(name="bugout.bot.play")
def play(game_id: str, version: int) -> str:
    """Answer the position at ``version`` with the engine's move, if it is still the bot's turn."""
    state = store().load(game_id)
    if state is None or state.phase is not game.Phase.PLAYING or state.version != version:
        return "stale"
    color = _bot_color(state)
    if color is None or state.board().to_move is not color:
        return "not_bot_turn"
    engine = keeper()
    human = state.creator
    booting = engine.status != "Online"
    if booting:
        _report("Booting", time.time())
        _tell_status(human, game_id)
    try:
        choice = engine.genmove(state)
    except EngineFailure as failure:
        tell(human, {"type": "Error", "code": "engine_failed", "message": str(failure), "replyTo": None})
        return "engine_failed"
    if booting:
        _tell_status(human, game_id)
    req_id = f"bot:{version}"
    if choice == "resign":
        return apply(game_id, game.BOT, lambda s: game.resign(s, game.BOT), req_id=req_id)
    coord = None if choice is None else {"x": choice.x, "y": choice.y}
    return make_move.run(game_id, game.BOT, req_id, color.value, coord)


@celery.task(name="bugout.bot.sleep")
def sleep() -> str:
    """Put the engine to sleep now (nobody is connected)."""
    keeper().stop()
    return "asleep"


def next_for(before: Optional[game.GameState], after: game.GameState) -> None:
    """After a saved change: ask the engine for a move when it is the AI's turn. (Dead stones
    are never the engine's work: ``app.go.life`` suggests them in milliseconds.)"""
    if after.phase is game.Phase.PLAYING and after.has_bot:
        color = _bot_color(after)
        if color is not None and after.board().to_move is color:
            play.apply_async((after.game_id, after.version), queue=BOT_QUEUE)
