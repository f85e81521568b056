"""Counting a finished board: area (Chinese, Tromp-Taylor) and territory (Japanese) scoring."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping, Optional

from .board import BLACK, EMPTY, WHITE, Board
from .outcome import Outcome, Termination
from .rules import RuleSet, Scoring
from .types import Color, Point


@dataclass(frozen=True)
class Score:
    """Each side's points and where they came from. ``white`` includes komi."""

    scoring: Scoring
    komi: float
    black_stones: int
    white_stones: int
    black_territory: int
    white_territory: int
    black_prisoners: int
    white_prisoners: int
    dame: int
    black_territory_points: tuple[Point, ...] = ()
    white_territory_points: tuple[Point, ...] = ()

    @property
    def black(self) -> float:
        if self.scoring is Scoring.AREA:
            return float(self.black_stones + self.black_territory)
        return float(self.black_territory + self.black_prisoners)

    @property
    def white(self) -> float:
        if self.scoring is Scoring.AREA:
            return self.white_stones + self.white_territory + self.komi
        return self.white_territory + self.white_prisoners + self.komi

    @property
    def winner(self) -> Optional[Color]:
        if self.black == self.white:
            return None
        return Color.BLACK if self.black > self.white else Color.WHITE

    @property
    def margin(self) -> float:
        return abs(self.black - self.white)

    @property
    def outcome(self) -> Outcome:
        return Outcome(Termination.SCORE, self.winner, self.margin)

    @property
    def result(self) -> str:
        return self.outcome.result


def regions(board: Board) -> list[tuple[list[int], set[int]]]:
    """Each connected empty region with the set of stone colours (cell values) that touch it."""
    cells = board.cells
    seen: set[int] = set()
    found = []
    for start, cell in enumerate(cells):
        if cell != EMPTY or start in seen:
            continue
        region = [start]
        borders: set[int] = set()
        seen.add(start)
        stack = [start]
        while stack:
            for q in board.neighbours(stack.pop()):
                other = cells[q]
                if other == EMPTY:
                    if q not in seen:
                        seen.add(q)
                        region.append(q)
                        stack.append(q)
                else:
                    borders.add(other)
        found.append((region, borders))
    return found


def score(
    board: Board,
    rules: RuleSet,
    dead: Iterable[Point] = (),
    captures: Optional[Mapping[Color, int]] = None,
) -> Score:
    """Count ``board`` with the ``dead`` stones removed.

    Area: a point is a side's if it holds that side's stone or is empty and reaches only that
    side's stones (Tromp-Taylor). Territory: empty points surrounded by one side, plus prisoners
    (captures during play and the dead stones). Points in seki touch both colours and count for
    nobody; eyes inside a seki group are not yet told apart and count as territory.
    """
    counted = board.copy()
    dead_black = dead_white = 0
    for point in dead:
        index = counted.index(point)
        if counted.cells[index] == BLACK:
            dead_black += 1
        elif counted.cells[index] == WHITE:
            dead_white += 1
        counted.put(index, EMPTY)
    territory: dict[int, list[int]] = {BLACK: [], WHITE: []}
    dame = 0
    for region, borders in regions(counted):
        if len(borders) == 1:
            territory[next(iter(borders))].extend(region)
        else:
            dame += len(region)
    captured = captures or {Color.BLACK: 0, Color.WHITE: 0}
    return Score(
        scoring=rules.scoring,
        komi=rules.komi,
        black_stones=counted.cells.count(BLACK),
        white_stones=counted.cells.count(WHITE),
        black_territory=len(territory[BLACK]),
        white_territory=len(territory[WHITE]),
        black_prisoners=captured[Color.BLACK] + dead_white,
        white_prisoners=captured[Color.WHITE] + dead_black,
        dame=dame,
        black_territory_points=tuple(sorted(counted.point(i) for i in territory[BLACK])),
        white_territory_points=tuple(sorted(counted.point(i) for i in territory[WHITE])),
    )
