"""Reading a game (its snapshot for one viewer, its moves, the original's sync), what a saved change
makes due (the AI's move, a flag watch), and the stored form. Pure."""

from __future__ import annotations

import json

import pytest

from app import game
from app.choices import Strength
from app.game import PRIVATE, EngineMove, FlagWatch, GameState, Phase
from app.go import Move, Point

from .game_helpers import (
    ALICE,
    BOB,
    CAROL,
    ORIGINAL,
    OURS,
    T0,
    B,
    W,
    against_ai,
    assert_no_client_ids,
    at,
    byoyomi,
    coords,
    fischer,
    play,
    position,
    seated,
    sent,
    settled,
    waiting,
)

# -- the snapshot --------------------------------------------------------------------------------


def test_a_snapshot_shows_the_whole_game_and_only_a_seated_viewer_gets_a_colour() -> None:
    state = play(seated(), "B e5", "W c3", "B pass")
    views = {who: game.snapshot(state, who, now=T0) for who in (ALICE, BOB, CAROL, None)}
    assert {who: view["yourColor"] for who, view in views.items()} == {
        ALICE: "BLACK", BOB: "WHITE", CAROL: None, None: None}
    spectator = views[CAROL]
    assert spectator == {**views[ALICE], "yourColor": None}  # nothing else differs
    expected = {
        "type": "GameState", "gameId": state.game_id, "version": state.version, "phase": "playing",
        "boardSize": 9, "rules": "chinese", "komi": 7.5, "handicap": 0, "handicapStones": [],
        "visibility": "Public", "link": None, "playerUp": "WHITE", "turn": 4,
        "moves": [{"player": "BLACK", "coord": {"x": 4, "y": 4}, "turn": 1},
                  {"player": "WHITE", "coord": {"x": 2, "y": 6}, "turn": 2},
                  {"player": "BLACK", "coord": None, "turn": 3}],
        "stones": {"BLACK": coords(Point(4, 4)), "WHITE": coords(Point(2, 6))},
        "captures": {"BLACK": 0, "WHITE": 0}, "players": {"BLACK": "human", "WHITE": "human"},
        "botStrength": None, "yourColor": None, "dead": [], "accepted": [], "score": None,
        "undoRequestedBy": None, "claimableBy": None, "timeControl": {"kind": "none"}, "clocks": None,
        "result": None, "endReason": None,
    }
    assert spectator == expected
    for view in views.values():
        assert_no_client_ids(view)


def test_only_the_creator_of_a_waiting_game_sees_its_link() -> None:
    link = "https://bugout.test/?join=Invite5"
    state = waiting(visibility=PRIVATE, invite="Invite5")
    assert game.snapshot(state, ALICE, link)["link"] == link
    assert game.snapshot(state, CAROL, link)["link"] is None
    assert game.snapshot(state, None, link)["link"] is None
    joined = settled(game.join(state, BOB))
    assert game.snapshot(joined, ALICE, link)["link"] is None  # the link is used up
    assert game.snapshot(state, ALICE, link)["players"] == {"BLACK": None, "WHITE": None}


def test_a_snapshot_of_a_game_against_the_ai_names_its_seat_and_strength() -> None:
    view = game.snapshot(against_ai(bot=W, strength=Strength.FOUR_STARS), ALICE)
    assert (view["players"], view["botStrength"], view["yourColor"]) == (
        {"BLACK": "human", "WHITE": "bot"}, 4, "BLACK")


def test_a_snapshot_of_a_handicap_game_shows_the_stones_and_white_to_play() -> None:
    view = game.snapshot(seated(handicap=2), BOB)
    assert view["handicapStones"] == coords(Point(2, 6), Point(6, 2))
    assert (view["playerUp"], view["turn"], view["handicap"]) == ("WHITE", 1, 2)
    assert (view["stones"]["BLACK"], view["stones"]["WHITE"]) == (coords(Point(6, 2), Point(2, 6)), [])


def test_a_snapshot_during_the_count_carries_the_score_and_one_of_a_timed_game_its_clocks() -> None:
    counted, _ = position("""
        . . . X O . . . .
        . . . X O . . . .
        . . . X O . . . .
        . . . X O . . . .
        . . . X O . . . .
        . . . X O . . . .
        . . . X O . . . .
        . . . X O . . . .
        . . . X O . . . .
    """)
    counted = play(counted, "B pass", "W pass")
    score = game.snapshot(counted, ALICE)["score"]
    assert (score["black"], score["white"], score["result"]) == (36, 52.5, "W+16.5")
    timed = play(seated(time_control=byoyomi(10, 3, 5)), "B e5", now=T0 + 4)
    clocks = game.snapshot(timed, ALICE, now=T0 + 7)["clocks"]
    assert clocks["WHITE"] == {"remainingS": 7.0, "periodsLeft": 3, "periodRemainingS": 5.0}
    assert clocks["BLACK"] == {"remainingS": 6.0, "periodsLeft": 3, "periodRemainingS": 5.0}
    assert clocks["running"] == "WHITE"


# -- moves, sync and lost moves ------------------------------------------------------------------


def test_the_history_goes_to_the_asking_client_alone() -> None:
    state = play(seated(), "B e5", "W pass")
    told = game.history(state, "h1", CAROL)
    assert sent([told]) == [("HistoryProvided", (CAROL,))]
    payload = {k: v for k, v in told.payload.items() if k != "eventId"}
    assert payload == {"type": "HistoryProvided", "gameId": state.game_id, "replyTo": "h1",
                       "moves": [{"player": "BLACK", "coord": {"x": 4, "y": 4}, "turn": 1},
                                 {"player": "WHITE", "coord": None, "turn": 2}],
                       "version": state.version}


def test_the_sync_reply_tells_whose_turn_it_is_and_the_phase() -> None:
    state = play(seated(), "B e5", "W c3", "B pass", "W pass")
    told = game.sync_reply(state, "s1", BOB)
    assert sent([told]) == [("SyncReply", (BOB,))]
    assert told.payload == {"type": "SyncReply", "gameId": state.game_id, "replyTo": "s1", "playerUp": "BLACK",
                            "turn": 5, "moves": game.history(state, None, BOB).payload["moves"],
                            "version": state.version, "phase": "scoring"}


def test_a_move_the_server_never_got_is_recognised_as_the_clients_own() -> None:
    state = play(seated(), "B e5")  # White believes it played move 2
    assert game.lost_own_move(state, BOB, W, 2) is True
    assert game.lost_own_move(state, BOB, W, 3) is False  # a move further than the game
    assert game.lost_own_move(state, BOB, W, 1) is False
    assert game.lost_own_move(state, ALICE, B, 2) is False  # Black is not to move
    assert game.lost_own_move(state, ALICE, W, 2) is False  # not its colour
    assert game.lost_own_move(state, CAROL, W, 2) is False
    assert game.lost_own_move(play(state, "W pass", "B pass"), BOB, W, 4) is False  # the count


# -- what follows --------------------------------------------------------------------------------


def test_the_ai_is_asked_for_a_move_only_when_it_is_its_turn() -> None:
    human_first = against_ai(bot=W)
    assert game.what_follows(human_first) == []
    replied_to = play(human_first, "B e5")
    assert game.what_follows(replied_to) == [EngineMove(replied_to.game_id, replied_to.version)]
    ai_first = against_ai(bot=B)
    assert game.what_follows(ai_first) == [EngineMove(ai_first.game_id, 1)]
    assert game.bot_color(ai_first) is B and game.bot_color(seated()) is None


def test_a_running_clock_is_watched_until_its_flag_would_fall() -> None:
    state = against_ai(bot=W, time_control=fischer(60, 5), now=T0)
    assert game.what_follows(state) == [FlagWatch(state.game_id, 1, T0 + 60)]
    assert game.what_follows(state, lag_allowance_s=0.5) == [FlagWatch(state.game_id, 1, T0 + 60.5)]
    moved = play(state, "B e5", now=T0 + 10)
    assert game.what_follows(moved) == [EngineMove(moved.game_id, 2), FlagWatch(moved.game_id, 2, T0 + 10 + 60)]
    assert game.flag_deadline(moved) == T0 + 70


def test_between_people_only_the_flag_is_watched() -> None:
    state = play(seated(time_control=byoyomi(10, 3, 5)), "B e5", now=T0 + 2)
    assert game.what_follows(state) == [FlagWatch(state.game_id, state.version, T0 + 2 + 10 + 15)]
    assert game.what_follows(seated()) == []


@pytest.mark.parametrize("ended", [
    lambda: settled(game.resign(play(against_ai(bot=W, time_control=fischer()), "B e5", now=T0 + 1), ALICE)),
    lambda: play(against_ai(bot=W, time_control=fischer()), "B pass", "W pass", now=T0 + 1),
    lambda: settled(game.time_out(against_ai(bot=B, time_control=fischer()), T0 + 61)),
], ids=["resigned", "at the count", "lost on time"])
def test_nothing_follows_a_game_that_is_over_or_at_the_count(ended) -> None:
    state = ended()
    assert state.phase in (Phase.OVER, Phase.SCORING)
    assert game.what_follows(state) == []
    assert game.flag_deadline(state) is None


# -- the stored form -----------------------------------------------------------------------------


def test_a_stored_game_reads_back_as_the_same_state() -> None:
    state = seated(speaks=(OURS, ORIGINAL), time_control=fischer(60, 5), visibility=PRIVATE, invite="Inv9",
                   public_url="https://bugout.test")
    state = play(state, "B e5", "W c3", now=T0 + 3)
    state = play(state, "B pass", "W pass", now=T0 + 4)
    state = settled(game.toggle_dead(state, ALICE, at("c3")))
    assert state.phase is Phase.SCORING and state.dead == [(2, 6)]
    text = json.dumps(state.to_json())
    back = GameState.from_json(json.loads(text))
    assert back == state
    assert back.phase is Phase.SCORING and back.dead == [(2, 6)] and isinstance(back.dead[0], tuple)
    assert json.dumps(back.to_json()) == text
    assert game.snapshot(back, ALICE, now=T0 + 9) == game.snapshot(state, ALICE, now=T0 + 9)


def test_moves_are_stored_as_sgf_letters() -> None:
    assert game.encode_move(Move(B, Point(3, 15))) == "Bdp"
    assert game.encode_move(Move(W, None)) == "W"
    assert game.decode_move("Bdp") == Move(B, Point(3, 15))
    assert game.decode_move("W") == Move(W, None)
    assert play(seated(), "B a9", "W j1").moves == ["Baa", "Wii"]  # the corners: a9 top left
