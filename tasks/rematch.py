"""Rematch: offer, accept (the new game is created, then the finished game points to it), decline."""

from __future__ import annotations

from typing import Optional

from app import game, social
from app.celery_app import celery
from app.config import BOT_QUEUE
from app.liveness import WorkerBeacons

from .common import after_save, apply, store, tell_error
from .lobby import quotas


@celery.task(name="bugout.rematch.offer")
def offer_rematch(client_id: str, game_id: str, req_id: Optional[str] = None, address: Optional[str] = None) -> str:
    """An offer that meets the opponent's own (or the AI, which always accepts) starts the rematch."""
    state = store().load(game_id)
    if state is not None and game.wants_acceptance(state, client_id):
        return _accept(client_id, game_id, req_id, address)
    return apply(game_id, client_id, lambda s: game.offer_rematch(s, client_id), req_id=req_id)


@celery.task(name="bugout.rematch.answer")
def answer_rematch(client_id: str, game_id: str, accept: bool, req_id: Optional[str] = None,
                   address: Optional[str] = None) -> str:
    if accept:
        return _accept(client_id, game_id, req_id, address)
    return apply(game_id, client_id, lambda s: game.decline_rematch(s, client_id), req_id=req_id)


def _accept(client_id: str, game_id: str, req_id: Optional[str], address: Optional[str]) -> str:
    """Create the rematch first (its id derives from the finished game's, so a redelivery finds
    it), then record it in the finished game, which tells both players: a player told of the
    rematch always finds it."""
    games = store()
    state = games.load(game_id)
    try:
        rematch = game.accept_rematch(state, client_id) if state is not None else None
    except game.Rejected:
        rematch = None  # judged again, and answered, by apply below
    if rematch is not None and games.load(rematch.new.game_id) is None:
        new = rematch.new
        if new.has_bot and not WorkerBeacons(games.redis, games.keys).alive(BOT_QUEUE):
            tell_error(client_id, "ai_unavailable", "the AI is not available on this server now")
            return "ai_unavailable"
        refusal = quotas().refuse_new_game(client_id, address, against_ai=new.has_bot)
        if refusal is not None:
            tell_error(client_id, refusal.code, refusal.message)
            return "refused"
        writes = [*(games.seat_client(p, new.game_id) for p in new.human_players()),
                  games.track_activity(new, new.updated_at), *social.live_writes(games, new, new.updated_at)]
        if games.create(new, writes=writes):
            quotas().count_new_game(new.game_id, client_id, address)
            after_save(new)  # the AI may have the first move
    return apply(game_id, client_id, lambda s: game.accept_rematch(s, client_id).old, req_id=req_id)
