"""Go game clocks (Fischer and byo-yomi) as pure functions of explicit timestamps.

Why pure: the clock of one game is read and charged by several processes (web workers taking
moves, a Celery countdown task waiting for a flag to fall). They can only agree if the clock is
plain data plus arithmetic. So nothing here reads the system clock: every function takes ``now``
in seconds (any epoch, as long as one game uses one epoch) and returns a new immutable state
that the caller stores, as JSON, next to the game. Tests then use plain numbers, never sleeps.

Conventions shared by every function:

* Colours are the strings ``"BLACK"`` and ``"WHITE"``; members of ``app.go.Color`` (whose values
  are those strings) are accepted wherever a colour is taken, without importing the rules.
* A flag falls when a side's time *reaches* zero: a move received exactly at the deadline is
  late. :func:`charge`, :func:`is_flag_fallen` and :func:`flag_deadline` all go through one
  deadline computation, so a countdown task that fires at :func:`flag_deadline` and a move
  arriving at that same instant reach the same verdict.
* A fallen flag is a state, not an exception: :func:`charge` returns a state with ``flagged``
  set and the clock stopped. The caller rejects the move and ends the game (``W+T``/``B+T``);
  the state it stores then shows why.
* The lag allowance (seconds forgiven per move for network delay) is subtracted from the
  mover's elapsed time, never below zero. Pass the same allowance to :func:`flag_deadline` /
  :func:`is_flag_fallen` in the countdown task, or it would flag a move that is still in flight
  and that :func:`charge` would have accepted. Displayed times (:func:`remaining`,
  :func:`wire`) ignore the allowance: it is a tolerance, not time the player may plan on.
* With ``kind == "none"`` no time is ever charged and no flag ever falls; the state still
  records whose turn it is, so stop/resume behave the same for every kind.
"""

from __future__ import annotations

from .checks import BLACK, COLORS, WHITE, ColorLike
from .control import (
    KINDS,
    MAX_INCREMENT_S,
    MAX_MAIN_S,
    MAX_PERIOD_S,
    MAX_PERIODS,
    Kind,
    TimeControl,
)
from .errors import (
    ClockAlreadyRunning,
    ClockError,
    ClockFlagged,
    ClockNotRunning,
    InvalidClockState,
    InvalidColor,
    InvalidTime,
    InvalidTimeControl,
    NoSideToMove,
    WrongMover,
)
from .running import (
    charge,
    flag_deadline,
    flag_if_fallen,
    is_flag_fallen,
    remaining,
    resume,
    start,
    stop,
    wire,
)
from .state import ClockState, SideClock

__all__ = [
    "BLACK", "WHITE", "COLORS", "ColorLike",
    "Kind", "KINDS", "MAX_MAIN_S", "MAX_INCREMENT_S", "MAX_PERIOD_S", "MAX_PERIODS", "TimeControl",
    "ClockError", "InvalidTimeControl", "InvalidClockState", "InvalidColor", "InvalidTime",
    "ClockNotRunning", "ClockAlreadyRunning", "NoSideToMove", "WrongMover", "ClockFlagged",
    "SideClock", "ClockState",
    "start", "charge", "remaining", "flag_deadline", "is_flag_fallen", "flag_if_fallen", "stop", "resume",
    "wire",
]
