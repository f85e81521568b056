"""Live games: which games the lobby lists, and what it shows of each. Pure.

Public games in play are listed; a private game (with a friend, or against the AI) only when its
creator lists it (:func:`set_listed`). An entry is small and fixed in size: the list costs what it
shows, whatever a game's length (``app.store`` keeps each entry beside an index by last move).
"""

from __future__ import annotations

import time
from typing import Optional

from app import events
from app.events import Delivery, Json
from app.go import Color

from .decision import Decision, Rejected, changed
from .state import BOT, PUBLIC, GameState, Phase

LIVE_PHASES = (Phase.PLAYING, Phase.SCORING)


def is_listed(state: GameState) -> bool:
    """Whether ``state`` belongs in the live list now."""
    return state.phase in LIVE_PHASES and (state.visibility == PUBLIC or state.listed)


def entry(state: GameState, now: Optional[float] = None) -> Json:
    players = {c.value: ("bot" if state.seated(c) == BOT else "human") for c in Color}
    moved = state.moved_at or state.updated_at
    return events.live_entry(state.game_id, state.board_size, len(state.moves), state.phase.value, players,
                             state.bot_strength, state.clocks_json(time.time() if now is None else now),
                             moved, state.rules)


def set_listed(state: GameState, client_id: str, listed: bool, now: Optional[float] = None) -> Decision:
    """The creator of a private game lists it among the live games (or takes it off again)."""
    if client_id != state.creator:
        raise Rejected("not_the_creator", "only the game's creator may list it")
    if state.visibility == PUBLIC:
        raise Rejected("always_listed", "public games are always listed")
    if state.phase is Phase.OVER:
        raise Rejected("game_over")
    if state.listed == listed:
        return Decision(None, [Delivery(events.listing_changed(state.game_id, listed, state.version),
                                        clients=(client_id,))])
    new = changed(state, now)
    new.listed = listed
    return Decision(new, [Delivery(events.listing_changed(new.game_id, listed, new.version),
                                   clients=(client_id,))])
