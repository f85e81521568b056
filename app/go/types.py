"""Small value types: colours, points and moves."""

from __future__ import annotations

import enum
from typing import NamedTuple, Optional


class Color(enum.Enum):
    BLACK = "BLACK"
    WHITE = "WHITE"

    @property
    def opponent(self) -> Color:
        return Color.WHITE if self is Color.BLACK else Color.BLACK

    @property
    def letter(self) -> str:
        """``B`` or ``W``, as in SGF and game results."""
        return self.value[0]

    def __repr__(self) -> str:
        return f"Color.{self.name}"


class Point(NamedTuple):
    """An intersection. ``x`` is the column from the left, ``y`` the row from the top (0-based)."""

    x: int
    y: int

    def on_board(self, size: int) -> bool:
        return 0 <= self.x < size and 0 <= self.y < size


class Move(NamedTuple):
    """A stone placed by ``color`` at ``point``, or a pass when ``point`` is ``None``."""

    color: Color
    point: Optional[Point]

    @classmethod
    def play(cls, color: Color, x: int, y: int) -> Move:
        return cls(color, Point(x, y))

    @classmethod
    def pass_(cls, color: Color) -> Move:
        return cls(color, None)

    @property
    def is_pass(self) -> bool:
        return self.point is None

    def __repr__(self) -> str:
        if self.point is None:
            return f"Move.pass_({self.color!r})"
        return f"Move.play({self.color!r}, {self.point.x}, {self.point.y})"
