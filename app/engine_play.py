"""What the engine keeper says to an engine for one request: the game, then the question.

Every request re-syncs the whole game into the engine (``boardsize``, ``clear_board``, ``komi``,
handicap stones, every move), then sends the strength's own commands (GNU Go: ``level N``) and,
to engines that know them, ``time_settings``/``time_left`` (``app.engine_time``): the engine
holds no state between requests, so any number of games share the process. Replaying 150-300
moves costs ~10-15 ms.

Time: ``genmove`` may take what ``app.engine_time.move_budget`` allows (the engine's time per
move, less if the AI's clock has less). An engine that overruns it is killed and
:class:`EngineOverran` says what to play instead (the engine's ``on_overrun``: pass by default),
so the AI never loses on time without a word.

Functions of a running :class:`~app.gtp.GtpEngine`; starting, restarting and retrying it is
``app.engine``'s work.
"""

from __future__ import annotations

import time
from typing import Literal, Optional, Union

from app import go
from app.engine_time import move_budget, time_commands
from app.engines import EngineSpec
from app.game import GameState
from app.go import Color, KoRule, Point
from app.gtp import EngineTimeout, GtpEngine, GtpError, from_vertex, to_vertex

__all__ = ["RESIGN", "TIME_COMMANDS", "EngineFailure", "EngineOverran", "GenmoveResult", "ask_move", "gtp_color",
           "sync_game"]

RESIGN: Literal["resign"] = "resign"
TIME_COMMANDS = frozenset({"time_settings", "time_left"})
GenmoveResult = Union[Optional[Point], Literal["resign"]]


class EngineFailure(RuntimeError):
    """The engine could not answer: it failed twice, is not installed, or refused the game."""


class EngineOverran(EngineFailure):
    """The engine overran its time for the move and was stopped; the AI plays ``fallback``."""

    def __init__(self, message: str, fallback: Optional[Literal["resign"]], budget_s: float) -> None:
        super().__init__(message)
        self.fallback = fallback
        """``None`` (pass) or :data:`RESIGN`, as the engine's ``on_overrun`` says."""
        self.budget_s = budget_s


def gtp_color(color: Color) -> str:
    return "black" if color is Color.BLACK else "white"


def sync_game(engine: GtpEngine, state: GameState, game: go.Game, commands: tuple[str, ...]) -> None:
    """Load the game into the engine: size, komi, handicap stones, every move, then the
    strength's own commands."""
    size = state.board_size
    engine.boardsize(size)
    engine.clear_board()
    engine.komi(state.komi)
    # Handicap stones as plain black plays: GTP ``play`` does not enforce alternation and
    # ``genmove`` names its colour, so the engine's notion of turn never matters, the stones
    # sit exactly where our rules put them, and its handicap count stays 0 (our area scoring
    # gives White no handicap compensation either).
    for point in game.handicap_stones:
        engine.play("black", to_vertex(point.x, point.y, size))
    no_ko = game.rules.ko is KoRule.NONE
    for number, move in enumerate(game.moves, 1):
        vertex = "pass" if move.point is None else to_vertex(move.point.x, move.point.y, size)
        try:
            engine.play(gtp_color(move.color), vertex)
        except GtpError as exc:
            if not (no_ko and move.point is not None):
                raise GtpError(exc.command, f"move {number} refused: {exc.message}") from exc
            # Engines forbid the immediate ko retake, which the original's rules allow. A
            # pass by the other side in between lifts that ban (GTP ``play`` does not care
            # about alternation) and leaves the position exactly as our rules have it.
            engine.play(gtp_color(move.color.opponent), "pass")
            engine.play(gtp_color(move.color), vertex)
    for command in commands:
        engine.command(command)


def ask_move(engine: GtpEngine, game: go.Game, spec: EngineSpec, state: GameState,
             known: frozenset[str]) -> GenmoveResult:
    """The engine's move for the player to move in ``game`` (``state`` loaded into it), within
    its time: a :class:`Point`, ``None`` for a pass, or :data:`RESIGN`.

    ``known`` is the commands the engine listed; raises :class:`EngineOverran` when it overran.
    """
    color = game.to_move
    now = time.time()
    budget = move_budget(spec, state, color, now)
    if spec.time_controls and TIME_COMMANDS <= known:
        for command in time_commands(spec, state, color, now):
            engine.command(command)
    try:
        reply = engine.genmove(gtp_color(color), timeout=budget)
    except EngineTimeout as late:
        fallback = RESIGN if spec.on_overrun == "resign" else None
        raise EngineOverran(
            f"{spec.name} took more than its {budget:.1f} s for a move (game {state.game_id}) "
            f"and was stopped; the AI {'resigns' if fallback else 'passes'}", fallback, budget) from late
    if reply == RESIGN:
        return RESIGN
    xy = from_vertex(reply, state.board_size)
    return None if xy is None else Point(*xy)
