"""Colour choice after GameReady."""

from __future__ import annotations

from typing import Optional

from app import game
from app.celery_app import celery

from .common import apply, store, tell_error


def game_of(client_id: str, game_id: Optional[str]) -> Optional[str]:
    """The game a command is about: given, or the client's current game."""
    found = game_id or store().current_game(client_id)
    if found is None:
        tell_error(client_id, "no_game", "you are not in a game")
    return found


@celery.task(name="bugout.colors.choose_color_pref")
def choose_color_pref(client_id: str, color_pref: str, game_id: Optional[str] = None,
                      req_id: Optional[str] = None) -> str:
    found = game_of(client_id, game_id)
    if found is None:
        return "no_game"
    pref = game.ColorPref(color_pref)
    return apply(found, client_id, lambda s: game.choose_color(s, client_id, pref), req_id=req_id)
