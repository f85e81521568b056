"""The clock's errors: all :class:`ClockError`, a ``ValueError``."""

from __future__ import annotations


class ClockError(ValueError):
    """Base of every error raised here, so a caller can map them all to one 4xx reply."""


class InvalidTimeControl(ClockError):
    """A time control that is malformed or out of bounds (from a constructor or from JSON)."""


class InvalidClockState(ClockError):
    """A clock state that is malformed or inconsistent, typically read from stored JSON."""


class InvalidColor(ClockError):
    """A colour that is neither ``"BLACK"`` nor ``"WHITE"``."""


class InvalidTime(ClockError):
    """A timestamp that is not a finite number, or a negative or non-finite lag allowance."""


class ClockNotRunning(ClockError):
    """A move was charged while the clock is stopped (scoring phase, before the start)."""


class ClockAlreadyRunning(ClockError):
    """:func:`resume` was asked to run the clock for one side while it runs for the other."""


class NoSideToMove(ClockError):
    """:func:`resume` on a clock that never ran and with no ``to_move`` given."""


class WrongMover(ClockError):
    """The mover is not the side whose clock is running: charging it would bill the wrong player."""


class ClockFlagged(ClockError):
    """The clock was charged or resumed after a flag fell; the game is already over on time."""
