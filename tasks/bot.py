"""The AI opponent: a GTP engine (GNU Go unless ``ENGINES_FILE`` says otherwise, ``app.engines``),
on its own queue, so a slow engine never delays a human move.

Each bot worker process, on this host or another, keeps one engine warm while bot games are
active; it sleeps after ``BOT_IDLE_S`` without use and wakes on the next request, telling the
waiting player it is booting. The bot's moves go through the same judge as anybody's
(``make_move``), with a request id per game version, so a redelivered bot task (its worker died
mid-move: the task is acknowledged late and given to another worker after the visibility timeout)
never plays twice. An engine that overruns its time for a move is stopped, the player is told
(``Error`` ``engine_overran``) and the AI passes (or resigns, as configured) instead.
"""

from __future__ import annotations

import functools
import time

from app import events, game
from app.celery_app import celery
from app.engine import EngineFailure, EngineKeeper, EngineOverran, GenmoveResult
from app.engine_lane import STRATEGY
from app.engines import load_engines
from app.events import BOOTING, ONLINE, iso_time
from app.liveness import engine_status, report_engine_status

from .common import ENGINE_MOVE_TASK, apply, store, tell
from .moves import make_move


def _report(status: str, since: float) -> None:
    games = store()
    report_engine_status(games.redis, games.keys, status, since)


@functools.cache
def keeper() -> EngineKeeper:
    settings = store().settings
    return EngineKeeper(engines=load_engines(settings.engines_file), idle_stop_s=settings.bot_idle_s,
                        on_status=_report)


def _tell_status(client_id: str, game_id: str, status: str, since: float) -> None:
    """While an AI game waits on the engine: the state of the engine that serves it (this
    worker's, whatever other bot workers are doing), in the original's own terms."""
    games = store()
    engine = {**engine_status(games.redis, games.keys), "status": status, "since": iso_time(since)}
    tell(client_id, events.idle_status(status, engine["since"], engine, game_id))


@celery.task(name=ENGINE_MOVE_TASK, Strategy=STRATEGY)
def play(game_id: str, version: int) -> str:
    """Answer the position at ``version`` with the engine's move, if it is still the bot's turn."""
    state = store().load(game_id)
    if state is None or state.phase is not game.Phase.PLAYING or state.version != version:
        return "stale"
    color = game.bot_color(state)
    if color is None or state.board().to_move is not color:
        return "not_bot_turn"
    engine = keeper()
    human = state.creator
    booting = engine.status != ONLINE
    if booting:
        _tell_status(human, game_id, BOOTING, time.time())
    choice: GenmoveResult
    try:
        choice = engine.genmove(state)
    except EngineOverran as late:
        tell(human, events.error("engine_overran", str(late)))
        choice = late.fallback
    except EngineFailure as failure:
        tell(human, events.error("engine_failed", str(failure)))
        return "engine_failed"
    if booting and engine.status == ONLINE:
        _tell_status(human, game_id, ONLINE, engine.since)
    req_id = f"bot:{version}"
    if choice == "resign":
        return apply(game_id, game.BOT, lambda s: game.resign(s, game.BOT), req_id=req_id)
    coord = None if choice is None else {"x": choice.x, "y": choice.y}
    outcome: str = make_move.run(game_id, game.BOT, req_id, color.value, coord)
    return outcome


@celery.task(name="bugout.bot.sleep", Strategy=STRATEGY)
def sleep() -> str:
    """Put the engine to sleep now (nobody is connected)."""
    keeper().stop()
    return "asleep"
