"""The stones of a board split into chains (connected stones of one colour), with their liberties.

A snapshot for analysis (:mod:`app.go.benson`, :mod:`app.go.life`): computed once in one pass over
the board, then read many times through plain lists indexed by chain number, which is what keeps
the dead-stone estimate fast in pure Python.
"""

from __future__ import annotations

from .board import EMPTY, Board, neighbour_table


class Chains:
    """``of[point]`` is the chain number of the stone at ``point`` (-1 on an empty point);
    ``color[c]``, ``stones[c]`` and ``liberties[c]`` describe chain ``c``."""

    __slots__ = ("size", "cells", "neighbours", "of", "color", "stones", "liberties")

    def __init__(self, board: Board) -> None:
        self.size = board.size
        self.cells: list[int] = board.cells
        self.neighbours: tuple[tuple[int, ...], ...] = neighbour_table(board.size)
        cells, neighbours = self.cells, self.neighbours
        of = [-1] * len(cells)
        self.of = of
        self.color: list[int] = []
        self.stones: list[list[int]] = []
        self.liberties: list[frozenset[int]] = []
        for start, cell in enumerate(cells):
            if cell == EMPTY or of[start] >= 0:
                continue
            number = len(self.color)
            of[start] = number
            stones = [start]
            liberties: set[int] = set()
            stack = [start]
            while stack:
                for q in neighbours[stack.pop()]:
                    other = cells[q]
                    if other == EMPTY:
                        liberties.add(q)
                    elif other == cell and of[q] < 0:
                        of[q] = number
                        stones.append(q)
                        stack.append(q)
            self.color.append(cell)
            self.stones.append(stones)
            self.liberties.append(frozenset(liberties))

    def __len__(self) -> int:
        return len(self.color)

    def of_color(self, cell: int) -> list[int]:
        return [c for c, color in enumerate(self.color) if color == cell]

    def adjacent(self, chain: int) -> set[int]:
        """The chains of the other colour that touch ``chain``."""
        cells, of, neighbours = self.cells, self.of, self.neighbours
        enemy = self.color[chain] ^ 3
        return {of[q] for p in self.stones[chain] for q in neighbours[p] if cells[q] == enemy}
