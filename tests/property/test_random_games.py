"""Invariants that must hold after every move of any game (hypothesis drives the games)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.go import CHINESE, JAPANESE, ORIGINAL, TROMP_TAYLOR, Color, Game, KoRule, Move, Point, RuleSet
from app.go.board import BLACK, EMPTY, WHITE

RULES = [CHINESE, JAPANESE, TROMP_TAYLOR, ORIGINAL]


@st.composite
def games(draw: st.DrawFn) -> tuple[Game, list[tuple[Move, list[Point]]]]:
    """A random game: each ply picks a point (often illegal, then skipped) or, rarely, a pass."""
    size = draw(st.sampled_from([5, 7, 9, 13, 19]))
    rules: RuleSet = draw(st.sampled_from(RULES))
    game = Game(size, rules)
    played: list[tuple[Move, list[Point]]] = []
    for _ in range(draw(st.integers(0, 3 * size * size // 2))):
        if draw(st.integers(0, 30)) == 0:
            move = Move.pass_(game.to_move)
        else:
            move = Move.play(game.to_move, draw(st.integers(0, size - 1)), draw(st.integers(0, size - 1)))
        if game.passes_ended_play:
            game.resume()
        if game.is_legal(move):
            played.append((move, game.play(move)))
    return game, played


def groups_without_liberties(game: Game) -> list[Point]:
    board = game.board
    return [board.point(i) for i, cell in enumerate(board.cells)
            if cell != EMPTY and not board.liberties(i)]


common = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@common
@given(games())
def test_no_group_on_the_board_is_without_liberties(case: tuple[Game, list]) -> None:
    game, _ = case
    assert groups_without_liberties(game) == []


@common
@given(games())
def test_stones_and_prisoners_add_up(case: tuple[Game, list]) -> None:
    game, played = case
    stones_played = {Color.BLACK: 0, Color.WHITE: 0}
    for move, _ in played:
        if not move.is_pass:
            stones_played[move.color] += 1
    on_board = {Color.BLACK: game.board.cells.count(BLACK), Color.WHITE: game.board.cells.count(WHITE)}
    lost = {Color.BLACK: game.captures[Color.WHITE], Color.WHITE: game.captures[Color.BLACK]}
    assert on_board[Color.BLACK] + lost[Color.BLACK] == stones_played[Color.BLACK]
    assert on_board[Color.WHITE] + lost[Color.WHITE] == stones_played[Color.WHITE]
    assert sum(len(removed) for _, removed in played) == sum(game.captures.values())


@common
@given(games())
def test_replay_reproduces_position_and_hash(case: tuple[Game, list]) -> None:
    game, _ = case
    moves = list(game.moves)
    for trusted in (False, True):
        again = Game(game.size, game.rules)
        step = again.push if trusted else again.play
        for move in moves:
            if again.passes_ended_play:
                again.resume()
            step(move)
        assert again.board == game.board
        assert again.position_hash == game.position_hash
        assert again.board.zobrist_hash == Game(game.size, game.rules).board.zobrist_hash ^ _hash_of(game)
        assert again.captures == game.captures


def _hash_of(game: Game) -> int:
    """The hash recomputed from scratch, to check the incremental one."""
    from app.go.board import ZOBRIST

    h = 0
    for i, cell in enumerate(game.board.cells):
        if cell != EMPTY:
            h ^= ZOBRIST[cell][i]
    return h


@common
@given(games())
def test_superko_games_never_repeat_a_position(case: tuple[Game, list]) -> None:
    game, _ = case
    if game.rules.ko not in (KoRule.POSITIONAL, KoRule.SITUATIONAL):
        return
    replay = Game(game.size, game.rules)
    seen = {replay.board.zobrist_hash}
    for move in game.moves:
        if replay.passes_ended_play:
            replay.resume()
        replay.play(move)
        if not move.is_pass:
            assert replay.board.zobrist_hash not in seen
            seen.add(replay.board.zobrist_hash)


@common
@given(games())
def test_an_illegal_move_changes_nothing(case: tuple[Game, list]) -> None:
    game, _ = case
    if game.passes_ended_play:
        game.resume()
    before = (str(game.board), game.position_hash, len(game.moves), game.captures)
    for i, cell in enumerate(game.board.cells):
        point = game.board.point(i)
        for color in (Color.BLACK, Color.WHITE):
            reason = game.legality(Move(color, point))
            if reason is not None:
                try:
                    game.play(Move(color, point))
                except ValueError as error:
                    assert getattr(error, "reason", None) == reason
                assert (str(game.board), game.position_hash, len(game.moves), game.captures) == before


@common
@given(games())
def test_under_the_original_rules_every_empty_point_is_legal(case: tuple[Game, list]) -> None:
    game, _ = case
    if game.rules is not ORIGINAL:
        return
    if game.passes_ended_play:
        game.resume()
    for i, cell in enumerate(game.board.cells):
        assert (game.legality(Move(game.to_move, game.board.point(i))) is None) == (cell == EMPTY)
