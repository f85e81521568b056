"""Two web processes on different ports serve the two players of one game: events cross over
through Redis, one subscriber per process."""

from __future__ import annotations

from ..support.wsclient import WsClient
from .flows import choose, public_game


def test_players_on_different_web_processes_play_one_game(web, second_web) -> None:
    a = WsClient(web.gateway)
    b = WsClient(second_web.gateway)
    try:
        a.identify()
        b.identify()
        game_id = public_game(a, b)
        choose(a, b, game_id)
        assert a.move(game_id, "BLACK", 2, 2)["type"] == "MoveMade"
        assert b.wait("MoveMade", player="BLACK")["coord"] == {"x": 2, "y": 2}
        assert b.move(game_id, "WHITE", 6, 6)["type"] == "MoveMade"
        assert a.wait("MoveMade", player="WHITE")["coord"] == {"x": 6, "y": 6}
        # A second connection of the same client, on the other process, sees the game too.
        a_elsewhere = WsClient(second_web.gateway, a.client_id)
        try:
            a_elsewhere.identify()
            a_elsewhere.send({"type": "Reconnect", "gameId": game_id, "reqId": "tab2"})
            a_elsewhere.wait("Reconnected", replyTo="tab2")
            assert a_elsewhere.move(game_id, "BLACK", 3, 3)["type"] == "MoveMade"
            assert a.wait("MoveMade", player="BLACK", turn=3)["coord"] == {"x": 3, "y": 3}
        finally:
            a_elsewhere.close()
    finally:
        a.close()
        b.close()
