"""Flag fall: a countdown task per move with a running clock, and beat's sweep as the safety net."""

from __future__ import annotations

import time
from typing import Optional

from app import game
from app.celery_app import celery

from .common import FLAG_CHECK_TASK, apply, store


@celery.task(name=FLAG_CHECK_TASK)
def flag_check(game_id: str, version: int, now: Optional[float] = None) -> str:
    """Scheduled for the moment the running side's flag falls; a move since then makes it moot."""
    state = store().load(game_id)
    if state is None or state.version != version:
        return "moot"
    return time_out_if_fallen(state, time.time() if now is None else now)


def time_out_if_fallen(state: game.GameState, now: float) -> str:
    lag = store().settings.lag_allowance_s
    deadline = game.flag_deadline(state, lag)
    if deadline is None or now < deadline:
        return "running"
    loser = state.clock_state().running_for  # type: ignore[union-attr]
    client = state.seated(game.Color(loser)) or state.creator
    return apply(state.game_id, client, lambda s: game.time_out(s, now, lag), silent=True)
