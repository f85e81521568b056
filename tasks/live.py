"""A private game's creator lists it among the live games (the list itself: ``web.social``)."""

from __future__ import annotations

from typing import Optional

from app import game
from app.celery_app import celery

from .common import apply


@celery.task(name="bugout.live.set_listed")
def set_listed(client_id: str, game_id: str, listed: bool, req_id: Optional[str] = None) -> str:
    return apply(game_id, client_id, lambda s: game.set_listed(s, client_id, listed), req_id=req_id)
