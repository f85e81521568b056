"""Steps shared by the task tests: pair two players, seat them, play."""

from __future__ import annotations

import uuid
from typing import Any, Callable, Optional

from tasks import colors, lobby, moves

from .conftest import Player

Send = Callable[..., Any]
"""Sends a task by name with its arguments: by default to the session's worker; a test with a
stack of its own passes its own sender."""


def delay(task_name: str, *args: Any) -> None:
    lobby.find_public_game.app.tasks[task_name].delay(*args)


def paired_public(a: Player, b: Player, board_size: int = 9, b_speaks: Optional[list[str]] = None,
                  send: Send = delay) -> str:
    """``b_speaks``: the extensions ``b``'s client declares (``[]``: an original client)."""
    send(lobby.find_public_game.name, a.client_id, board_size)
    game_id = a.wait("WaitForOpponent")["gameId"]
    a.follow(game_id)
    b.follow(game_id)
    send(lobby.find_public_game.name, b.client_id, board_size, b_speaks)
    a.wait("GameReady", gameId=game_id)
    b.wait("GameReady", gameId=game_id)
    return game_id


def seated(black: Player, white: Player, board_size: int = 9, white_speaks: Optional[list[str]] = None,
           send: Send = delay) -> str:
    """A public game with ``black`` and ``white`` seated as named."""
    game_id = paired_public(black, white, board_size, white_speaks, send)
    send(colors.choose_color_pref.name, black.client_id, "Black")
    send(colors.choose_color_pref.name, white.client_id, "White")
    assert black.wait("YourColor", gameId=game_id)["yourColor"] == "BLACK"
    assert white.wait("YourColor", gameId=game_id)["yourColor"] == "WHITE"
    return game_id


def send_move(player: Player, game_id: str, color: Optional[str], x: Optional[int], y: Optional[int] = None,
              req_id: Optional[str] = None, send: Send = delay) -> str:
    req_id = req_id or str(uuid.uuid4())
    coord = None if x is None else {"x": x, "y": y}
    send(moves.make_move.name, game_id, player.client_id, req_id, color, coord)
    return req_id


def answer(player: Player, req_id: str) -> dict[str, Any]:
    return player.wait_for(lambda p: p.get("replyTo") == req_id and p["type"] in ("MoveMade", "MoveRejected"))


def play(player: Player, game_id: str, color: Optional[str], x: Optional[int], y: Optional[int] = None,
         send: Send = delay) -> dict[str, Any]:
    """Send a move and return the answer to it (MoveMade or MoveRejected)."""
    return answer(player, send_move(player, game_id, color, x, y, send=send))


def in_scoring(black: Player, white: Player) -> str:
    """A 9x9 game with ``black`` and ``white`` seated, one stone each (Black 2-2, White 6-6), then
    two passes: the scoring phase has begun."""
    game_id = seated(black, white, 9)
    play(black, game_id, "BLACK", 2, 2)
    play(white, game_id, "WHITE", 6, 6)
    play(black, game_id, "BLACK", None)
    play(white, game_id, "WHITE", None)
    black.wait("ScoringPhase")
    return game_id
