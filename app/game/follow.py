"""What a saved change makes due, as data: the domain decides, ``tasks/`` dispatches.

Dead stones need nothing here: ``app.go.life`` suggests them inside the move that ends play.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Union

from app import clock as clocks
from app.go import Color

from .state import BOT, GameState, Phase


@dataclass(frozen=True)
class EngineMove:
    """The AI is to move in this version of the game."""

    game_id: str
    version: int


@dataclass(frozen=True)
class FlagWatch:
    """The running side's flag falls at ``deadline`` unless this version changes first."""

    game_id: str
    version: int
    deadline: float


FollowUp = Union[EngineMove, FlagWatch]


def bot_color(state: GameState) -> Optional[Color]:
    for color in Color:
        if state.seated(color) == BOT:
            return color
    return None


def flag_deadline(state: GameState, lag_allowance_s: float = 0.0) -> Optional[float]:
    clock = state.clock_state()
    if state.phase is not Phase.PLAYING or clock is None:
        return None
    return clocks.flag_deadline(state.control(), clock, lag_allowance_s)


def what_follows(state: GameState, lag_allowance_s: float = 0.0) -> list[FollowUp]:
    """The work ``state``, just saved, makes due."""
    due: list[FollowUp] = []
    if state.phase is Phase.PLAYING and state.has_bot:
        color = bot_color(state)
        if color is not None and state.board().to_move is color:
            due.append(EngineMove(state.game_id, state.version))
    deadline = flag_deadline(state, lag_allowance_s)
    if deadline is not None:
        due.append(FlagWatch(state.game_id, state.version, deadline))
    return due
