"""Whole games through the real gateway, a real worker and Redis, with a real websocket client."""

from __future__ import annotations

import urllib.request

from app import sgf

from .flows import choose, public_game, seated_game


def test_a_public_game_from_pairing_to_game_over(connect, web) -> None:
    black, white = connect(), connect()
    game_id = public_game(black, white)
    choose(black, white, game_id)
    # A corner capture.
    assert black.move(game_id, "BLACK", 1, 0)["type"] == "MoveMade"
    assert white.move(game_id, "WHITE", 0, 0)["type"] == "MoveMade"
    taken = black.move(game_id, "BLACK", 0, 1)
    assert taken["captured"] == [{"x": 0, "y": 0}]
    assert white.wait("MoveMade", replyTo=taken["replyTo"])["captured"] == [{"x": 0, "y": 0}]
    # A ko: White's stone in Black's mouth at (5, 1) is taken; White may not retake at once.
    for player, color, x, y in [(white, "WHITE", 6, 0), (black, "BLACK", 5, 0), (white, "WHITE", 7, 1),
                                (black, "BLACK", 4, 1), (white, "WHITE", 6, 2), (black, "BLACK", 5, 2),
                                (white, "WHITE", 5, 1)]:
        assert player.move(game_id, color, x, y)["type"] == "MoveMade", (color, x, y)
    ko_take = black.move(game_id, "BLACK", 6, 1)
    assert ko_take["captured"] == [{"x": 5, "y": 1}]
    rejected = white.move(game_id, "WHITE", 5, 1)
    assert (rejected["type"], rejected["reason"]) == ("MoveRejected", "ko")
    # Out of turn, and a suicide in the corner White closes.
    assert black.move(game_id, "BLACK", 8, 8)["reason"] == "not_your_turn"
    assert white.move(game_id, "WHITE", 0, 7)["type"] == "MoveMade"
    assert black.move(game_id, "BLACK", 3, 3)["type"] == "MoveMade"
    assert white.move(game_id, "WHITE", 1, 8)["type"] == "MoveMade"
    assert black.move(game_id, "BLACK", 0, 8)["reason"] == "suicide"
    assert black.move(game_id, "BLACK", 4, 4)["type"] == "MoveMade"
    # Two passes, scoring, agreement.
    mark = white.mark()
    assert white.move(game_id, "WHITE", None)["type"] == "MoveMade"
    assert black.move(game_id, "BLACK", None)["type"] == "MoveMade"
    scoring = white.wait("ScoringPhase", after=mark)
    assert scoring["gameId"] == game_id
    black.send({"type": "AcceptScore", "gameId": game_id})
    white.send({"type": "AcceptScore", "gameId": game_id})
    over = black.wait("GameOver")
    assert white.wait("GameOver")["result"] == over["result"]
    assert over["reason"] == "score" and over["result"][0] in "BW"
    # The record is downloadable.
    record = sgf.loads(urllib.request.urlopen(f"{web.base}/games/{game_id}.sgf").read())
    assert record.size == 9 and record.result == over["result"]
    assert len(record.moves) == len(record.replay().moves)


def test_a_private_game_through_its_link(connect) -> None:
    creator, friend, late = connect(), connect(), connect()
    creator.send({"type": "CreatePrivateGame", "boardSize": 13})
    waiting = creator.wait("WaitForOpponent")
    compact_id = waiting["link"].split("join=")[1]
    friend.send({"type": "JoinPrivateGame", "gameId": compact_id})
    ready = friend.wait("GameReady")
    assert ready["gameId"] == waiting["gameId"] and ready["boardSize"] == 13
    creator.wait("GameReady")
    late.send({"type": "JoinPrivateGame", "gameId": compact_id})
    assert late.wait("PrivateGameRejected")["gameId"] == compact_id
    choose(creator, friend, ready["gameId"])
    assert creator.move(ready["gameId"], "BLACK", 6, 6)["type"] == "MoveMade"


def test_a_third_client_cannot_move_in_their_game(connect) -> None:
    black, white, game_id = seated_game(connect)
    intruder = connect()
    for player in ("BLACK", "WHITE"):
        assert intruder.move(game_id, player, 4, 4)["reason"] == "not_a_player"
    assert black.move(game_id, "BLACK", 4, 4)["type"] == "MoveMade"
    # The intruder cannot take over a seat by reconnecting either.
    intruder.send({"type": "Reconnect", "gameId": game_id, "reqId": "steal"})
    assert intruder.wait("Error", replyTo="steal")["code"] == "not_a_player"
    assert intruder.move(game_id, "WHITE", 5, 5)["reason"] == "not_a_player"


def test_reconnect_after_closing_the_socket_mid_game(connect) -> None:
    black, white, game_id = seated_game(connect)
    black.move(game_id, "BLACK", 2, 2)
    seen = white.wait("MoveMade")["version"]
    white.close()  # the page reloads
    again = connect(client_id=white.client_id)
    again.send({"type": "Reconnect", "gameId": game_id, "reqId": "r1"})
    assert again.wait("Reconnected", replyTo="r1")["playerUp"] == "WHITE"
    snapshot = again.wait("GameState", gameId=game_id)
    assert snapshot["yourColor"] == "WHITE" and snapshot["version"] >= seen
    assert snapshot["stones"]["BLACK"] == [{"x": 2, "y": 2}]
    assert again.move(game_id, "WHITE", 6, 6)["type"] == "MoveMade"
    assert black.wait("MoveMade", player="WHITE")["coord"] == {"x": 6, "y": 6}


def test_reconnect_with_a_version_gets_only_the_missed_events(connect) -> None:
    black, white, game_id = seated_game(connect)
    version = black.move(game_id, "BLACK", 2, 2)["version"]
    white.close()
    again = connect(client_id=white.client_id)
    again.send({"type": "Reconnect", "gameId": game_id, "reqId": "r2", "sinceVersion": version - 1})
    again.wait("Reconnected", replyTo="r2")
    missed = again.wait("MoveMade")
    assert missed["version"] == version and missed["coord"] == {"x": 2, "y": 2}
    assert not again.of_type("GameState")


def test_spectators_watch_without_seeing_client_ids(connect) -> None:
    black, white, game_id = seated_game(connect)
    black.move(game_id, "BLACK", 4, 4)
    spectator = connect()
    spectator.send({"type": "WatchGame", "gameId": game_id})
    snapshot = spectator.wait("GameState")
    assert snapshot["yourColor"] is None
    white.move(game_id, "WHITE", 3, 3)
    live = spectator.wait("MoveMade", player="WHITE")
    assert spectator.move(game_id, "BLACK", 5, 5)["reason"] == "not_a_player"
    everything = "".join(spectator.raw)
    assert black.client_id not in everything and white.client_id not in everything
    assert live["coord"] == {"x": 3, "y": 3}


def test_client_ids_never_reach_the_other_player(connect) -> None:
    black, white, game_id = seated_game(connect)
    black.move(game_id, "BLACK", 4, 4)
    white.move(game_id, "WHITE", 3, 3)
    assert black.client_id not in "".join(white.raw)
    assert white.client_id not in "".join(black.raw)


def test_health(web) -> None:
    import json

    report = json.loads(urllib.request.urlopen(f"{web.base}/healthz").read())
    assert report["redis"] is True and report["workers"] >= 1 and report["status"] == "ok"
