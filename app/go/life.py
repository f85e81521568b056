"""A first guess at which stones are dead when play stops; the players correct it.

For each side, take every area of its stones and the empty points reachable without crossing an
enemy stone. Stones in an area with fewer than two eyes (empty regions bordered only by that side;
one of seven or more points counts as two) whose enemy border outnumbers them more than two to one
are suggested dead. Seki and subtle
shapes are left to the players, who toggle groups before accepting; the AI engine, where one runs,
gives a better suggestion.
"""

from __future__ import annotations

from .board import EMPTY, Board
from .types import Point

BIG_EYE = 7


def suggest_dead(board: Board) -> set[Point]:
    cells = board.cells
    dead: set[Point] = set()
    for own in (1, 2):
        enemy = own ^ 3
        seen: set[int] = set()
        for start, cell in enumerate(cells):
            if cell != own or start in seen:
                continue
            area = _area(board, start, enemy)
            seen.update(area)
            stones = [i for i in area if cells[i] == own]
            border = {q for i in area for q in board.neighbours(i) if cells[q] == enemy}
            if len(border) <= 2 * len(stones):
                continue
            if _eyes(board, [i for i in area if cells[i] == EMPTY], own) < 2:
                dead.update(board.point(i) for i in stones)
    return dead


def _area(board: Board, start: int, enemy: int) -> set[int]:
    cells = board.cells
    area = {start}
    stack = [start]
    while stack:
        for q in board.neighbours(stack.pop()):
            if cells[q] != enemy and q not in area:
                area.add(q)
                stack.append(q)
    return area


def _eyes(board: Board, empties: list[int], own: int) -> int:
    cells = board.cells
    remaining = set(empties)
    eyes = 0
    while remaining and eyes < 2:
        start = remaining.pop()
        region = [start]
        stack = [start]
        only_own = True
        while stack:
            for q in board.neighbours(stack.pop()):
                if cells[q] == EMPTY:
                    if q in remaining:
                        remaining.discard(q)
                        region.append(q)
                        stack.append(q)
                elif cells[q] != own:
                    only_own = False
        if only_own:
            eyes += 2 if len(region) >= BIG_EYE else 1
    return eyes
