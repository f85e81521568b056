"""The count: dead stones marked and agreed, and a game ended by it."""

from __future__ import annotations

from typing import Optional

from app import events, go
from app.events import Delivery
from app.go import Point

from .decision import Decision, Rejected, changed, finish, seated_player
from .state import GameState, Phase


def count(state: GameState, board: go.Game) -> go.Score:
    """The count with the stones marked dead now."""
    return board.score(Point(*p) for p in state.dead)


def scoring_event(state: GameState, board: go.Game) -> Delivery:
    phase = events.scoring_phase(state.game_id, state.dead, state.accepted, count(state, board), state.version)
    return Delivery(phase, game=state.game_id)



def toggle_dead(state: GameState, client_id: str, point: Point) -> Decision:
    """Mark or unmark the whole group at ``point`` as dead; any acceptance is withdrawn."""
    seated_player(state, client_id)
    if state.phase is not Phase.SCORING:
        raise Rejected("not_scoring")
    board = state.board()
    if not point.on_board(state.board_size) or board.board[point] is None:
        raise Rejected("not_a_stone")
    group = {(p.x, p.y) for p in map(board.board.point, board.board.group(board.board.index(point)))}
    new = changed(state)
    dead = set(new.dead)
    dead = dead - group if group <= dead else dead | group
    new.dead = sorted(dead)
    new.accepted = new.implied_acceptances(board.board)
    return Decision(new, [scoring_event(new, board)])


def accept_score(state: GameState, client_id: str, seen_version: Optional[int] = None) -> Decision:
    """Agree to the count the player saw (``seen_version``, when its client says: a marking
    changed since is not what it agreed to); when both players have, the game is over."""
    seat = seated_player(state, client_id)
    if state.phase is not Phase.SCORING:
        raise Rejected("not_scoring")
    if seen_version is not None and seen_version != state.version:
        current = scoring_event(state, state.board())
        raise Rejected("stale_count", "the count changed since you saw it",
                       then=[Delivery(current.payload, clients=(client_id,))])
    new = changed(state)
    board = state.board()
    for color in (seat.value, *new.implied_acceptances(board.board)):
        if color not in new.accepted:
            new.accepted.append(color)
    if len(new.accepted) < 2:
        return Decision(new, [scoring_event(new, board)])
    return finish_by_count(new, board)


def finish_by_count(new: GameState, board: go.Game) -> Decision:
    score = count(new, board)
    return finish(new, score.result, "score", score)

