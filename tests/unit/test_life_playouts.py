"""The random playouts behind the dead-stone estimate (:mod:`app.go.playouts`), as board diagrams.

``X`` black, ``O`` white, ``.`` empty.
"""

from __future__ import annotations

import random

import pytest

from app.go import Board, Point, life
from app.go.board import BLACK, EMPTY, WHITE
from app.go.chains import Chains
from app.go.life import chains_kept, suggest_dead
from app.go.playouts import Playout, Position, ownership

from .test_life import SEKI_DIAGRAM

SETTLED = """
    . X . X O . O . .
    X X X X O O O O O
    . X . X O . . . .
    X X X X O . . . .
    . . . X O . . . .
    . . . X O . . . .
    . . . X O . . X .
    . O . X O . . . .
    . . . X O . . . .
    """


def at(board: Board, x: int, y: int) -> int:
    return board.index(Point(x, y))


def test_ownership_is_deterministic_and_in_range() -> None:
    board = Board.from_diagram(SETTLED)
    first = ownership(board.cells, board.size, 8)
    assert first == ownership(board.cells, board.size, 8)
    assert all(-1.0 <= share <= 1.0 for share in first)


def test_settled_areas_stay_with_their_owner() -> None:
    board = Board.from_diagram(SETTLED)
    owned = ownership(board.cells, board.size, 16)
    assert owned[at(board, 1, 1)] == 1.0  # the black wall
    assert owned[at(board, 4, 1)] == -1.0  # the white wall
    assert owned[at(board, 0, 0)] == 1.0  # a black eye


def test_lone_stones_in_the_enemy_area_are_taken() -> None:
    board = Board.from_diagram(SETTLED)
    chains = Chains(board)
    kept = chains_kept(chains, ownership(board.cells, board.size, 16))
    assert kept[chains.of[at(board, 7, 6)]] < -0.5
    assert kept[chains.of[at(board, 1, 7)]] < -0.5
    assert suggest_dead(board) == {Point(7, 6), Point(1, 7)}


def test_a_seki_survives_the_playouts() -> None:
    # Neither side fills a shared liberty: that would put a chain of two or more stones in atari.
    board = Board.from_diagram(SEKI_DIAGRAM)
    chains = Chains(board)
    kept = chains_kept(chains, ownership(board.cells, board.size, 16))
    assert kept[chains.of[2]] > -0.5 and kept[chains.of[4]] > -0.5


def test_the_incremental_board_matches_a_recount() -> None:
    """Pseudo-liberties, chains and the empty list stay true through random moves and captures."""
    board = Board.from_diagram(SETTLED)
    position = Position(board.cells, board.size)
    rng = random.Random(7)
    for _ in range(5):
        playout = Playout(position, random.Random(0)).fork(rng)
        color = BLACK
        for _ in range(120):
            fine = [p for p in playout.empty if playout.is_fine(p, color)]
            if fine:
                playout.play(rng.choice(fine), color)
            color ^= 3
            check(playout)


def check(playout: Playout) -> None:
    cells, around = playout.cells, playout.position.around
    for p in playout.position.inside:
        if cells[p] not in (BLACK, WHITE):
            continue
        seen, stack = {p}, [p]
        while stack:
            for q in around[stack.pop()]:
                if cells[q] == cells[p] and q not in seen:
                    seen.add(q)
                    stack.append(q)
        head = playout.head[p]
        assert {playout.head[s] for s in seen} == {head}
        listed, s = set(), head
        while True:
            listed.add(s)
            s = playout.next[s]
            if s == head:
                break
        assert listed == seen
        liberties = [q for s in seen for q in around[s] if cells[q] == EMPTY]
        assert playout.libs[head] == len(liberties)
        assert playout.lsum[head] == sum(liberties)
        assert playout.lsum2[head] == sum(q * q for q in liberties)
    assert sorted(playout.empty) == sorted(p for p in playout.position.inside if cells[p] == EMPTY)


def test_a_board_that_was_not_played_out_is_judged_without_playouts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Two passes early in a game: random play from a mostly empty board is long (a stranger could
    repeat it) and says little, so only the static passes judge it."""
    played: list[int] = []

    def counted(cells: list[int], size: int, playouts: int) -> list[float]:
        played.append(playouts)
        return ownership(cells, size, playouts)

    monkeypatch.setattr(life, "ownership", counted)
    early = Board.from_diagram(
        """
        . . . . . . . . .
        . . . . . . . . .
        . . X . . . O . .
        . . . . . . . . .
        . . . . X . . . .
        . . . . . . . . .
        . . O . . . X . .
        . . . . . . . . .
        . . . . . . . . .
        """
    )
    chains = Chains(early)
    static = {early.point(p) for chain in life.dead_chains(chains) for p in chains.stones[chain]}
    assert suggest_dead(early) == static and played == []
    assert suggest_dead(Board.from_diagram(SETTLED)) == {Point(7, 6), Point(1, 7)} and played == [life.PLAYOUTS]
