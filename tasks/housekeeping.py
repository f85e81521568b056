"""Beat's housekeeping: stale public waits, abandoned games, and the index of games in play.

A run on an idle system reads two empty keys and does nothing else. Game data itself expires by
its TTL (docs/data-model.md); only the index entries of expired games are removed here.
"""

from __future__ import annotations

import functools
import time
from typing import Callable, Optional

from app import game
from app.attention import ai_move_overdue, deadlines_of, next_check
from app.celery_app import celery
from app.choices import BOARD_SIZES
from app.config import BOT_QUEUE
from app.events import ONLINE
from app.go import Color
from app.liveness import WorkerBeacons, engine_status
from app.presence import Presence

from . import clock
from .common import apply, dispatch, store, tell_error

SWEEP_BATCH = 500
"""Games looked at per sweep at most: a backlog is worked off over the next sweeps."""


@functools.cache
def presence() -> Presence:
    games = store()
    return Presence(games.redis, games.keys, games.settings.presence_stale_s)


@celery.task(name="bugout.housekeeping.sweep")
def sweep(now: Optional[float] = None) -> dict[str, int]:
    now = time.time() if now is None else now
    games = store()
    settings = games.settings
    seen = presence().last_seen()
    done = {"stale_waits": 0, "checked": 0, "annulled_or_claimable": 0, "returned": 0, "forgotten": 0,
            "timed_out": 0, "colours_by_coin": 0, "ai_overdue": 0}

    def gone_since(client_id: str, fallback: float) -> float:
        return max(seen.get(client_id, 0.0), fallback)

    for size in BOARD_SIZES:
        for game_id, client_id in games.waiting_public(size):
            state = games.load(game_id)
            if state is None or gone_since(client_id, state.updated_at) < now - settings.wait_grace_s:
                if state is not None:
                    apply(game_id, client_id, game.cancel_wait, silent=True,
                          writes=lambda s: [games.leave_lobby(size, s.game_id, client_id)])
                else:
                    games.redis.lrem(games.keys.lobby(size), 0, f"{game_id}|{client_id}")
                done["stale_waits"] += 1

    limits = deadlines_of(settings)
    for game_id in games.due_games(now, SWEEP_BATCH):
        done["checked"] += 1
        state = games.load(game_id)
        if state is None or state.phase not in (game.Phase.COLORS, game.Phase.PLAYING, game.Phase.SCORING):
            games.forget_active(game_id)
            done["forgotten"] += 1
            continue
        if state.phase is game.Phase.COLORS:
            if now >= state.updated_at + limits.colour_choice_s and apply(
                    game_id, state.creator, game.colours_by_coin, silent=True) == "saved":
                done["colours_by_coin"] += 1
                continue
        elif clock.time_out_if_fallen(state, now) == "saved":
            done["timed_out"] += 1
            continue
        else:
            due_now = game.what_follows(state, settings.lag_allowance_s)
            dispatch([f for f in due_now if isinstance(f, game.FlagWatch)], now)
            if ai_move_overdue(state, now, limits):
                _engine_overdue(state, [f for f in due_now if isinstance(f, game.EngineMove)])
                done["ai_overdue"] += 1
            if _absence(state, game_id, seen, now, gone_since, done):
                continue
        due = next_check(state, now, limits, seen)
        if due is not None:
            games.recheck_at(game_id, due)
    return done


def _engine_overdue(state: game.GameState, engine_moves: list[game.EngineMove]) -> None:
    """The AI's move is overdue: its bot worker died (its task waits in the unacknowledged set
    for a worker to take it again) or the task was lost. Asked again (a bot move is played once
    per version however often it is asked); with no bot worker alive, the player is told."""
    dispatch(engine_moves)
    games = store()
    if not WorkerBeacons(games.redis, games.keys).alive(BOT_QUEUE):
        tell_error(state.creator, "ai_unavailable",
                   "the AI's worker stopped and no other answers; your game waits for one to come back")


def _absence(state: game.GameState, game_id: str, seen: dict[str, float], now: float,
             gone_since: Callable[[str, float], float], done: dict[str, int]) -> bool:
    """Absent players and returning ones; ``True`` when the game changed (and was re-indexed)."""
    settings = store().settings
    if state.has_bot:
        return False  # nobody to claim against; the game simply expires
    for color in Color:
        player = state.seated(color)
        if player is None or player == game.BOT:
            continue
        if state.claimable_by == color.opponent.value:
            # Declared absent: back only when its own heartbeat says so (the declaration
            # itself touched the game, so the game's time says nothing of the player).
            if seen.get(player, 0.0) >= now - settings.presence_stale_s:
                if apply(game_id, player, game.player_returned, silent=True) == "saved":
                    done["returned"] += 1
                    return True
            continue
        if gone_since(player, state.updated_at) < now - settings.abandon_after_s:
            if apply(game_id, player, functools.partial(game.player_absent, absent=color), silent=True) == "saved":
                done["annulled_or_claimable"] += 1
                return True
            return False
    return False


@celery.task(name="bugout.housekeeping.idle_check")
def idle_check() -> dict[str, object]:
    """Who is connected, and the AI engine put to sleep at once when nobody is.

    (With people connected the engine sleeps by itself after BOT_IDLE_S without a bot move.)
    """
    games = store()
    connected = presence().connected_clients()
    engine = engine_status(games.redis, games.keys)["status"]
    if not connected and engine == ONLINE:
        celery.send_task("bugout.bot.sleep", queue=BOT_QUEUE)
        engine = "Sleeping"
    return {"connected": len(connected), "engine": engine}
