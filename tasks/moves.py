"""Moves and the end of a game: play, pass, resign, quit, dead stones, agreement."""

from __future__ import annotations

import time
from typing import Optional

from app import game
from app.celery_app import celery
from app.events import Json
from app.go import Color, Point

from .common import apply, game_of, store


def _point(coord: Optional[Json]) -> Optional[Point]:
    return None if coord is None else Point(int(coord["x"]), int(coord["y"]))


@celery.task(name="bugout.moves.make_move")
def make_move(game_id: str, client_id: str, req_id: Optional[str], player: Optional[str],
              coord: Optional[Json], received_at: Optional[float] = None) -> str:
    """Judge one move exactly once per request id, whatever the redeliveries and resends.

    ``received_at`` is when the web process took the frame: the clock charges up to then.
    """
    claimed = Color(player) if player else None
    point = _point(coord)
    arrived = time.time() if received_at is None else received_at
    lag = store().settings.lag_allowance_s
    return apply(
        game_id,
        client_id,
        lambda s: game.make_move(s, client_id, req_id, claimed, point, arrived, lag),
        req_id=req_id,
    )


@celery.task(name="bugout.moves.resign")
def resign(client_id: str, game_id: Optional[str] = None, req_id: Optional[str] = None) -> str:
    found = game_of(client_id, game_id)
    return apply(found, client_id, lambda s: game.resign(s, client_id), req_id=req_id) if found else "no_game"


@celery.task(name="bugout.moves.quit_game")
def quit_game(client_id: str, game_id: Optional[str] = None, req_id: Optional[str] = None) -> str:
    found = game_of(client_id, game_id)
    return leave(client_id, found, req_id) if found else "no_game"


def leave(client_id: str, game_id: str, req_id: Optional[str] = None, silent: bool = False) -> str:
    """The player leaves ``game_id`` (cancelled while waiting, forfeited under way), and a
    public wait leaves the lobby with it."""
    games = store()
    return apply(
        game_id,
        client_id,
        lambda s: game.quit_game(s, client_id),
        req_id=req_id,
        silent=silent,
        writes=lambda s: [games.leave_lobby(s.board_size, s.game_id, s.creator)]
        if s.visibility == game.PUBLIC else [],
    )


@celery.task(name="bugout.moves.toggle_dead")
def toggle_dead(client_id: str, game_id: str, coord: Json, req_id: Optional[str] = None) -> str:
    point = _point(coord)
    assert point is not None
    return apply(game_id, client_id, lambda s: game.toggle_dead(s, client_id, point), req_id=req_id)


@celery.task(name="bugout.moves.accept_score")
def accept_score(client_id: str, game_id: str, req_id: Optional[str] = None, version: Optional[int] = None) -> str:
    """``version``: the count the player saw; a changed marking is not accepted for it."""
    return apply(game_id, client_id, lambda s: game.accept_score(s, client_id, version), req_id=req_id)


@celery.task(name="bugout.moves.claim_win")
def claim_win(client_id: str, game_id: Optional[str] = None, req_id: Optional[str] = None) -> str:
    found = game_of(client_id, game_id)
    return apply(found, client_id, lambda s: game.claim_win(s, client_id), req_id=req_id) if found else "no_game"
