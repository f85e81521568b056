"""How a game ended, and the result string that SGF and the protocol use (``B+R``, ``W+3.5``)."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Optional

from .types import Color


class Termination(enum.Enum):
    SCORE = "score"
    RESIGNATION = "resignation"
    TIMEOUT = "timeout"
    FORFEIT = "forfeit"
    ANNULLED = "annulled"


_RESULT_SUFFIX = {Termination.RESIGNATION: "R", Termination.TIMEOUT: "T", Termination.FORFEIT: "F"}


@dataclass(frozen=True)
class Outcome:
    termination: Termination
    winner: Optional[Color]
    margin: Optional[float] = None
    """Points the winner won by; only for :attr:`Termination.SCORE`."""

    @property
    def result(self) -> str:
        if self.termination is Termination.ANNULLED:
            return "Void"
        if self.winner is None:
            return "0"  # jigo, as SGF writes a draw
        if self.termination is Termination.SCORE:
            return f"{self.winner.letter}+{self.margin:g}"
        return f"{self.winner.letter}+{_RESULT_SUFFIX[self.termination]}"

    @classmethod
    def from_result(cls, result: str) -> Outcome:
        """Parse ``B+R``, ``W+T``, ``B+F``, ``W+3.5``, ``0`` / ``Draw`` or ``Void``."""
        text = result.strip()
        if text in ("0", "Draw", "Jigo"):
            return cls(Termination.SCORE, None, 0.0)
        if text == "Void":
            return cls(Termination.ANNULLED, None)
        if len(text) < 3 or text[0] not in "BW" or text[1] != "+":
            raise ValueError(f"not a game result: {result!r}")
        winner = Color.BLACK if text[0] == "B" else Color.WHITE
        rest = text[2:]
        for termination, suffix in _RESULT_SUFFIX.items():
            if rest in (suffix, {"R": "Resign", "T": "Time", "F": "Forfeit"}[suffix]):
                return cls(termination, winner)
        try:
            return cls(Termination.SCORE, winner, float(rest))
        except ValueError:
            raise ValueError(f"not a game result: {result!r}") from None
