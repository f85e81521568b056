"""Dead stones when play stops, as board diagrams.

``X`` black, ``O`` white, ``.`` empty; a stone drawn in lower case (``x``, ``o``) is one the
estimate must call dead, every stone in upper case one it must keep alive.
"""

from __future__ import annotations

import pytest

from app.go import JAPANESE, Board, Point
from app.go.benson import unconditional_life
from app.go.board import BLACK, WHITE
from app.go.chains import Chains
from app.go.life import SEKI, WINS, race, suggest_dead

from ..diagrams import position


def marked_dead(diagram: str) -> set[Point]:
    rows = [r.replace(" ", "") for r in diagram.strip().splitlines() if r.strip()]
    return {Point(x, y) for y, row in enumerate(rows) for x, ch in enumerate(row) if ch in "xo"}


def judge(diagram: str) -> tuple[set[Point], set[Point]]:
    """(what the estimate says is dead, what the diagram says is dead)."""
    return suggest_dead(Board.from_diagram(diagram)), marked_dead(diagram)


CASES = {
    "lone stones inside each other's territory": """
        . . . X O . . . .
        . . . X O . . . .
        . o . X O . . . .
        . . . X O . . . .
        . . . X O . . . .
        . . . X O . . . .
        . . . X O . x . .
        . . . X O . . . .
        . . . X O . . . .
        """,
    "an invader taken as a group, its wall made of several chains": """
        . . . . X O . . .
        . . . . X O . . .
        X X . . X O . . .
        . X . . X O . . .
        . X . o . X O . .
        . X . o o X O . .
        X X . . . X O . .
        . . X . X X O . .
        . . X . X O O . .
        """,
    "a group with a one-point eye, inside the enemy's closed area": """
        X X X X X X X O .
        X . o o o . X O .
        X . o . o . X O .
        X . o o o . X O .
        X . . . . . X O .
        X X X X X X X O .
        . X . X . X O O .
        X X X X X X O . .
        . X . X . X O . .
        """,
    "a stone in atari in the enemy's territory": """
        . . . X O . . . .
        . . . X O . . . .
        . . . X O . . . .
        . . . X O . . . .
        . . . X O . . . .
        . . . X O O O O O
        . . . X X X X X X
        . . . . . . . . X
        . . . . . . . . o
        """,
    "a group with two eyes inside the enemy's area lives; a lone stone there dies": """
        . O . O X . . . .
        O O O O X . . . .
        . O . O X . o . .
        O O O O X . . . .
        X X X X X . . . .
        . . . . . . . . .
        . . . . . . . . .
        . . . . . . . . .
        . . . . . . . . .
        """,
}


@pytest.mark.parametrize("name", list(CASES))
def test_dead_stones(name: str) -> None:
    found, expected = judge(CASES[name])
    assert expected, "every case shows dead stones"
    assert found == expected, name


def test_a_settled_board_with_dame_left_open_has_no_dead_stones() -> None:
    # D7 and E4 touch both colours: neutral points, not a sign that anything is dead.
    found, expected = judge(
        """
        . . X O . . . . .
        . . X O . . . . .
        . . X . O . . . .
        . . X X O . . . .
        . . . X O . . . .
        . . . X . O . . .
        . . . X X O . . .
        . . . . X O . . .
        . . . . X O . . .
        """
    )
    assert found == expected == set()


SEKI_DIAGRAM = """
    . O X . O X . . .
    . O X . O X . . .
    . O X X O X . . .
    . O O O X X . . .
    . O . O X . . . .
    . O . O X . . . .
    . O . O X . . . .
    . O . O X . . . .
    . O . O X . . . .
    """
"""Inner black (C9-D7) and inner white (E9-E7) share D9 and D8 and have no other liberty: whoever
fills one is taken, so neither plays there and both live."""


def test_seki_is_alive() -> None:
    assert suggest_dead(Board.from_diagram(SEKI_DIAGRAM)) == set()
    chains = Chains(Board.from_diagram(SEKI_DIAGRAM))
    inner_black = chains.liberties[chains.of[2]]
    inner_white = chains.liberties[chains.of[4]]
    assert inner_black == inner_white and len(inner_black) == 2
    assert race(set(inner_black), 0, set(inner_white), 0) == SEKI


def test_a_stone_in_a_ko_is_not_suggested_dead() -> None:
    # White's A5 is in atari, but Black taking it at A4 would be taken back at once: a ko.
    found, expected = judge(
        """
        . . . . X O . . .
        . . . . X O . . .
        . . . . X O . . .
        X X X X X O . . .
        O X O O O O . . .
        . O . . . . . . .
        O . . . . . . . .
        . . . . . . . . .
        . . . . . . . . .
        """
    )
    assert Point(0, 4) not in found
    assert found == expected == set()


def test_benson_finds_unconditional_life_and_the_stones_it_kills() -> None:
    board = Board.from_diagram(
        """
        . X o . X O . . .
        X X X X X O . . .
        . . . . X O . . .
        X X X X X O . . .
        O O O O O O . . .
        . . . . . . . . .
        . . . . . . . . .
        . . . . . . . . .
        . . . . . . . . .
        """
    )
    chains = Chains(board)
    black = unconditional_life(chains, BLACK)
    white_stone = chains.of[board.index(Point(2, 0))]
    assert black.alive and {chains.color[c] for c in black.alive} == {BLACK}
    assert black.dead_enemies == {white_stone}
    assert not unconditional_life(chains, WHITE).alive  # its eye space is not provably its own
    assert suggest_dead(board) == {Point(2, 0)}


def test_a_race_won_on_liberties() -> None:
    assert race({1, 2, 3, 4}, 0, {5, 6}, 0) == WINS
    assert race({1, 2}, 1, {2, 3, 4}, 0) == WINS  # the shared liberty counts for the eye


def test_the_count_after_the_suggestion() -> None:
    game, _ = position(CASES["lone stones inside each other's territory"], rules=JAPANESE)
    counted = game.score(suggest_dead(game.board))
    # Black: 3 columns of territory (27) less its dead stone's point, plus the prisoner.
    assert (counted.black_territory, counted.black_prisoners) == (27, 1)
    assert (counted.white_territory, counted.white_prisoners) == (36, 1)
