"""Play: moves judged by the rules and the seat, two passes to the count, and the clock. Pure."""

from __future__ import annotations

import pytest

from app import game
from app.game import Phase
from app.go import Point

from ..diagrams import normal
from .game_helpers import (
    ALICE,
    BOB,
    CAROL,
    GAME,
    ORIGINAL,
    OURS,
    T0,
    B,
    W,
    at,
    bare,
    board_of,
    byoyomi,
    coords,
    fischer,
    move,
    payload_of,
    play,
    position,
    seated,
    sent,
    settled,
    stored,
    versions,
    waiting,
)

# -- a move --------------------------------------------------------------------------------------


def test_a_legal_move_is_told_to_the_whole_game_and_answers_the_request() -> None:
    state = seated()
    decision = move(state, "B e5", req_id="r1")
    new = settled(decision)
    assert sent(decision) == [("MoveMade", GAME)]
    assert bare(decision.deliveries[0].payload) == {
        "type": "MoveMade", "gameId": state.game_id, "replyTo": "r1", "player": "BLACK",
        "coord": {"x": 4, "y": 4}, "captured": [], "turn": 1, "playerUp": "WHITE", "clocks": None,
        "version": state.version + 1,
    }
    assert (new.moves, new.version, new.turn) == (["Bee"], state.version + 1, 2)
    assert (state.moves, state.turn) == ([], 1)  # the old state as it was


def test_a_capture_lists_the_stones_taken_off_the_board() -> None:
    state, target = position("""
        . . . . . . . . .
        . . . . . . . . .
        . . . X X . . . .
        . . X O O * . . .
        . . . X X . . . .
        . . . . . . . . .
        . . . . . . . . .
        . . . . . . . . .
        . . . . . . . . .
    """)
    decision = game.make_move(state, ALICE, "r2", B, target)
    made = payload_of(decision, "MoveMade")
    assert sorted(made["captured"], key=lambda c: (c["y"], c["x"])) == coords(Point(3, 3), Point(4, 3))
    assert (made["coord"], made["playerUp"]) == ({"x": 5, "y": 3}, "WHITE")
    assert board_of(settled(decision)) == normal("""
        . . . . . . . . .
        . . . . . . . . .
        . . . X X . . . .
        . . X . . X . . .
        . . . X X . . . .
        . . . . . . . . .
        . . . . . . . . .
        . . . . . . . . .
        . . . . . . . . .
    """)
    assert game.snapshot(settled(decision))["captures"] == {"BLACK": 2, "WHITE": 0}


SUICIDE = """
    * O . . . . . . .
    O . . . . . . . .
    . . . . . . . . .
    . . . . X . . . .
    . . . . . . . . .
    . . . . X . . . .
    . . . . . . . . .
    . . . . . . . . .
    . . . . . . . . .
"""


def test_a_suicide_is_refused_under_chinese_rules_and_nothing_changes() -> None:
    state, target = position(SUICIDE)
    frozen, drawn = stored(state), board_of(state)
    with pytest.raises(game.Rejected) as refused:
        game.make_move(state, ALICE, "r9", B, target, now=T0 + 5)
    assert refused.value.reason == "suicide" and refused.value.then == []
    answer = bare(refused.value.answer)
    assert answer.pop("message").startswith("suicide: ")
    assert answer == {"type": "MoveRejected", "gameId": state.game_id, "replyTo": "r9", "player": "BLACK",
                      "coord": {"x": 0, "y": 0}, "reason": "suicide"}
    assert (stored(state), board_of(state)) == (frozen, drawn)


def test_the_same_suicide_stands_in_a_game_with_an_original_client() -> None:
    state, target = position(SUICIDE, speaks=(ORIGINAL, OURS))
    assert state.rules == "original"
    new = settled(game.make_move(state, ALICE, None, B, target))
    assert new.moves[-1] == "Baa"
    assert board_of(new) == normal(SUICIDE.replace("*", "."))  # the suicided stone is gone


def test_a_game_that_fell_back_to_the_original_rules_plays_by_them_after_a_snapshot_while_waiting() -> None:
    state = waiting(ALICE, speaks=OURS)
    game.snapshot(state, ALICE)  # the creator's page shows the empty board while it waits
    state = settled(game.join(state, BOB, ORIGINAL))
    state = settled(game.choose_color(state, ALICE, game.ColorPref.BLACK))
    state = settled(game.choose_color(state, BOB, game.ColorPref.WHITE))
    assert state.rules == "original"
    state = play(state, "B e5", "W b9", "B e4", "W a8")
    new = settled(move(state, "B a9"))  # a suicide: under the original rules it stands
    assert new.moves[-1] == "Baa"


def test_a_stone_on_a_stone_is_refused_as_occupied() -> None:
    state = play(seated(), "B e5")
    with pytest.raises(game.Rejected) as refused:
        move(state, "W e5", req_id="r2")
    assert refused.value.reason == "occupied"
    assert refused.value.answer["player"] == "WHITE" and refused.value.answer["replyTo"] == "r2"


def test_retaking_a_ko_at_once_is_refused() -> None:
    state, target = position("""
        . . . . . . . . .
        . . . . . . . . .
        . . . X O . . . .
        . . X O * O . . .
        . . . X O . . . .
        . . . . . . . . .
        . . . . . . . . .
        . . . . . . . . .
        . . . . . . . . .
    """)
    taken = game.make_move(state, ALICE, None, B, target)
    assert payload_of(taken, "MoveMade")["captured"] == coords(Point(3, 3))
    after = settled(taken)
    with pytest.raises(game.Rejected) as refused:
        game.make_move(after, BOB, "r3", W, Point(3, 3))
    assert refused.value.reason == "ko"
    assert bare(refused.value.answer)["coord"] == {"x": 3, "y": 3}
    assert after.board().to_move is W and len(after.moves) == len(state.moves) + 1


# -- who may move --------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "spec", "claimed", "reason", "message"), [
    (BOB, "W e5", W, "not_your_turn", None),
    (CAROL, "B e5", B, "not_a_player", "you are not seated in this game"),
    (ALICE, "W e5", W, "not_a_player", "you play BLACK, not WHITE"),
], ids=["out of turn", "a stranger", "the other colour claimed"])
def test_a_move_by_the_wrong_hand_is_refused(who: str, spec: str, claimed, reason: str, message) -> None:
    state = seated()
    frozen = stored(state)
    with pytest.raises(game.Rejected) as refused:
        move(state, spec, req_id="r4", by=who)
    answer = refused.value.answer
    assert (refused.value.reason, answer["reason"], answer["player"], answer["replyTo"]) == (
        reason, reason, claimed.value, "r4")
    if message is not None:
        assert answer["message"] == message
    assert stored(state) == frozen


def test_a_player_cannot_move_before_colours_are_chosen() -> None:
    state = settled(game.join(waiting(), BOB))
    with pytest.raises(game.Rejected) as refused:
        game.make_move(state, BOB, None, None, at("e5"))
    assert refused.value.reason == "not_started"


def test_no_move_is_made_after_the_game_ended() -> None:
    state = settled(game.resign(play(seated(), "B e5"), BOB))
    with pytest.raises(game.Rejected) as refused:
        move(state, "W c3")
    assert refused.value.reason == "game_over" and refused.value.answer["message"] == "the game ended B+R"


# -- two passes and the count --------------------------------------------------------------------

WALLS = """
    . . . X . O . . .
    . O . X . O . . .
    . . . X . O . . .
    . . . X . O . . .
    . . . X . O . . .
    . . . X . O . . .
    . . . X . O . X .
    . . . X . O . . .
    . . . X . O . . .
"""


def test_two_passes_end_play_and_the_count_starts_with_the_dead_stones_suggested() -> None:
    state, _ = position(WALLS)
    state = play(state, "B pass")
    decision = move(state, "W pass", req_id="r5")
    new = settled(decision)
    assert sent(decision) == [("MoveMade", GAME), ("ScoringPhase", GAME)]
    assert versions(decision) == [state.version + 1] * 2
    assert new.phase is Phase.SCORING
    assert new.dead == new.suggested_dead == [(1, 1), (7, 6)]
    assert new.accepted == []  # both players take part in the count
    scoring = payload_of(decision, "ScoringPhase")
    assert (scoring["dead"], scoring["accepted"]) == (coords(Point(1, 1), Point(7, 6)), [])
    score = scoring["score"]
    assert (score["black"], score["white"], score["result"]) == (36, 43.5, "W+7.5")


def test_a_move_in_turn_during_the_count_resumes_play_and_drops_the_marks() -> None:
    state, _ = position(WALLS)
    state = play(state, "B pass", "W pass")
    decision = move(state, "B e1")
    new = settled(decision)
    assert sent(decision) == [("MoveMade", GAME)]
    assert (new.phase, new.dead, new.accepted) == (Phase.PLAYING, [], [])
    assert new.moves[-3:] == ["B", "W", "Bei"]


def test_a_move_out_of_turn_during_the_count_resumes_play_after_an_implied_pass_with_the_clocks() -> None:
    state = seated(time_control=fischer(60, 5))
    state = play(state, "B e5", now=T0 + 10)   # Black 60 - 10 + 5 = 55
    state = play(state, "W pass", now=T0 + 20)  # White 60 - 10 + 5 = 55
    state = play(state, "B pass", now=T0 + 30)  # Black 55 - 10 + 5 = 50; the clock stops
    assert state.phase is Phase.SCORING and state.clock["runningFor"] is None
    decision = move(state, "B c3", now=T0 + 100, req_id="r6")  # White is to move: White's turn passes
    new = settled(decision)
    assert sent(decision) == [("MoveMade", GAME), ("MoveMade", GAME)]
    implied, made = (bare(d.payload) for d in decision.deliveries)
    control = {"kind": "fischer", "mainS": 60, "incrementS": 5}
    assert implied == {
        "type": "MoveMade", "gameId": new.game_id, "replyTo": None, "player": "WHITE", "coord": None,
        "captured": [], "turn": 4, "playerUp": "BLACK", "version": new.version,
        "clocks": {"BLACK": {"remainingS": 50.0, "periodsLeft": 0}, "WHITE": {"remainingS": 55.0, "periodsLeft": 0},
                   "running": "BLACK", "flagged": None, "control": control},
    }
    assert (made["player"], made["turn"], made["playerUp"], made["replyTo"]) == ("BLACK", 5, "WHITE", "r6")
    assert made["clocks"]["BLACK"]["remainingS"] == 55.0 and made["clocks"]["running"] == "WHITE"
    assert (new.phase, new.moves, new.version) == (Phase.PLAYING, ["Bee", "W", "B", "W", "Bcg"], state.version + 1)


# -- the clock -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("lag", "left"), [(0.0, 52.5), (0.5, 53.0)])
def test_a_move_is_charged_to_the_mover_under_fischer(lag: float, left: float) -> None:
    state = seated(time_control=fischer(60, 5))
    decision = game.make_move(state, ALICE, None, B, at("e5"), now=T0 + 12.5, lag_allowance_s=lag)
    new = settled(decision)
    assert payload_of(decision, "MoveMade")["clocks"] == {
        "BLACK": {"remainingS": left, "periodsLeft": 0}, "WHITE": {"remainingS": 60.0, "periodsLeft": 0},
        "running": "WHITE", "flagged": None, "control": {"kind": "fischer", "mainS": 60, "incrementS": 5},
    }
    assert (new.clock["runningFor"], new.clock["since"], new.updated_at) == ("WHITE", T0 + 12.5, T0 + 12.5)


def test_a_move_is_charged_to_the_mover_under_byo_yomi() -> None:
    state = seated(time_control=byoyomi(10, 3, 5))
    first = move(state, "B e5", now=T0 + 17)  # 10 s main time, then one whole period of 5 s and 2 s more
    clocks = payload_of(first, "MoveMade")["clocks"]
    assert clocks["BLACK"] == {"remainingS": 0.0, "periodsLeft": 2, "periodRemainingS": 5.0}
    second = move(settled(first), "W c3", now=T0 + 20)
    clocks = payload_of(second, "MoveMade")["clocks"]
    assert clocks["WHITE"] == {"remainingS": 7.0, "periodsLeft": 3, "periodRemainingS": 5.0}
    assert clocks["BLACK"] == {"remainingS": 0.0, "periodsLeft": 2, "periodRemainingS": 5.0}
    assert clocks["running"] == "BLACK"


@pytest.mark.parametrize(("spec", "by", "result"), [("B e5", ALICE, "W+T"), ("W c3", BOB, "B+T")])
def test_a_move_that_arrives_after_the_flag_fell_is_refused_and_loses_on_time(spec: str, by: str,
                                                                             result: str) -> None:
    state = seated(time_control=fischer(60, 5))
    if by == BOB:
        state = play(state, "B e5", now=T0 + 1)  # White's clock runs from T0 + 1
    decision = move(state, spec, now=T0 + 61.5, req_id="late")
    new = settled(decision)
    assert sent(decision) == [("MoveRejected", (by,)), ("GameOver", GAME)]
    rejected, over = (bare(d.payload) for d in decision.deliveries)
    mover = "BLACK" if by == ALICE else "WHITE"
    assert (rejected["reason"], rejected["replyTo"], rejected["player"]) == ("game_over", "late", mover)
    assert rejected["message"] == f"{mover}'s time ran out before this move arrived"
    assert over == {"type": "GameOver", "gameId": new.game_id, "result": result, "reason": "timeout",
                    "version": state.version + 1}
    assert (new.phase, new.result, new.end_reason, new.moves) == (Phase.OVER, result, "timeout", state.moves)
    assert new.clock["flagged"] == mover and new.clock["runningFor"] is None


def test_an_illegal_move_that_arrives_after_the_flag_fell_also_loses_on_time() -> None:
    state = play(seated(time_control=fischer(60, 5)), "B e5", now=T0 + 1)
    decision = move(state, "W e5", now=T0 + 80, req_id="late")  # on Black's stone, 19 s after White's flag
    assert sent(decision) == [("MoveRejected", (BOB,)), ("GameOver", GAME)]
    assert decision.deliveries[0].payload["reason"] == "game_over"
    assert settled(decision).result == "B+T"


def test_time_out_is_refused_until_the_flag_has_fallen() -> None:
    state = seated(time_control=fischer(60, 5))
    with pytest.raises(game.Rejected) as refused:
        game.time_out(state, T0 + 59.9)
    assert refused.value.reason == "flag_not_fallen"
    decision = game.time_out(state, T0 + 60)
    new = settled(decision)
    assert sent(decision) == [("GameOver", GAME)]
    assert (new.result, new.end_reason, new.clock["flagged"], new.version) == (
        "W+T", "timeout", "BLACK", state.version + 1)


def test_time_out_honours_the_lag_allowance_and_flags_white_when_white_is_to_move() -> None:
    state = play(seated(time_control=fischer(60, 5)), "B e5", now=T0 + 10)
    with pytest.raises(game.Rejected):
        game.time_out(state, T0 + 70.2, lag_allowance_s=0.5)
    assert settled(game.time_out(state, T0 + 70.5, lag_allowance_s=0.5)).result == "B+T"


def test_time_out_is_refused_without_a_running_clock() -> None:
    with pytest.raises(game.Rejected) as refused:
        game.time_out(seated(), T0 + 10_000)
    assert refused.value.reason == "no_clock_running"
