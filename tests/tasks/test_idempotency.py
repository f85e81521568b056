"""Every state-changing task answers a request once, whatever the redeliveries."""

from __future__ import annotations

import uuid

import pytest

from app import game
from app.store import ALREADY_ANSWERED, SAVED
from tasks import lobby, moves, sync

from .flows import in_scoring, play, seated

pytestmark = pytest.mark.usefixtures("worker")

NINE = {"boardSize": 9}


def test_a_recorded_rejection_is_never_overturned_by_a_later_save(new_player, games) -> None:
    black, white = new_player(), new_player()
    game_id = seated(black, white, 9)
    state = games.load(game_id)
    rejection = {"type": "MoveRejected", "replyTo": "r", "reason": "not_your_turn"}
    games.remember_reply(game_id, white.client_id, "r", rejection)
    decision = game.make_move(state, black.client_id, "r", None, game.Point(3, 3))
    field = games.reply_field(white.client_id, "r")
    assert games.save(decision.state, state.version, decision.deliveries, (field, {"type": "MoveMade"})) \
        == ALREADY_ANSWERED
    assert games.load(game_id).version == state.version
    assert games.save(decision.state, state.version, decision.deliveries) == SAVED


def test_a_redelivered_creation_makes_one_game(new_player, games) -> None:
    creator = new_player()
    req_id = str(uuid.uuid4())
    first = lobby.create_private_game.delay(creator.client_id, NINE, req_id)
    waiting = creator.wait("WaitForOpponent")
    second = lobby.create_private_game.delay(creator.client_id, NINE, req_id)
    again = creator.wait_for(lambda p: p["type"] == "WaitForOpponent" and p is not waiting)
    assert second.id != first.id  # two deliveries of one request, not one task message seen twice
    assert again["gameId"] == waiting["gameId"] and again["link"] == waiting["link"]
    assert games.current_game(creator.client_id) == waiting["gameId"]  # seated in that one game


def test_a_redelivered_toggle_flips_once(new_player, games) -> None:
    black, white = new_player(), new_player()
    game_id = in_scoring(black, white)
    before = set(games.load(game_id).dead)
    for _ in range(2):
        moves.toggle_dead.delay(black.client_id, game_id, {"x": 6, "y": 6}, "same-request")
    answers = lambda: [p for p in black.events("ScoringPhase") if p["version"] > min(
        e["version"] for e in black.events("ScoringPhase"))]  # noqa: E731  (after the suggestion)
    black.wait_for(lambda p: len(answers()) >= 2)
    assert len({p["eventId"] for p in answers()}) == 1  # the same answer twice
    assert set(games.load(game_id).dead) == before ^ {(6, 6)}


def test_a_reconnect_with_an_early_version_also_gets_the_players_own_events(new_player, games) -> None:
    black, white = new_player(), new_player()
    game_id = seated(black, white, 9)
    play(black, game_id, "BLACK", 2, 2)
    sync.reconnect.delay(white.client_id, game_id, "early", 0)
    white.wait("Reconnected", replyTo="early")
    own = [e for e in white.events("YourColor") if e["gameId"] == game_id]
    assert len(own) == 2 and own[-1]["yourColor"] == "WHITE"  # live, then caught up
    assert not any(e.get("yourColor") == "BLACK" for e in white.events("YourColor"))


def test_resuming_out_of_turn_announces_the_implied_pass(new_player, games) -> None:
    black, white = new_player(), new_player()
    game_id = seated(black, white, 9)
    play(black, game_id, "BLACK", None)
    play(white, game_id, "WHITE", None)
    black.wait("ScoringPhase")
    resumed = play(white, game_id, "WHITE", 4, 4)
    assert resumed["turn"] == 4 and resumed["player"] == "WHITE"
    implied = black.wait("MoveMade", turn=3)
    assert implied["player"] == "BLACK" and implied["coord"] is None and implied["replyTo"] is None


def test_a_repeated_join_gets_the_same_game_not_a_rejection(new_player, games) -> None:
    creator, friend = new_player(), new_player()
    lobby.create_private_game.delay(creator.client_id, NINE)
    compact_id = creator.wait("WaitForOpponent")["link"].split("join=")[1]
    lobby.join_private_game.delay(friend.client_id, compact_id)
    first = friend.wait("GameReady")
    lobby.join_private_game.delay(friend.client_id, compact_id)
    again = friend.wait_for(lambda p: p["type"] == "GameReady" and p is not first)
    # The one worker takes tasks in order: once a later task has answered, anything the join
    # task said after its GameReady has arrived too.
    sync.game_state.delay(friend.client_id, first["gameId"])
    friend.wait("GameState")
    assert again["gameId"] == first["gameId"] and not friend.events("PrivateGameRejected")


def test_a_repeated_public_search_does_not_queue_a_paired_player_again(new_player, games) -> None:
    a, b = new_player(), new_player()
    lobby.find_public_game.delay(a.client_id, 9)
    game_id = a.wait("WaitForOpponent")["gameId"]
    lobby.find_public_game.delay(b.client_id, 9)
    b.wait("GameReady")
    lobby.find_public_game.delay(b.client_id, 9)  # redelivered, or a second click
    again = b.wait_for(lambda p: p["type"] == "GameReady" and len(b.events("GameReady")) == 2)
    assert again["gameId"] == game_id
    assert all(client != b.client_id for _, client in games.waiting_public(9))


def test_the_requester_is_told_its_own_colour_again(new_player, games) -> None:
    from tasks import colors

    a, b = new_player(), new_player()
    from .flows import paired_public

    game_id = paired_public(a, b)
    colors.choose_color_pref.delay(a.client_id, "White", game_id, "pref-a")
    colors.choose_color_pref.delay(b.client_id, "Black", game_id, "pref-b")
    b.wait("YourColor")
    colors.choose_color_pref.delay(b.client_id, "Black", game_id, "pref-b")  # redelivered
    b.wait_for(lambda p: p["type"] == "YourColor" and len(b.events("YourColor")) == 2)
    assert {e["yourColor"] for e in b.events("YourColor")} == {"BLACK"}
