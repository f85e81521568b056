"""Undo: at once against the AI; a request the opponent answers between humans."""

from __future__ import annotations

from typing import Optional

from app import game
from app.celery_app import celery

from .common import apply, game_of


@celery.task(name="bugout.undo.undo_move")
def undo_move(client_id: str, game_id: Optional[str] = None, req_id: Optional[str] = None) -> str:
    found = game_of(client_id, game_id)
    if found is None:
        return "no_game"
    return apply(found, client_id, lambda s: game.request_undo(s, client_id), req_id=req_id)


@celery.task(name="bugout.undo.answer_undo")
def answer_undo(client_id: str, accept: bool, game_id: Optional[str] = None, req_id: Optional[str] = None) -> str:
    found = game_of(client_id, game_id)
    if found is None:
        return "no_game"
    return apply(found, client_id, lambda s: game.answer_undo(s, client_id, accept), req_id=req_id)
