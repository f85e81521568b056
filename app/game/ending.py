"""How a game ends other than by the count: resignation, leaving, and a player gone too long."""

from __future__ import annotations

from app import events
from app.dialect import Extension
from app.events import Delivery
from app.go import Color

from .decision import Decision, Rejected, changed, finish, seated_player
from .state import BOT, GameState, Phase


def resign(state: GameState, client_id: str) -> Decision:
    seat = seated_player(state, client_id)
    if state.phase not in (Phase.PLAYING, Phase.SCORING):
        raise Rejected("game_over" if state.phase is Phase.OVER else "not_started")
    new = changed(state)
    return finish(new, f"{seat.opponent.letter}+R", "resignation")


def quit_game(state: GameState, client_id: str) -> Decision:
    """The player leaves. A waiting game is cancelled; a game under way is forfeited."""
    if client_id not in state.players:
        raise Rejected("not_a_player")
    if state.phase is Phase.OVER:
        raise Rejected("game_over")
    new = changed(state)
    opponent = state.opponent_of(client_id)
    deliveries = []
    if opponent is not None and opponent != BOT:
        deliveries.append(Delivery(events.opponent_quit(state.game_id, new.version), clients=(opponent,)))
    if state.phase is Phase.WAITING or (state.phase is Phase.COLORS):
        decision = finish(new, "Void", "cancelled")
    else:
        seat = state.seat_of(client_id)
        winner = seat.opponent if seat else Color.BLACK
        decision = finish(new, f"{winner.letter}+F", "quit")
    decision.deliveries[:0] = deliveries
    return decision



def moves_by(state: GameState, color: Color) -> int:
    return sum(1 for m in state.moves if m[0] == color.letter)


def cancel_wait(state: GameState) -> Decision:
    """A waiting game whose creator went away."""
    if state.phase is not Phase.WAITING:
        raise Rejected("game_started")
    return finish(changed(state), "Void", "abandoned")


def player_absent(state: GameState, absent: Color) -> Decision:
    """``absent`` has been gone too long: a game barely begun is annulled; otherwise the
    opponent is told and may claim the win (a player who comes back first just continues)."""
    if state.phase not in (Phase.PLAYING, Phase.SCORING):
        raise Rejected("not_playing")
    present = state.seated(absent.opponent)
    # A present player who cannot hear OpponentAbsent (an original client) is told the only way
    # it understands that its game is over: OpponentQuit.
    tell_quit = (present is not None and present != BOT
                 and not state.speaks_extension(present, Extension.ABSENCE))
    told = [Delivery(events.opponent_quit(state.game_id, state.version + 1), clients=(present,))
            ] if tell_quit and present is not None else []
    if moves_by(state, Color.BLACK) < 2 or moves_by(state, Color.WHITE) < 2:
        annulled = finish(changed(state), "Void", "abandoned")
        return Decision(annulled.state, [*told, *annulled.deliveries])
    claimant = absent.opponent.value
    if tell_quit:
        won = finish(changed(state), f"{absent.opponent.letter}+F", "abandoned")
        return Decision(won.state, [*told, *won.deliveries])
    if state.claimable_by == claimant:
        raise Rejected("already_claimable")
    new = changed(state)
    new.claimable_by = claimant
    payload = events.opponent_absent(new.game_id, absent, absent.opponent, new.version)
    return Decision(new, [Delivery(payload, game=new.game_id)])


def player_returned(state: GameState) -> Decision:
    if state.claimable_by is None:
        raise Rejected("nobody_absent")
    new = changed(state)
    returned = Color(state.claimable_by).opponent
    new.claimable_by = None
    payload = events.opponent_returned(new.game_id, returned, new.version)
    return Decision(new, [Delivery(payload, game=new.game_id)])


def claim_win(state: GameState, client_id: str) -> Decision:
    seat = seated_player(state, client_id)
    if state.phase not in (Phase.PLAYING, Phase.SCORING) or state.claimable_by != seat.value:
        raise Rejected("nothing_to_claim")
    return finish(changed(state), f"{seat.letter}+F", "abandoned")

