"""Steps through the gateway that several tests share (the steps themselves: support/seating.py)."""

from __future__ import annotations

from typing import Callable

from ..support import seating
from ..support.wsclient import WsClient


def public_game(a: WsClient, b: WsClient, board_size: int = 9) -> str:
    return seating.run(seating.pairing(a, b, board_size))


def choose(black: WsClient, white: WsClient, game_id: str) -> None:
    seating.run(seating.choosing(black, white, game_id, name_game=False))


def seated_game(connect: Callable[..., WsClient], board_size: int = 9) -> tuple[WsClient, WsClient, str]:
    black, white = connect(), connect()
    return black, white, seating.seat(black, white, board_size)
