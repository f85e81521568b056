"""The stones on the board and the mechanics of placing them: liberties, captures, hashing.

The board knows nothing of turns or ko; :mod:`app.go.game` adds the rules on top. Points are
stored in a flat list indexed by ``y * size + x`` with precomputed neighbour tuples, so the hot
path (placing a stone and looking for captures) walks plain integers.
"""

from __future__ import annotations

import functools
import random
from typing import Iterable, Iterator, Optional, Sequence

from .errors import InvalidSetupError
from .types import Color, Point

MIN_SIZE = 5
MAX_SIZE = 25

EMPTY = 0
BLACK = 1
WHITE = 2

_CELL_OF: dict[Color, int] = {Color.BLACK: BLACK, Color.WHITE: WHITE}
_COLOR_OF: dict[int, Color] = {BLACK: Color.BLACK, WHITE: Color.WHITE}


def cell_of(color: Color) -> int:
    return _CELL_OF[color]


@functools.lru_cache(maxsize=None)
def neighbour_table(size: int) -> tuple[tuple[int, ...], ...]:
    table = []
    for index in range(size * size):
        y, x = divmod(index, size)
        around = []
        if y > 0:
            around.append(index - size)
        if x > 0:
            around.append(index - 1)
        if x < size - 1:
            around.append(index + 1)
        if y < size - 1:
            around.append(index + size)
        table.append(tuple(around))
    return tuple(table)


def _zobrist_keys() -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    # A fixed seed keeps hashes identical in every process, so they can be stored and compared.
    rng = random.Random(0x60B0A7)
    cells = MAX_SIZE * MAX_SIZE
    black = tuple(rng.getrandbits(64) for _ in range(cells))
    white = tuple(rng.getrandbits(64) for _ in range(cells))
    return (), black, white  # indexed by cell value; EMPTY has no key


ZOBRIST = _zobrist_keys()
WHITE_TO_MOVE_KEY = random.Random(0xB1AC).getrandbits(64)


def check_size(size: int) -> None:
    if not isinstance(size, int) or not MIN_SIZE <= size <= MAX_SIZE:
        raise InvalidSetupError(f"board size must be {MIN_SIZE} to {MAX_SIZE}, got {size!r}")


class Board:
    """A square grid of stones with an incrementally maintained Zobrist hash."""

    __slots__ = ("size", "cells", "zobrist_hash", "_neighbours")

    def __init__(self, size: int = 19) -> None:
        check_size(size)
        self.size = size
        self.cells: list[int] = [EMPTY] * (size * size)
        self.zobrist_hash = 0
        self._neighbours = neighbour_table(size)

    def copy(self) -> Board:
        twin = Board.__new__(Board)
        twin.size = self.size
        twin.cells = self.cells[:]
        twin.zobrist_hash = self.zobrist_hash
        twin._neighbours = self._neighbours
        return twin

    # -- points and indices ------------------------------------------------------------------
    def index(self, point: Point) -> int:
        return point.y * self.size + point.x

    def point(self, index: int) -> Point:
        y, x = divmod(index, self.size)
        return Point(x, y)

    def __getitem__(self, point: Point) -> Optional[Color]:
        return _COLOR_OF.get(self.cells[self.index(point)])

    def stones(self, color: Color) -> list[Point]:
        wanted = _CELL_OF[color]
        return [self.point(i) for i, cell in enumerate(self.cells) if cell == wanted]

    def count(self, color: Color) -> int:
        return self.cells.count(_CELL_OF[color])

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Board) and self.size == other.size and self.cells == other.cells

    __hash__ = None  # type: ignore[assignment]  # mutable

    def neighbours(self, index: int) -> tuple[int, ...]:
        return self._neighbours[index]

    # -- groups ------------------------------------------------------------------------------
    def group(self, index: int) -> list[int]:
        """All stones connected to the stone at ``index``."""
        cells, neighbours = self.cells, self._neighbours
        color = cells[index]
        seen = {index}
        stack = [index]
        while stack:
            for q in neighbours[stack.pop()]:
                if cells[q] == color and q not in seen:
                    seen.add(q)
                    stack.append(q)
        return list(seen)

    def liberties(self, index: int) -> set[int]:
        cells, neighbours = self.cells, self._neighbours
        return {q for p in self.group(index) for q in neighbours[p] if cells[q] == EMPTY}

    def has_liberty_besides(self, index: int, excluded: int) -> bool:
        """Whether the group at ``index`` has a liberty other than ``excluded``.

        Stops at the first liberty found: this answers "would playing at ``excluded`` capture
        this group?" without walking the whole group in the common case.
        """
        cells, neighbours = self.cells, self._neighbours
        for q in neighbours[index]:  # most groups have a liberty right next to their first stone
            if cells[q] == EMPTY and q != excluded:
                return True
        color = cells[index]
        seen = {index}
        stack = [index]
        while stack:
            for q in neighbours[stack.pop()]:
                cell = cells[q]
                if cell == EMPTY:
                    if q != excluded:
                        return True
                elif cell == color and q not in seen:
                    seen.add(q)
                    stack.append(q)
        return False

    def captures_of(self, index: int, cell: int) -> list[int]:
        """The enemy stones that a stone of ``cell`` placed at the empty ``index`` would capture."""
        cells = self.cells
        enemy = cell ^ 3
        captured: list[int] = []
        for q in self._neighbours[index]:
            if cells[q] == enemy and q not in captured and not self.has_liberty_besides(q, index):
                captured.extend(self.group(q))
        return captured

    def is_self_atari_suicide(self, index: int, cell: int) -> bool:
        """Whether a stone placed at the empty ``index`` would have no liberty (before captures)."""
        cells = self.cells
        for q in self._neighbours[index]:
            other = cells[q]
            if other == EMPTY:
                return False
            if other == cell and self.has_liberty_besides(q, index):
                return False
        return True

    # -- mutation ----------------------------------------------------------------------------
    def put(self, index: int, cell: int) -> None:
        """Set one point, keeping the hash current. No captures: for setup and removal."""
        old = self.cells[index]
        if old != EMPTY:
            self.zobrist_hash ^= ZOBRIST[old][index]
        if cell != EMPTY:
            self.zobrist_hash ^= ZOBRIST[cell][index]
        self.cells[index] = cell

    def remove(self, indices: Iterable[int]) -> None:
        cells, keys = self.cells, ZOBRIST
        h = self.zobrist_hash
        for i in indices:
            h ^= keys[cells[i]][i]
            cells[i] = EMPTY
        self.zobrist_hash = h

    def hash_after(self, index: int, cell: int, captured: Sequence[int], own_removed: Sequence[int]) -> int:
        """The hash the board would have after a placement, without making it."""
        keys = ZOBRIST
        h = self.zobrist_hash ^ keys[cell][index]
        enemy_keys = keys[cell ^ 3]
        for i in captured:
            h ^= enemy_keys[i]
        own_keys = keys[cell]
        for i in own_removed:  # a suicide removes the placed stone too, cancelling its key
            h ^= own_keys[i]
        return h

    # -- display -----------------------------------------------------------------------------
    def rows(self) -> Iterator[str]:
        glyph = {EMPTY: ".", BLACK: "X", WHITE: "O"}
        for y in range(self.size):
            yield " ".join(glyph[c] for c in self.cells[y * self.size : (y + 1) * self.size])

    def __str__(self) -> str:
        return "\n".join(self.rows())

    def __repr__(self) -> str:
        return f"Board.from_diagram({str(self)!r})"

    @classmethod
    def from_diagram(cls, diagram: str) -> Board:
        """A board from rows of ``X`` (black), ``O`` (white) and ``.``; spaces are ignored."""
        rows = [r.replace(" ", "") for r in diagram.strip().splitlines() if r.strip()]
        board = cls(len(rows))
        for y, row in enumerate(rows):
            if len(row) != board.size:
                raise InvalidSetupError(f"row {y} has {len(row)} points, expected {board.size}")
            for x, ch in enumerate(row):
                if ch in "XxBb#@":
                    board.put(y * board.size + x, BLACK)
                elif ch in "OoWw":
                    board.put(y * board.size + x, WHITE)
                elif ch not in ".+":
                    raise InvalidSetupError(f"unknown diagram character {ch!r}")
        return board
