"""Play: a move judged by the rules and charged to the clock, and a flag that falls."""

from __future__ import annotations

from typing import Optional

from app import clock as clocks
from app import events
from app.events import Delivery
from app.go import Color, IllegalMoveError, Move, Point
from app.go.life import suggest_dead

from .decision import Decision, Rejected, changed, finish
from .scoring import finish_by_count, scoring_event
from .state import GameState, Phase, encode_move


def make_move(
    state: GameState,
    client_id: str,
    req_id: Optional[str],
    claimed: Optional[Color],
    point: Optional[Point],
    now: Optional[float] = None,
    lag_allowance_s: float = 0.0,
) -> Decision:
    """Judge a move (``point`` ``None`` is a pass) by the seat of ``client_id``, arrived at ``now``.

    The ``claimed`` colour from the client is only checked, never trusted. With a clock, the
    mover is charged from the previous move to ``now``, less ``lag_allowance_s``; a move that
    arrives after its flag fell is refused and the game is lost on time.
    """
    seat = state.seat_of(client_id)
    claimed_name = claimed.value if claimed else None

    def reject(reason: str, message: str = "") -> Rejected:
        answer = events.move_rejected(state.game_id, req_id, claimed_name, point, reason, message)
        return Rejected(reason, message, answer=answer)

    if seat is None:
        reason = "not_a_player" if client_id not in state.players else "not_started"
        raise reject(reason, "you are not seated in this game")
    if claimed is not None and claimed is not seat:
        raise reject("not_a_player", f"you play {seat.value}, not {claimed.value}")
    if state.phase is Phase.OVER:
        raise reject("game_over", f"the game ended {state.result}")
    if state.phase not in (Phase.PLAYING, Phase.SCORING):
        raise reject("not_started", "colours are not chosen yet")
    board = state.board()
    resumed = state.phase is Phase.SCORING
    new = changed(state, now)
    arrived = new.updated_at
    new.moved_at = arrived
    clock = state.clock_state()
    deliveries: list[Delivery] = []
    if resumed:
        board.resume()
        new.phase = Phase.PLAYING
        new.dead, new.accepted = [], []
        if clock is not None:
            clock = clocks.resume(clock, arrived, to_move=seat.value)
            new.clock = clock.to_json()
        if board.to_move is not seat:
            # Resuming out of turn: the other side's turn is taken as a pass, as in the record.
            implied_pass = Move(board.to_move, None)
            board.play(implied_pass)
            new.moves.append(encode_move(implied_pass))
            implied = events.move_made(new.game_id, implied_pass, len(new.moves), seat, new.version,
                                       clocks=new.clocks_json(arrived))
            deliveries.append(Delivery(implied, game=new.game_id))
    # A move that arrives after its flag fell is late whatever it is, legal or not.
    if clock is not None:
        clock = clocks.charge(state.control(), clock, seat.value, arrived, lag_allowance_s)
        new.clock = clock.to_json()
        if clock.flagged:
            late = Delivery(events.move_rejected(state.game_id, req_id, claimed_name, point, "game_over",
                                                 f"{seat.value}'s time ran out before this move arrived"),
                            clients=(client_id,))
            lost = finish(new, f"{seat.opponent.letter}+T", "timeout")
            return Decision(lost.state, [late, *lost.deliveries])
    move = Move(seat, point)
    try:
        captured = board.play(move)
    except IllegalMoveError as illegal:
        raise reject(illegal.reason, str(illegal))
    new.moves.append(encode_move(move))
    new.undo_requested_by = None
    made = events.move_made(new.game_id, move, len(new.moves), board.to_move, new.version, captured,
                            new.clocks_json(arrived), reply_to=req_id)
    deliveries.append(Delivery(made, game=new.game_id))
    if board.passes_ended_play:
        new.phase = Phase.SCORING
        if clock is not None:
            new.clock = clocks.stop(clock).to_json()
        new.dead = sorted(tuple(p) for p in suggest_dead(board.board))  # type: ignore[misc]
        new.suggested_dead = list(new.dead)
        new.accepted = new.implied_acceptances(board.board)
        if len(new.accepted) == 2:
            # Nobody here takes part in the count (original clients, the AI): the server's
            # count is the result, so the game ends and its record gets one.
            over = finish_by_count(new, board)
            return Decision(over.state, [*deliveries, *over.deliveries])
        deliveries.append(scoring_event(new, board))
    return Decision(new, deliveries)


def time_out(state: GameState, now: float, lag_allowance_s: float = 0.0) -> Decision:
    """The running side's flag fell with no move: the game is lost on time."""
    clock = state.clock_state()
    if state.phase is not Phase.PLAYING or clock is None:
        raise Rejected("no_clock_running")
    fallen = clocks.flag_if_fallen(state.control(), clock, now, lag_allowance_s)
    if not fallen.flagged:
        raise Rejected("flag_not_fallen")
    new = changed(state, now)
    new.clock = fallen.to_json()
    loser = Color(fallen.flagged)
    return finish(new, f"{loser.opponent.letter}+T", "timeout")
