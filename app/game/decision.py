"""What every command returns, the one way a command refuses, and the changes they share."""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass, field, replace
from typing import Callable, Optional, Sequence

from app import clock as clocks
from app import events
from app.events import Delivery, Json
from app.go import Color, Score

from .state import GameState, Phase


@dataclass
class Decision:
    """A command's outcome: the state to save with the events it causes, or, with ``state``
    ``None``, an answer that changes nothing (a seated player asking for its colour again)."""

    state: Optional[GameState]
    deliveries: list[Delivery] = field(default_factory=list)


class Rejected(Exception):
    """A command that cannot be applied; nothing changes.

    The requester is told ``answer`` when the protocol has an event for this refusal
    (``MoveRejected``, ``UndoRejected``), else an ``Error`` with ``reason`` and ``message``;
    ``then`` follows it (the count as it is now, say)."""

    def __init__(self, reason: str, message: str = "", answer: Optional[Json] = None,
                 then: Sequence[Delivery] = ()) -> None:
        super().__init__(reason)
        self.reason = reason
        self.message = message
        self.answer = answer
        self.then = list(then)


Coin = Callable[[], bool]


def fair_coin() -> bool:
    """``True`` for heads; from ``secrets``, unlike the original whose coin always fell one way."""
    return secrets.randbelow(2) == 1


def changed(state: GameState, now: Optional[float] = None) -> GameState:
    """The next version of ``state``, its lists copied so the old one stays as it was."""
    return replace(
        state,
        players=list(state.players),
        color_prefs=dict(state.color_prefs),
        speaks=dict(state.speaks),
        moves=list(state.moves),
        dead=list(state.dead),
        suggested_dead=list(state.suggested_dead),
        accepted=list(state.accepted),
        version=state.version + 1,
        updated_at=time.time() if now is None else now,
    )


def start_clock(new: GameState, now: float) -> None:
    if new.time_control.get("kind", "none") != "none":
        new.clock = clocks.start(new.control(), new.first_to_move().value, now).to_json()


def seated_player(state: GameState, client_id: str) -> Color:
    seat = state.seat_of(client_id)
    if seat is None:
        raise Rejected("not_a_player")
    return seat


def finish(new: GameState, result: str, reason: str, score: Optional[Score] = None) -> Decision:
    new.phase = Phase.OVER
    new.result, new.end_reason = result, reason
    running = new.clock_state()
    if running is not None:
        new.clock = clocks.stop(running).to_json()  # a finished game's clocks stand still
    new.undo_requested_by = None
    new.claimable_by = None
    over = events.game_over(new.game_id, result, reason, new.version, score)
    return Decision(new, [Delivery(over, game=new.game_id)])
