"""After the game: either player offers a rematch, colours swapped; the other accepts or declines.

A rematch is a new game with the same settings (size, rules, komi, handicap, clock, visibility)
and the colours swapped, started at once. Against the AI the offer is accepted on the spot. It is
offered only to a player whose client speaks the ``rematch`` extension (or the AI): an original
client would never hear the offer. Events go to the players' own channels, never to spectators.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Optional

from app import events
from app.dialect import Extension
from app.events import Delivery
from app.go import Color

from .decision import Decision, Rejected, changed, seated_player, start_clock
from .state import BOT, GameState, Phase


@dataclass
class Rematch:
    """An accepted rematch: the finished game's change, and the new game to create first."""

    old: Decision
    new: GameState


def rematch_id(game_id: str) -> str:
    """The rematch's id derives from the finished game's: a redelivered acceptance finds it."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"bugout:rematch:{game_id}"))


def _check(state: GameState, client_id: str) -> Color:
    seat = seated_player(state, client_id)
    if state.phase is not Phase.OVER:
        raise Rejected("not_over", "a rematch is offered once the game is over")
    if state.black is None or state.white is None:
        raise Rejected("no_opponent", "this game never had two players")
    if state.rematch_game is not None:
        raise Rejected("rematch_started", "the rematch has started already")
    opponent = state.seated(seat.opponent)
    if opponent != BOT and opponent is not None and not state.speaks_extension(opponent, Extension.REMATCH):
        raise Rejected("rematch_unsupported", "your opponent's client cannot hear a rematch offer")
    return seat


def _to_players(state: GameState, payload: events.Json) -> Delivery:
    return Delivery(payload, clients=state.human_players())


def offer_rematch(state: GameState, client_id: str, now: Optional[float] = None) -> Decision:
    """``client_id`` offers a rematch. An offer already made by the opponent is accepted instead
    (use :func:`accept_rematch` then: :func:`wants_acceptance` says so)."""
    seat = _check(state, client_id)
    if state.rematch_offered_by == seat.value:
        raise Rejected("rematch_offered", "you offered a rematch already")
    if state.rematch_declined_by == seat.opponent.value:
        raise Rejected("rematch_declined", "your opponent declined a rematch")
    new = changed(state, now)
    new.rematch_offered_by = seat.value
    return Decision(new, [_to_players(new, events.rematch_offered(new.game_id, seat, new.version))])


def wants_acceptance(state: GameState, client_id: str) -> bool:
    """Whether ``client_id``'s offer meets one already made (or the AI, which always accepts)."""
    seat = state.seat_of(client_id)
    if seat is None or state.phase is not Phase.OVER or state.rematch_game is not None:
        return False
    return state.rematch_offered_by == seat.opponent.value or state.seated(seat.opponent) == BOT


def decline_rematch(state: GameState, client_id: str, now: Optional[float] = None) -> Decision:
    seat = _check(state, client_id)
    if state.rematch_offered_by != seat.opponent.value:
        raise Rejected("no_rematch_offer", "there is no rematch offer to answer")
    new = changed(state, now)
    new.rematch_offered_by = None
    new.rematch_declined_by = seat.value
    return Decision(new, [_to_players(new, events.rematch_declined(new.game_id, seat, new.version))])


def accept_rematch(state: GameState, client_id: str, now: Optional[float] = None) -> Rematch:
    """The opponent's offer is accepted (against the AI, one's own): the new game, seated with
    the colours swapped and its clock running, and the finished game pointing to it."""
    _check(state, client_id)
    if not wants_acceptance(state, client_id):
        raise Rejected("no_rematch_offer", "there is no rematch offer to answer")
    old = changed(state, now)
    new_id = rematch_id(state.game_id)
    old.rematch_game = new_id
    old.rematch_offered_by = None
    stamp = old.updated_at
    fresh = GameState(
        game_id=new_id, board_size=state.board_size, creator=state.creator, visibility=state.visibility,
        rules=state.rules, komi=state.komi, handicap=state.handicap, players=list(state.players),
        black=state.white, white=state.black, bot_strength=state.bot_strength, phase=Phase.PLAYING,
        version=1, time_control=dict(state.time_control), speaks=dict(state.speaks),
        public_url=state.public_url, listed=state.listed, created_at=stamp, updated_at=stamp, moved_at=stamp,
    )
    start_clock(fresh, stamp)
    told = [Delivery(events.rematch_started(old.game_id, new_id, color, old.version), clients=(player,))
            for color in Color for player in (fresh.seated(color),) if player not in (None, BOT)]
    return Rematch(Decision(old, told), fresh)
