"""When a game next needs beat's sweep. Pure.

The sweep reads only the games that are due (a sorted set scored by this time), so its cost
follows what needs doing, not how many games exist: ten thousand idle games against the AI cost
it nothing until they expire.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Optional

from app.config import Settings
from app.game import EngineMove, GameState, Phase, flag_deadline, what_follows


@dataclass(frozen=True)
class Deadlines:
    abandon_after_s: float
    """A player gone this long lets the opponent claim (or win: original clients)."""
    colour_choice_s: float
    """Players who have not chosen a colour this long after the game was ready get the coin."""
    ttl_s: float
    """The game expires this long after its last change; the index forgets it then."""
    lag_allowance_s: float
    flag_horizon_s: float
    """A flag this near gets a countdown task; further ones wait for the sweep."""
    every_s: float
    """The sweep's own period: nothing is checked more often."""
    engine_wait_s: float
    """The AI's move is overdue this long after the game last changed: its task should have been
    given to another bot worker by then (the visibility timeout), so the sweep sends it again and,
    with no bot worker alive, tells the player."""


def deadlines_of(settings: Settings) -> Deadlines:
    # Far flags are left to the sweep: on Redis a delayed message held longer than the
    # visibility timeout is delivered again, so only near ones get a countdown task.
    horizon = max(1.0, min(settings.visibility_timeout_s * 0.5, 2 * settings.housekeeping_every_s + 5))
    return Deadlines(abandon_after_s=settings.abandon_after_s, colour_choice_s=settings.colour_choice_s,
                     ttl_s=settings.game_ttl_s, lag_allowance_s=settings.lag_allowance_s,
                     flag_horizon_s=horizon, every_s=settings.housekeeping_every_s,
                     engine_wait_s=settings.visibility_timeout_s + settings.housekeeping_every_s)


def ai_move_overdue(state: GameState, now: float, limits: Deadlines) -> bool:
    """Whether the AI is to move and has not for ``engine_wait_s``."""
    return now >= state.updated_at + limits.engine_wait_s and _ai_to_move(state)


def _ai_to_move(state: GameState) -> bool:
    return state.has_bot and any(isinstance(f, EngineMove) for f in what_follows(state))


def next_check(state: GameState, now: float, limits: Deadlines,
               last_seen: Optional[Mapping[str, float]] = None) -> Optional[float]:
    """When the sweep should look at ``state`` again; ``None``: never (not in play).

    ``last_seen``: each player's latest heartbeat, when the caller knows it (the sweep does);
    a save does not, and the players were there a moment ago, so ``now`` stands for it.
    """
    if state.phase is Phase.COLORS:
        return max(now + limits.every_s, state.updated_at + limits.colour_choice_s)
    if state.phase not in (Phase.PLAYING, Phase.SCORING):
        return None
    due = [state.updated_at + limits.ttl_s]
    deadline = flag_deadline(state, limits.lag_allowance_s)
    if deadline is not None:
        due.append(deadline - limits.flag_horizon_s)
    if _ai_to_move(state):
        # Looked at once per wait, not at every sweep: one reminder per wait at most.
        waits = int(max(0.0, now - state.updated_at) // limits.engine_wait_s) + 1
        due.append(state.updated_at + waits * limits.engine_wait_s)
    if not state.has_bot:
        if state.claimable_by is not None:
            due.append(now)  # someone is gone: watch for its return at every sweep
        else:
            seen = last_seen or {}
            for player in state.human_players():
                due.append(max(seen.get(player, now), state.updated_at) + limits.abandon_after_s)
    return max(now + limits.every_s, min(due))
