"""Sync, history, reconnect after a reload, and undo, through the real worker."""

from __future__ import annotations

import uuid

import pytest

from tasks import lobby, sync, undo

from .flows import play, seated

pytestmark = pytest.mark.usefixtures("worker")


def test_sync_plays_the_clients_own_lost_move(new_player, games) -> None:
    black, white = new_player(), new_player()
    game_id = seated(black, white, 9)
    play(black, game_id, "BLACK", 2, 2)
    # White's move at (6, 6) was lost in flight: its client believes it is move 2.
    req_id = str(uuid.uuid4())
    sync.req_sync.delay(white.client_id, req_id, "BLACK", 3,
                        {"player": "WHITE", "coord": {"x": 6, "y": 6}, "turn": 2})
    reply = white.wait("SyncReply", replyTo=req_id)
    assert reply["turn"] == 3 and reply["playerUp"] == "BLACK"
    assert reply["moves"] == [
        {"player": "BLACK", "coord": {"x": 2, "y": 2}, "turn": 1},
        {"player": "WHITE", "coord": {"x": 6, "y": 6}, "turn": 2},
    ]
    black.wait_for(lambda p: p["type"] == "MoveMade" and p["player"] == "WHITE")
    # The same sync again plays nothing twice.
    sync.req_sync.delay(white.client_id, req_id, "BLACK", 3,
                        {"player": "WHITE", "coord": {"x": 6, "y": 6}, "turn": 2})
    white.wait_for(lambda p: p["type"] == "SyncReply" and p["replyTo"] == req_id and p is not reply)
    assert len(games.load(game_id).moves) == 2


def test_sync_does_not_play_a_move_for_the_wrong_side(new_player, games) -> None:
    black, white = new_player(), new_player()
    game_id = seated(black, white, 9)
    req_id = str(uuid.uuid4())
    # White claims a lost move while it is Black's turn: nothing is played.
    sync.req_sync.delay(white.client_id, req_id, "WHITE", 2,
                        {"player": "WHITE", "coord": {"x": 6, "y": 6}, "turn": 1})
    reply = white.wait("SyncReply", replyTo=req_id)
    assert reply["moves"] == [] and reply["playerUp"] == "BLACK"
    assert games.load(game_id).moves == []


def test_history(new_player) -> None:
    black, white = new_player(), new_player()
    game_id = seated(black, white, 9)
    play(black, game_id, "BLACK", 2, 2)
    play(white, game_id, "WHITE", None)
    sync.provide_history.delay(black.client_id, game_id, "h1")
    provided = black.wait("HistoryProvided", replyTo="h1")
    assert provided["moves"] == [
        {"player": "BLACK", "coord": {"x": 2, "y": 2}, "turn": 1},
        {"player": "WHITE", "coord": None, "turn": 2},
    ]


def test_reconnect_after_a_reload_gets_the_seat_and_what_was_missed(new_player, games, listener) -> None:
    black, white = new_player(), new_player()
    game_id = seated(black, white, 9)
    play(black, game_id, "BLACK", 2, 2)
    seen_version = games.load(game_id).version
    play(white, game_id, "WHITE", 6, 6)
    play(black, game_id, "BLACK", 3, 3)
    # White reloads: same client id, and asks for what came after the version it had.
    sync.reconnect.delay(white.client_id, game_id, "r1", seen_version)
    reconnected = white.wait("Reconnected", replyTo="r1")
    assert reconnected["playerUp"] == "WHITE" and reconnected["gameId"] == game_id
    missed = [p for p in white.events() if p.get("type") == "MoveMade"]
    assert [m["coord"] for m in missed][-2:] == [{"x": 6, "y": 6}, {"x": 3, "y": 3}]
    # With no version (the page lost everything) a full snapshot comes instead.
    sync.reconnect.delay(white.client_id, game_id, "r2", None)
    white.wait("Reconnected", replyTo="r2")
    snapshot = white.wait("GameState", gameId=game_id)
    assert snapshot["yourColor"] == "WHITE" and snapshot["turn"] == 4
    assert {"x": 3, "y": 3} in snapshot["stones"]["BLACK"]
    # It can play on.
    assert play(white, game_id, "WHITE", 7, 7)["type"] == "MoveMade"


def test_only_a_player_can_reconnect(new_player) -> None:
    black, white, intruder = new_player(), new_player(), new_player()
    game_id = seated(black, white, 9)
    sync.reconnect.delay(intruder.client_id, game_id, "x", None)
    assert intruder.wait("Error", replyTo="x")["code"] == "not_a_player"
    assert not intruder.events("GameState")


def test_spectators_see_no_client_ids(new_player) -> None:
    black, white, spectator = new_player(), new_player(), new_player()
    game_id = seated(black, white, 9)
    play(black, game_id, "BLACK", 4, 4)
    sync.watch_game.delay(spectator.client_id, game_id)
    snapshot = spectator.wait("GameState", gameId=game_id)
    text = str(snapshot)
    assert black.client_id not in text and white.client_id not in text
    assert snapshot["yourColor"] is None and snapshot["players"] == {"BLACK": "human", "WHITE": "human"}


def test_undo_against_the_bot_takes_back_its_reply_and_the_players_move(new_player, games) -> None:
    player = new_player()
    lobby.attach_bot.delay(player.client_id, "WHITE", "KataGoOneStar", {"boardSize": 9})
    attached = player.wait("BotAttached")
    game_id = attached["gameId"]
    player.follow(game_id)
    assert player.wait("YourColor", gameId=game_id)["yourColor"] == "BLACK"
    play(player, game_id, "BLACK", 4, 4)
    reply = player.wait("MoveMade", player="WHITE", timeout=30)  # GNU Go answers
    assert reply["replyTo"].startswith("bot:") and reply["coord"] is not None
    undo.undo_move.delay(player.client_id, game_id)
    undone = player.wait("MoveUndone")
    assert undone["moves"] == [] and undone["playerUp"] == "BLACK" and undone["turn"] == 1
    assert games.load(game_id).moves == []
    # The position is the human's to play again: the bot does not move on its own.
    play(player, game_id, "BLACK", 2, 2)
    assert player.wait_for(lambda p: p["type"] == "MoveMade" and p["player"] == "WHITE" and p is not reply,
                           timeout=30)["turn"] == 2


def test_undo_between_humans_is_a_request_the_opponent_answers(new_player, games) -> None:
    black, white = new_player(), new_player()
    game_id = seated(black, white, 9)
    play(black, game_id, "BLACK", 4, 4)
    play(white, game_id, "WHITE", 2, 2)
    undo.undo_move.delay(black.client_id, game_id)
    assert white.wait("UndoRequested")["player"] == "BLACK"
    undo.answer_undo.delay(white.client_id, False, game_id)
    assert black.wait("UndoRejected")["reason"] == "refused"
    assert len(games.load(game_id).moves) == 2
    undo.undo_move.delay(black.client_id, game_id)
    white.wait_for(lambda p: p["type"] == "UndoRequested" and p["version"] > 0 and len(white.events("UndoRequested")) == 2)
    undo.answer_undo.delay(white.client_id, True, game_id)
    undone = black.wait("MoveUndone")
    # Back to Black's turn: its move and White's reply are taken back.
    assert undone["moves"] == [] and undone["playerUp"] == "BLACK"
    assert games.load(game_id).moves == []
