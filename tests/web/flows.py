"""Steps through the gateway that several tests share."""

from __future__ import annotations

from typing import Callable

from ..support.wsclient import WsClient


def public_game(a: WsClient, b: WsClient, board_size: int = 9) -> str:
    a.send({"type": "FindPublicGame", "boardSize": board_size})
    game_id = a.wait("WaitForOpponent")["gameId"]
    b.send({"type": "FindPublicGame", "boardSize": board_size})
    assert b.wait("GameReady")["gameId"] == game_id
    a.wait("GameReady", gameId=game_id)
    return game_id


def choose(black: WsClient, white: WsClient, game_id: str) -> None:
    black.send({"type": "ChooseColorPref", "colorPref": "Black"})
    white.send({"type": "ChooseColorPref", "colorPref": "White"})
    assert black.wait("YourColor", gameId=game_id)["yourColor"] == "BLACK"
    assert white.wait("YourColor", gameId=game_id)["yourColor"] == "WHITE"


def seated_game(connect: Callable[..., WsClient], board_size: int = 9) -> tuple[WsClient, WsClient, str]:
    black, white = connect(), connect()
    game_id = public_game(black, white, board_size)
    choose(black, white, game_id)
    return black, white, game_id
