"""Colour choice after GameReady."""

from __future__ import annotations

from typing import Optional

from app import game
from app.celery_app import celery

from .common import apply, game_of


@celery.task(name="bugout.colors.choose_color_pref")
def choose_color_pref(client_id: str, color_pref: str, game_id: Optional[str] = None,
                      req_id: Optional[str] = None) -> str:
    found = game_of(client_id, game_id)
    if found is None:
        return "no_game"
    pref = game.ColorPref(color_pref)
    return apply(found, client_id, lambda s: game.choose_color(s, client_id, pref), req_id=req_id)
