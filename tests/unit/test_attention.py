"""When a game next needs beat's sweep (app/attention.py). Pure."""

from __future__ import annotations

from app import game
from app.attention import ai_move_overdue, deadlines_of, next_check
from app.choices import Strength
from app.config import Settings
from app.go import Color, Point

LIMITS = deadlines_of(Settings(visibility_timeout_s=30, housekeeping_every_s=10, game_ttl_s=86400))
T0 = 1_000_000.0


def ai_game(ai: Color) -> game.GameState:
    waiting = game.new_game("attention-game", "human", 9, now=T0)
    started = game.attach_bot(waiting, ai, Strength.ONE_STAR, now=T0).state
    assert started is not None
    return started


def test_a_game_waiting_for_the_ai_is_looked_at_once_per_wait() -> None:
    state = ai_game(Color.BLACK)  # the AI moves first
    assert LIMITS.engine_wait_s == 40
    assert next_check(state, T0, LIMITS) == T0 + 40
    assert not ai_move_overdue(state, T0 + 39, LIMITS)
    assert ai_move_overdue(state, T0 + 40, LIMITS)
    assert next_check(state, T0 + 45, LIMITS) == T0 + 80  # not at every sweep


def test_a_game_waiting_for_the_human_costs_the_sweep_nothing_until_it_expires() -> None:
    state = ai_game(Color.WHITE)  # the human moves first
    assert not ai_move_overdue(state, T0 + 1000, LIMITS)
    assert next_check(state, T0, LIMITS) == T0 + 86400
    moved = game.make_move(state, "human", None, Color.BLACK, Point(2, 2), now=T0 + 5).state
    assert moved is not None and next_check(moved, T0 + 5, LIMITS) == T0 + 45  # now the AI's turn
