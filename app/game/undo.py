"""Taking moves back: at once against the AI, by the opponent's consent between people."""

from __future__ import annotations

from typing import Optional

from app import clock as clocks
from app import events
from app.events import Delivery
from app.go import Color, Move

from .decision import Decision, Rejected, changed, seated_player
from .state import GameState, Phase, decode_move


def _moves_view(state: GameState) -> list[Move]:
    return [decode_move(m) for m in state.moves]


def _undone(new: GameState, count: int) -> Decision:
    del new.moves[len(new.moves) - count :]
    new.undo_requested_by = None
    board = new.board()
    clock = new.clock_state()
    if clock is not None and not clock.flagged:
        # The clock now runs for whoever is to move after the take-back.
        new.clock = clocks.resume(clocks.stop(clock), new.updated_at, to_move=board.to_move.value).to_json()
    payload = events.move_undone(new.game_id, list(board.moves), board.to_move, new.clocks_json(new.updated_at),
                                 new.version)
    return Decision(new, [Delivery(payload, game=new.game_id)])


def _refuse(state: GameState, player: Optional[Color], reason: str) -> Rejected:
    return Rejected(reason, answer=events.undo_rejected(state.game_id, player.value if player else None, reason))


def request_undo(state: GameState, client_id: str) -> Decision:
    """Against the AI: take back its reply and the player's move at once. Between humans: ask."""
    seat = state.seat_of(client_id)
    if seat is None:
        raise _refuse(state, None, "not_a_player")
    if state.phase is not Phase.PLAYING:
        raise _refuse(state, seat, "not_playing")
    moves = _moves_view(state)
    own = [i for i, m in enumerate(moves) if m.color is seat]
    if not own:
        raise _refuse(state, seat, "nothing_to_undo")
    if state.has_bot:
        if len(moves) >= 2 and moves[-1].color is not seat and moves[-2].color is seat:
            return _undone(changed(state), 2)
        raise _refuse(state, seat, "bot_to_move")
    if state.undo_requested_by is not None:
        raise _refuse(state, seat, "undo_pending")
    new = changed(state)
    new.undo_requested_by = seat.value
    payload = events.undo_requested(state.game_id, seat, new.version)
    return Decision(new, [Delivery(payload, game=state.game_id)])


def answer_undo(state: GameState, client_id: str, accept: bool) -> Decision:
    """The opponent of the requester accepts (moves are taken back to the requester's turn)
    or refuses (the requester gets UndoRejected)."""
    seat = seated_player(state, client_id)
    requester = state.undo_requested_by
    if requester is None or requester == seat.value:
        raise Rejected("no_undo_request")
    new = changed(state)
    requester_color = Color(requester)
    if not accept:
        new.undo_requested_by = None
        asker = state.seated(requester_color)
        refused = events.undo_rejected(state.game_id, requester, "refused")
        return Decision(new, [Delivery(refused, clients=(asker,))] if asker else [])
    moves = _moves_view(state)
    last_own = max(i for i, m in enumerate(moves) if m.color is requester_color)
    return _undone(new, len(moves) - last_own)

