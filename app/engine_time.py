"""The AI's time: how long its engine may think on a move, and what GTP time commands say so.

Two limits, the smaller wins: the engine's ``seconds_per_move`` (configuration, ``app.engines``)
and, in a game with a clock, the AI's time left before its flag falls, less
:data:`FLAG_MARGIN_S` for the move to be judged and saved after the engine answered. An engine
still thinking at that deadline is stopped (``app.engine``): the AI then passes or resigns
instead of losing on time with nobody told why.

Engines that list ``time_settings`` and ``time_left`` are also told their time, so a good one
paces itself and is never stopped. GTP has only absolute and Canadian time, so the game's clock
is translated: Fischer as absolute time (the increment is not announced; the engine is merely
more careful than it needs to be), byo-yomi as Canadian byo-yomi of one stone per period (the
same thing, period by period), and an untimed game as ``seconds_per_move`` per move (a period
of one stone). GTP counts in whole seconds: values are rounded down.
"""

from __future__ import annotations

import math
from typing import Optional

from app import clock as clocks
from app.engines import EngineSpec
from app.game import GameState
from app.go import Color

__all__ = ["FLAG_MARGIN_S", "MIN_BUDGET_S", "move_budget", "time_commands"]

FLAG_MARGIN_S = 1.0
"""Kept back from the AI's clock for loading, judging and saving its move (milliseconds in
practice; a second leaves room for a busy machine)."""
MIN_BUDGET_S = 0.05
"""The least an engine is given, even with its flag about to fall: enough for a book move."""


def _to_flag(state: GameState, color: Color, now: float) -> Optional[float]:
    """Seconds until ``color``'s flag falls if its clock is running, else ``None``."""
    running = state.clock_state()
    if running is None or running.running_for != color.value:
        return None
    deadline = clocks.flag_deadline(state.control(), running)
    return None if deadline is None else deadline - now


def move_budget(spec: EngineSpec, state: GameState, color: Color, now: float) -> float:
    """Seconds the engine may take over ``genmove`` for ``color`` (see the module docstring)."""
    budget = float(spec.seconds_per_move)
    to_flag = _to_flag(state, color, now)
    if to_flag is not None:
        budget = min(budget, to_flag - FLAG_MARGIN_S)
    return max(MIN_BUDGET_S, budget)


def _seconds(value: float) -> int:
    return max(0, int(math.floor(value))) if math.isfinite(value) else 0


def time_commands(spec: EngineSpec, state: GameState, color: Color, now: float) -> list[str]:
    """``time_settings`` and ``time_left`` for ``color`` as of ``now`` (GTP 2, section 6.3.5)."""
    gtp_color = "black" if color is Color.BLACK else "white"
    per_move = _seconds(spec.seconds_per_move)
    control, running = state.control(), state.clock_state()
    if running is None or control.kind == "none":
        return [f"time_settings 0 {per_move} 1", f"time_left {gtp_color} {per_move} 1"]
    main, periods = clocks.remaining(control, running, color.value, now)
    if control.kind == "fischer":
        return [f"time_settings {_seconds(control.main_s)} 0 0", f"time_left {gtp_color} {_seconds(main)} 0"]
    settings = f"time_settings {_seconds(control.main_s)} {_seconds(control.period_s)} 1"
    if main > 0 or periods == 0:
        return [settings, f"time_left {gtp_color} {_seconds(main)} 0"]
    to_flag = _to_flag(state, color, now)
    total = (periods * control.period_s) if to_flag is None else to_flag
    in_period = total - (periods - 1) * control.period_s
    return [settings, f"time_left {gtp_color} {_seconds(in_period)} 1"]
