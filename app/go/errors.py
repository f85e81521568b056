"""Why a move was refused.

Every error is a ``ValueError`` (bad input is a value problem, as in python-chess) and carries a
machine-readable ``reason`` that the wire protocol sends back in ``MoveRejected``.
"""

from __future__ import annotations


class GoError(ValueError):
    """Base of every error the rules engine raises."""


class IllegalMoveError(GoError):
    """The move breaks a rule; ``reason`` names which one."""

    reason: str = "illegal"

    def __init__(self, message: str) -> None:
        super().__init__(f"{self.reason}: {message}")


class OffBoardError(IllegalMoveError):
    reason = "off_board"


class OccupiedError(IllegalMoveError):
    reason = "occupied"


class SuicideError(IllegalMoveError):
    reason = "suicide"


class KoError(IllegalMoveError):
    """Immediate recapture of a ko (forbidden under every ko rule)."""

    reason = "ko"


class SuperkoError(IllegalMoveError):
    """The move repeats an earlier whole-board position (positional or situational)."""

    reason = "superko"


class NotYourTurnError(IllegalMoveError):
    reason = "not_your_turn"


class GameOverError(IllegalMoveError):
    reason = "game_over"


class InvalidSetupError(GoError):
    """A board size, handicap, komi or rule set that the engine cannot play."""
