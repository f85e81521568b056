"""Read views of a game: the whole state for one viewer, its moves, and the original's sync."""

from __future__ import annotations

import time
from typing import Optional

from app import events
from app.events import Delivery, Json, moves_json, points_json, score_json
from app.go import Color

from .scoring import count
from .state import BOT, PUBLIC, GameState, Phase


def snapshot(state: GameState, viewer: Optional[str] = None, link: Optional[str] = None,
             now: Optional[float] = None) -> Json:
    """The whole game as one ``GameState`` event; ``yourColor`` only for a seated viewer."""
    board = state.board()
    seat = state.seat_of(viewer) if viewer else None
    score = None
    if state.phase is Phase.SCORING:
        score = score_json(count(state, board))
    view: Json = {
        "type": "GameState",
        "gameId": state.game_id,
        "version": state.version,
        "phase": state.phase.value,
        "boardSize": state.board_size,
        "rules": state.rules,
        "komi": state.komi,
        "handicap": state.handicap,
        "handicapStones": points_json(board.handicap_stones),
        "visibility": state.visibility,
        "link": link if viewer == state.creator and state.phase is Phase.WAITING else None,
        "playerUp": board.to_move.value,
        "turn": state.turn,
        "moves": moves_json(board.moves),
        "stones": {c.value: points_json(board.board.stones(c)) for c in Color},
        "captures": {c.value: n for c, n in board.captures.items()},
        "players": {
            c.value: (None if state.seated(c) is None else ("bot" if state.seated(c) == BOT else "human"))
            for c in Color
        },
        "botStrength": state.bot_strength,
        "yourColor": seat.value if seat else None,
        "dead": events.pairs_json(state.dead),
        "accepted": list(state.accepted),
        "score": score,
        "undoRequestedBy": state.undo_requested_by,
        "claimableBy": state.claimable_by,
        "timeControl": state.time_control,
        "clocks": state.clocks_json(time.time() if now is None else now),
        "result": state.result,
        "endReason": state.end_reason,
    }
    # Extensions, where they mean something: a private game's listing, a finished game's rematch.
    if state.visibility != PUBLIC:
        view["listed"] = state.listed
    if state.phase is Phase.OVER:
        view["rematch"] = {"offeredBy": state.rematch_offered_by, "declinedBy": state.rematch_declined_by,
                           "newGameId": state.rematch_game}
    return view


def history(state: GameState, req_id: Optional[str], client_id: str) -> Delivery:
    board = state.board()
    return Delivery(events.history_provided(state.game_id, req_id, list(board.moves), state.version),
                    clients=(client_id,))


def sync_reply(state: GameState, req_id: Optional[str], client_id: str) -> Delivery:
    board = state.board()
    reply = events.sync_reply(state.game_id, req_id, list(board.moves), board.to_move, state.phase.value,
                              state.version)
    return Delivery(reply, clients=(client_id,))


def lost_own_move(state: GameState, client_id: str, player: Color, turn: int) -> bool:
    """Whether the client's last move (``player`` at ``turn``) is its own that never arrived.

    This is how the original recovered moves lost in flight: the client believes it played move
    ``n`` while the server's game has only ``n - 1`` moves and awaits exactly that player.
    """
    if state.phase is not Phase.PLAYING or state.seat_of(client_id) is not player:
        return False
    return turn == len(state.moves) + 1 and state.board().to_move is player
