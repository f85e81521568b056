"""Counting finished boards: area and territory scoring, dead stones, komi, results."""

from __future__ import annotations

import pytest

from app.go import CHINESE, JAPANESE, TROMP_TAYLOR, Color, Outcome, Point, Termination

from ..diagrams import position

FINISHED = """
. X O . .
X X O . .
. X O O O
X X O . O
. X O O .
"""
# Black: 7 stones, 3 surrounded points. White: 9 stones, 6 surrounded points.

WITH_INVADER = """
. X O . .
X X O . X
. X O O O
X X O . O
. X O O .
"""


def test_area_score_counts_stones_and_surrounded_points() -> None:
    game, _ = position(FINISHED, rules=CHINESE.with_komi(0.5))
    score = game.score()
    assert (score.black_stones, score.black_territory) == (7, 3)
    assert (score.white_stones, score.white_territory) == (9, 6)
    assert score.dame == 0
    assert (score.black, score.white) == (10, 15.5)
    assert score.result == "W+5.5" and score.winner is Color.WHITE
    assert Point(0, 0) in score.black_territory_points and Point(4, 4) in score.white_territory_points


def test_dead_stones_are_removed_before_counting() -> None:
    game, _ = position(WITH_INVADER, rules=CHINESE.with_komi(0.5))
    alive = game.score()
    assert (alive.white_territory, alive.dame, alive.black_stones) == (2, 3, 8)
    dead = game.score(dead=[Point(4, 1)])
    assert (dead.white_territory, dead.dame, dead.black_stones) == (6, 0, 7)
    assert dead.result == "W+5.5"


def test_points_touching_both_colours_count_for_nobody() -> None:
    game, _ = position(
        """
        . X O . .
        X X O . .
        . . . . .
        O O X X X
        . O X . .
        """
    )
    score = game.score()
    assert score.dame == 9  # the open middle touches both colours
    assert (score.black_territory, score.white_territory) == (3, 1)


def test_territory_score_counts_prisoners_and_dead_stones() -> None:
    game, _ = position(FINISHED, rules=JAPANESE)
    score = game.score()
    assert (score.black, score.white) == (3, 6 + 6.5)
    invaded, _ = position(WITH_INVADER, rules=JAPANESE)
    counted = invaded.score(dead=[Point(4, 1)])
    assert counted.white_prisoners == 1
    assert (counted.black, counted.white) == (3, 6 + 1 + 6.5)
    assert counted.result == "W+10.5"


def test_jigo() -> None:
    game, _ = position(
        """
        X X O O .
        X X O O .
        X X O O .
        X X O O .
        X X O O .
        """,
        rules=TROMP_TAYLOR.with_komi(0),
    )
    assert game.score().result == "W+5"
    even, _ = position(str(game.board), rules=TROMP_TAYLOR.with_komi(-5))
    assert even.score().winner is None and even.score().result == "0"


@pytest.mark.parametrize(
    "text", ["B+R", "W+R", "B+T", "W+T", "B+F", "W+0.5", "B+12", "0", "Void"]
)
def test_results_round_trip(text: str) -> None:
    assert Outcome.from_result(text).result == text


def test_resign_and_time_words_are_understood() -> None:
    assert Outcome.from_result("B+Resign") == Outcome(Termination.RESIGNATION, Color.BLACK)
    assert Outcome.from_result("W+Time") == Outcome(Termination.TIMEOUT, Color.WHITE)
    with pytest.raises(ValueError):
        Outcome.from_result("Black wins")
