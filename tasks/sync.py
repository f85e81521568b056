"""Sync, history, reconnect and watching: a client learns the authoritative game."""

from __future__ import annotations

from typing import Optional

from app import events, game
from app.celery_app import celery
from app.events import Delivery, Json
from app.go import Color

from .common import game_of, request_id, store, tell, tell_error
from .lobby import invitation_link
from .moves import make_move


def _game_for(client_id: str, game_id: str, req_id: Optional[str] = None) -> Optional[game.GameState]:
    """The stored game, or ``None`` after telling the client it does not exist (any more)."""
    state = store().load(game_id)
    if state is None:
        tell_error(client_id, "unknown_game", f"no game {game_id}", req_id)
    return state


@celery.task(name="bugout.sync.req_sync")
def req_sync(client_id: str, req_id: Optional[str], player_up: Optional[str] = None,
             turn: Optional[int] = None, last_move: Optional[Json] = None,
             game_id: Optional[str] = None) -> str:
    """Answer with the server's game; first play the client's own move if it never arrived."""
    found = game_of(client_id, game_id)
    if found is None:
        return "no_game"
    games = store()
    state = _game_for(client_id, found, req_id)
    if state is None:
        return "unknown_game"
    req_id = request_id(req_id)
    if last_move and last_move.get("player") and last_move.get("turn"):
        player = Color(last_move["player"])
        if game.lost_own_move(state, client_id, player, int(last_move["turn"])):
            # The move's own request id is unknown: the sync request id stands for it, so a
            # repeated sync cannot play it twice.
            make_move.run(found, client_id, f"sync:{req_id}", player.value, last_move.get("coord"))
            state = games.load(found) or state
    games.publish([game.sync_reply(state, req_id, client_id)])
    return "synced"


@celery.task(name="bugout.sync.provide_history")
def provide_history(client_id: str, game_id: str, req_id: Optional[str]) -> str:
    state = _game_for(client_id, game_id, req_id)
    if state is None:
        return "unknown_game"
    store().publish([game.history(state, req_id, client_id)])
    return "provided"


@celery.task(name="bugout.sync.reconnect")
def reconnect(client_id: str, game_id: str, req_id: Optional[str],
              since_version: Optional[int] = None) -> str:
    """Give a returning player (same client id, new connection) its seat and what it missed:
    the events after ``since_version`` when the kept history reaches back, else a snapshot."""
    games = store()
    state = _game_for(client_id, game_id, req_id)
    if state is None:
        return "unknown_game"
    if client_id not in state.players:
        tell_error(client_id, "not_a_player", "only the game's players can reconnect to it", req_id)
        return "not_a_player"
    board = state.board()
    games.redis.set(games.keys.client_game(client_id), game_id, ex=games.settings.game_ttl_s)
    replies = [Delivery(events.reconnected(game_id, req_id, board.to_move, state.version), clients=(client_id,))]
    missed = games.events_since(game_id, since_version, client_id) if since_version is not None else None
    if missed is not None:
        replies += [Delivery(event, clients=(client_id,)) for event in missed]
    else:
        replies.append(Delivery(game.snapshot(state, client_id, invitation_link(state)), clients=(client_id,)))
    games.publish(replies)
    return "reconnected"


@celery.task(name="bugout.sync.watch_game")
def watch_game(client_id: str, game_id: str) -> str:
    """A spectator's read-only snapshot: no seat, no client ids."""
    return _send_snapshot(client_id, game_id, as_player=False) or "watching"


@celery.task(name="bugout.sync.game_state")
def game_state(client_id: str, game_id: str) -> str:
    return _send_snapshot(client_id, game_id, as_player=True) or "sent"


def _send_snapshot(client_id: str, game_id: str, as_player: bool) -> Optional[str]:
    """The whole game, as its player (its colour, its invitation link) or as a spectator."""
    state = _game_for(client_id, game_id)
    if state is None:
        return "unknown_game"
    tell(client_id, game.snapshot(state, client_id, invitation_link(state)) if as_player else game.snapshot(state))
    return None
