"""Flag fall: a countdown task per move with a running clock, and beat's sweep as the safety net."""

from __future__ import annotations

import time
from typing import Optional

from app import game
from app.attention import deadlines_of
from app.celery_app import celery

from .common import apply, store


@celery.task(name="bugout.clock.flag_check")
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


def schedule(state: game.GameState, now: Optional[float] = None) -> None:
    """A countdown to the running side's flag fall, when it is near.

    Only near deadlines get a countdown: on Redis a delayed message held longer than the
    visibility timeout is delivered again, so far deadlines are left to beat's sweep, which
    schedules them once they come near.
    """
    settings = store().settings
    deadline = game.flag_deadline(state, settings.lag_allowance_s)
    if deadline is None:
        return
    wait = max(0.0, deadline - (time.time() if now is None else now))
    if wait <= horizon_s():
        flag_check.apply_async((state.game_id, state.version), countdown=wait + 0.05)


def horizon_s() -> float:
    return deadlines_of(store().settings).flag_horizon_s
