"""Taking moves back: at once against the AI, by the opponent's consent between people. Pure."""

from __future__ import annotations

import pytest

from app import game
from app.game import Phase

from ..diagrams import normal
from .game_helpers import (
    ALICE,
    BOB,
    CAROL,
    GAME,
    T0,
    B,
    W,
    against_ai,
    at,
    bare,
    board_of,
    fischer,
    play,
    seated,
    sent,
    settled,
    stored,
)

EMPTY = "\n".join([". " * 9] * 9)


def move_json(color: str, vertex: str, turn: int) -> dict:
    point = at(vertex)
    return {"player": color, "coord": {"x": point.x, "y": point.y}, "turn": turn}


# -- against the AI ------------------------------------------------------------------------------


def test_against_the_ai_an_undo_takes_back_its_reply_and_the_players_move() -> None:
    state = play(against_ai(bot=W), "B e5", "W c3")
    decision = game.request_undo(state, ALICE)
    new = settled(decision)
    assert sent(decision) == [("MoveUndone", GAME)]
    assert bare(decision.deliveries[0].payload) == {"type": "MoveUndone", "gameId": new.game_id,
                                                    "playerUp": "BLACK", "turn": 1, "moves": [], "clocks": None,
                                                    "version": state.version + 1}
    assert (new.moves, new.phase) == ([], Phase.PLAYING)
    assert board_of(new) == normal(EMPTY)


def test_against_the_ai_an_undo_keeps_the_moves_before_the_last_exchange() -> None:
    state = play(against_ai(bot=W), "B e5", "W c3", "B g7", "W c7")
    decision = game.request_undo(state, ALICE)
    payload = decision.deliveries[0].payload
    assert payload["moves"] == [move_json("BLACK", "e5", 1), move_json("WHITE", "c3", 2)]
    assert (payload["turn"], payload["playerUp"]) == (3, "BLACK")
    assert settled(decision).moves == ["Bee", "Wcg"]


def test_a_player_with_white_against_the_ai_takes_back_to_the_ais_first_move() -> None:
    state = play(against_ai(bot=B), "B e5", "W c3", "B g7")
    decision = game.request_undo(state, ALICE)
    new = settled(decision)
    assert new.moves == ["Bee"]
    assert decision.deliveries[0].payload["playerUp"] == "WHITE"


def test_against_the_ai_no_undo_while_the_ai_is_to_reply() -> None:
    state = play(against_ai(bot=W), "B e5")
    frozen = stored(state)
    with pytest.raises(game.Rejected) as refused:
        game.request_undo(state, ALICE)
    assert refused.value.reason == "bot_to_move"
    assert refused.value.answer == {"type": "UndoRejected", "gameId": state.game_id, "player": "BLACK",
                                    "reason": "bot_to_move"}
    assert stored(state) == frozen


def test_against_the_ai_a_player_who_has_not_moved_has_nothing_to_undo() -> None:
    state = play(against_ai(bot=B), "B e5")  # only the AI's move
    with pytest.raises(game.Rejected) as refused:
        game.request_undo(state, ALICE)
    assert refused.value.answer == {"type": "UndoRejected", "gameId": state.game_id, "player": "WHITE",
                                    "reason": "nothing_to_undo"}


def test_an_undo_in_a_timed_game_restarts_the_clock_of_the_player_to_move() -> None:
    state = against_ai(bot=W, time_control=fischer(60, 5))
    state = play(state, "B e5", now=T0 + 10)  # Black: 60 - 10 + 5 = 55
    state = play(state, "W c3", now=T0 + 12)  # White: 60 - 2 + 5 = 63
    decision = game.request_undo(state, ALICE)
    new = settled(decision)
    clocks = decision.deliveries[0].payload["clocks"]
    assert clocks["BLACK"] == {"remainingS": 55.0, "periodsLeft": 0}
    assert clocks["WHITE"] == {"remainingS": 63.0, "periodsLeft": 0}
    assert (clocks["running"], clocks["flagged"]) == ("BLACK", None)
    assert (new.clock["runningFor"], new.clock["since"]) == ("BLACK", new.updated_at)


# -- between people ------------------------------------------------------------------------------


def test_between_people_an_undo_is_asked_of_the_whole_game() -> None:
    state = play(seated(), "B e5")
    decision = game.request_undo(state, ALICE)
    new = settled(decision)
    assert sent(decision) == [("UndoRequested", GAME)]
    assert bare(decision.deliveries[0].payload) == {"type": "UndoRequested", "gameId": new.game_id,
                                                    "player": "BLACK", "version": state.version + 1}
    assert (new.undo_requested_by, new.moves) == ("BLACK", ["Bee"])


def test_an_accepted_undo_takes_back_the_requesters_last_move() -> None:
    state = settled(game.request_undo(play(seated(), "B e5", "W c3", "B g7"), ALICE))
    decision = game.answer_undo(state, BOB, accept=True)
    new = settled(decision)
    assert sent(decision) == [("MoveUndone", GAME)]
    assert bare(decision.deliveries[0].payload) == {
        "type": "MoveUndone", "gameId": new.game_id, "playerUp": "BLACK", "turn": 3,
        "moves": [move_json("BLACK", "e5", 1), move_json("WHITE", "c3", 2)], "clocks": None,
        "version": state.version + 1,
    }
    assert (new.moves, new.undo_requested_by) == (["Bee", "Wcg"], None)


def test_an_undo_asked_by_the_player_to_move_takes_back_the_reply_too() -> None:
    state = settled(game.request_undo(play(seated(), "B e5", "W c3"), ALICE))
    decision = game.answer_undo(state, BOB, accept=True)
    new = settled(decision)
    assert new.moves == []
    assert (decision.deliveries[0].payload["playerUp"], decision.deliveries[0].payload["turn"]) == ("BLACK", 1)


def test_a_refused_undo_is_told_to_the_requester_only_and_the_moves_stay() -> None:
    state = settled(game.request_undo(play(seated(), "B e5"), ALICE))
    decision = game.answer_undo(state, BOB, accept=False)
    new = settled(decision)
    assert sent(decision) == [("UndoRejected", (ALICE,))]
    assert decision.deliveries[0].payload == {"type": "UndoRejected", "gameId": new.game_id, "player": "BLACK",
                                              "reason": "refused"}
    assert (new.moves, new.undo_requested_by, new.version) == (["Bee"], None, state.version + 1)


def test_a_move_instead_of_an_answer_withdraws_the_request() -> None:
    state = settled(game.request_undo(play(seated(), "B e5"), ALICE))
    state = play(state, "W c3")
    assert state.undo_requested_by is None
    with pytest.raises(game.Rejected) as refused:
        game.answer_undo(state, BOB, accept=True)
    assert (refused.value.reason, refused.value.answer) == ("no_undo_request", None)


def test_nobody_answers_their_own_request_nor_one_never_made() -> None:
    asked = settled(game.request_undo(play(seated(), "B e5"), ALICE))
    with pytest.raises(game.Rejected) as own:
        game.answer_undo(asked, ALICE, accept=True)
    with pytest.raises(game.Rejected) as none:
        game.answer_undo(play(seated(), "B e5"), BOB, accept=True)
    with pytest.raises(game.Rejected) as stranger:
        game.answer_undo(asked, CAROL, accept=True)
    assert (own.value.reason, none.value.reason, stranger.value.reason) == (
        "no_undo_request", "no_undo_request", "not_a_player")


# -- refusals ------------------------------------------------------------------------------------


def scoring() -> game.GameState:
    return play(seated(), "B e5", "W pass", "B pass")


def pending() -> game.GameState:
    return settled(game.request_undo(play(seated(), "B e5", "W c3"), BOB))


@pytest.mark.parametrize(("state", "who", "player", "reason"), [
    (lambda: play(seated(), "B e5"), CAROL, None, "not_a_player"),
    (scoring, ALICE, "BLACK", "not_playing"),
    (lambda: settled(game.resign(play(seated(), "B e5"), BOB)), ALICE, "BLACK", "not_playing"),
    (lambda: play(seated(), "B e5"), BOB, "WHITE", "nothing_to_undo"),
    (pending, ALICE, "BLACK", "undo_pending"),
    (pending, BOB, "WHITE", "undo_pending"),
], ids=["a stranger", "during the count", "a finished game", "no own move", "the other asked",
        "asked twice"])
def test_an_undo_that_cannot_be_asked_is_refused_with_undo_rejected(state, who: str, player, reason: str) -> None:
    before = state()
    frozen = stored(before)
    with pytest.raises(game.Rejected) as refused:
        game.request_undo(before, who)
    assert refused.value.reason == reason
    assert refused.value.answer == {"type": "UndoRejected", "gameId": before.game_id, "player": player,
                                    "reason": reason}
    assert stored(before) == frozen
