"""The rules as board diagrams: captures, suicide, ko, superko, passes, resignation."""

from __future__ import annotations

import pytest

from app.go import (
    CHINESE,
    JAPANESE,
    ORIGINAL,
    TROMP_TAYLOR,
    Color,
    Game,
    GameOverError,
    KoError,
    KoRule,
    Move,
    NotYourTurnError,
    OccupiedError,
    OffBoardError,
    Point,
    SuicideError,
    SuperkoError,
    Termination,
)
from app.go.rules import RuleSet, Scoring

from ..diagrams import drawn, normal, position

B, W = Color.BLACK, Color.WHITE
SITUATIONAL = RuleSet("situational", KoRule.SITUATIONAL, False, Scoring.AREA, 7.5)


@pytest.mark.parametrize(
    ("name", "before", "after", "captured"),
    [
        (
            "one stone in the middle",
            """
            . . . . .
            . . X . .
            . X O X .
            . . * . .
            . . . . .
            """,
            """
            . . . . .
            . . X . .
            . X . X .
            . . X . .
            . . . . .
            """,
            1,
        ),
        (
            "a corner stone",
            """
            O X . . .
            * . . . .
            . . . . .
            . . . . .
            . . . . .
            """,
            """
            . X . . .
            X . . . .
            . . . . .
            . . . . .
            . . . . .
            """,
            1,
        ),
        (
            "a chain along the edge",
            """
            . . . . .
            . . . . .
            X X X X .
            O O O O X
            . . . . *
            """,
            """
            . . . . .
            . . . . .
            X X X X .
            O O O O X
            . . . . X
            """,
            0,
        ),
        (
            "two groups at once",
            """
            . X O X .
            X O * O X
            . X O X .
            . . X . .
            . . . . .
            """,
            """
            . X . X .
            X . X . X
            . X . X .
            . . X . .
            . . . . .
            """,
            4,
        ),
        (
            "a big group with its last liberty",
            """
            X X X X X
            X O O O X
            X O * O X
            X O O O X
            X X X X X
            """,
            """
            X X X X X
            X . . . X
            X . X . X
            X . . . X
            X X X X X
            """,
            8,
        ),
    ],
)
def test_capture(name: str, before: str, after: str, captured: int) -> None:
    game, target = position(before)
    assert target is not None
    removed = game.play(Move(B, target))
    assert drawn(game) == normal(after), name
    assert len(removed) == captured
    assert game.captures[B] == captured


def test_snapback() -> None:
    game, throw_in = position(
        """
        . . . . . .
        . . . . . .
        . X X X . .
        X O O O X .
        X O * O X .
        X O . X . .
        """,
        to_move=B,
    )
    assert throw_in is not None
    assert game.play(Move(B, throw_in)) == []  # the throw-in: one stone in atari
    assert game.play(Move(W, Point(2, 5))) == [throw_in]  # White takes it...
    retaken = game.play(Move(B, throw_in))  # ...and is left with one liberty: snapback
    assert len(retaken) == 7
    assert drawn(game) == normal(
        """
        . . . . . .
        . . . . . .
        . X X X . .
        X . . . X .
        X . X . X .
        X . . X . .
        """
    )
    assert game.captures == {B: 7, W: 1}


CORNER_SUICIDE = """
* O . . .
O . . . .
. . . . .
. . . . .
. . . . .
"""

GROUP_SUICIDE = """
X * O . .
O O . . .
. . . . .
. . . . .
. . . . .
"""


def test_single_stone_suicide_is_refused() -> None:
    game, point = position(CORNER_SUICIDE)
    assert point is not None
    before = drawn(game)
    with pytest.raises(SuicideError) as raised:
        game.play(Move(B, point))
    assert raised.value.reason == "suicide"
    assert drawn(game) == before and game.to_move is B and not game.moves


def test_multi_stone_suicide_is_refused_by_default() -> None:
    game, point = position(GROUP_SUICIDE)
    assert point is not None
    with pytest.raises(SuicideError):
        game.play(Move(B, point))


def test_multi_stone_suicide_is_allowed_under_tromp_taylor() -> None:
    game, point = position(GROUP_SUICIDE, rules=TROMP_TAYLOR)
    assert point is not None
    removed = game.play(Move(B, point))
    assert sorted(removed) == [Point(0, 0), Point(1, 0)]
    assert game.captures[W] == 2
    assert game.board[Point(0, 0)] is None and game.to_move is W


def test_single_stone_suicide_repeats_the_position_under_tromp_taylor() -> None:
    game, point = position(CORNER_SUICIDE, rules=TROMP_TAYLOR)
    assert point is not None
    with pytest.raises(SuperkoError):
        game.play(Move(B, point))


def test_a_capture_is_not_suicide() -> None:
    game, point = position(
        """
        * O X . .
        O X . . .
        X . . . .
        . . . . .
        . . . . .
        """
    )
    assert point is not None
    removed = game.play(Move(B, point))
    assert sorted(removed) == [Point(0, 1), Point(1, 0)]


KO = """
. X O . .
X * X O .
. X O . .
. . . . .
. . . . .
"""


@pytest.mark.parametrize("rules", [CHINESE, JAPANESE, TROMP_TAYLOR, SITUATIONAL], ids=lambda r: r.name)
def test_ko_cannot_be_retaken_at_once(rules: RuleSet) -> None:
    game, point = position(KO, to_move=W, rules=rules)
    assert point is not None
    assert game.play(Move(W, point)) == [Point(2, 1)]  # White takes the ko
    with pytest.raises(KoError) as raised:
        game.play(Move(B, Point(2, 1)))
    assert raised.value.reason == "ko"
    # A ko threat and its answer elsewhere lift the ban.
    game.play(Move(B, Point(4, 4)))
    game.play(Move(W, Point(4, 3)))
    assert game.play(Move(B, Point(2, 1))) == [point]


def test_a_pass_lifts_the_ko_ban() -> None:
    game, point = position(KO, to_move=W, rules=JAPANESE)
    assert point is not None
    game.play(Move(W, point))
    game.play(Move.pass_(B))
    game.play(Move.play(W, 4, 4))
    assert game.is_legal(Move(B, Point(2, 1)))


# A2 B1 B2 C2 B3 D1 A3 A1 C1 on 9x9, alternating from Black: White B1 repeats a board position
# (positional superko forbids it) but with the other player to move (situational allows it).
SUPERKO_SEQUENCE = [(0, 7), (1, 8), (1, 7), (2, 7), (1, 6), (3, 8), (0, 6), (0, 8), (2, 8)]


def superko_game(rules: RuleSet) -> Game:
    game = Game(9, rules)
    color = B
    for x, y in SUPERKO_SEQUENCE:
        game.play(Move.play(color, x, y))
        color = color.opponent
    return game


def test_positional_and_situational_superko_disagree() -> None:
    assert drawn(superko_game(CHINESE)) == normal(
        """
        . . . . . . . . .
        . . . . . . . . .
        . . . . . . . . .
        . . . . . . . . .
        . . . . . . . . .
        . . . . . . . . .
        X X . . . . . . .
        X X O . . . . . .
        . . X O . . . . .
        """
    )
    white_b1 = Move.play(W, 1, 8)
    with pytest.raises(SuperkoError) as raised:
        superko_game(CHINESE).play(white_b1)
    assert raised.value.reason == "superko"
    assert superko_game(SITUATIONAL).play(white_b1) == [Point(2, 8)]
    assert superko_game(JAPANESE).play(white_b1) == [Point(2, 8)]


def test_wrong_turn_occupied_and_off_board() -> None:
    game = Game(9)
    with pytest.raises(NotYourTurnError):
        game.play(Move.play(W, 4, 4))
    game.play(Move.play(B, 4, 4))
    with pytest.raises(OccupiedError):
        game.play(Move.play(W, 4, 4))
    for x, y in [(9, 0), (0, 9), (-1, 3), (3, -1)]:
        with pytest.raises(OffBoardError):
            game.play(Move.play(W, x, y))
    assert len(game.moves) == 1 and game.to_move is W


def test_two_passes_end_play_and_resuming_continues() -> None:
    game = Game(9)
    game.play(Move.play(B, 2, 2))
    game.play(Move.pass_(W))
    assert not game.passes_ended_play
    game.play(Move.pass_(B))
    assert game.passes_ended_play
    with pytest.raises(GameOverError) as raised:
        game.play(Move.play(W, 3, 3))
    assert raised.value.reason == "game_over"
    game.resume()
    game.play(Move.play(W, 3, 3))
    assert not game.passes_ended_play


def test_resignation() -> None:
    game = Game(9)
    game.play(Move.play(B, 2, 2))
    outcome = game.resign(W)
    assert outcome.termination is Termination.RESIGNATION
    assert outcome.winner is B and outcome.result == "B+R"
    with pytest.raises(GameOverError):
        game.play(Move.play(W, 3, 3))
    with pytest.raises(GameOverError):
        game.resign(B)


def test_replay_rebuilds_the_same_position_and_hash() -> None:
    game = superko_game(CHINESE)
    again = Game.replay(game.moves, 9, CHINESE)
    fast = Game.replay(game.moves, 9, CHINESE, trusted=True)
    for other in (again, fast):
        assert other.board == game.board
        assert other.position_hash == game.position_hash
        assert other.captures == game.captures
        assert other.to_move is game.to_move
    with pytest.raises(SuperkoError):
        fast.play(Move.play(W, 1, 8))


def test_repr_of_moves_pastes_back() -> None:
    move = Move.play(B, 3, 15)
    assert eval(repr(move), {"Move": Move, "Color": Color}) == move
    assert eval(repr(Move.pass_(W)), {"Move": Move, "Color": Color}) == Move.pass_(W)


# -- the original rules: what BUGOUT's judge and its client's board did ----------------------


def test_under_the_original_rules_a_ko_is_retaken_at_once_and_again() -> None:
    game, point = position(KO, to_move=W, rules=ORIGINAL)
    assert point is not None
    for _ in range(3):  # the same two positions, over and over: nothing forbids it
        assert game.play(Move(W, point)) == [Point(2, 1)]
        assert game.play(Move(B, Point(2, 1))) == [point]
    assert len(game.moves) == 6


def test_under_the_original_rules_any_suicide_removes_the_suicided_stones() -> None:
    single, point = position(CORNER_SUICIDE, rules=ORIGINAL)
    assert point is not None
    assert single.play(Move(B, point)) == [point]  # played, and gone: a pass in disguise
    assert single.board[point] is None and single.to_move is W and single.captures[W] == 1
    group, point = position(GROUP_SUICIDE, rules=ORIGINAL)
    assert point is not None
    assert sorted(group.play(Move(B, point))) == [Point(0, 0), Point(1, 0)]
