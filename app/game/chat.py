"""Chat in a game: who may say what, on which channel, under which name. Pure.

Two channels. ``players``: the two players talk; spectators read along. ``spectators``:
spectators talk among themselves; the players do not see it while the game is on (no advice from
the gallery, no strangers heckling a player mid-game) and may read it once it is over. Lines are
plain text, at most :data:`MAX_CHARS` characters; a spectator is named by a pseudonym derived from
the game and its client id, which tells nobody the id. Lines are kept with the game (the last
:data:`KEPT` of them, ``app.store``) and written into its SGF as comments.
"""

from __future__ import annotations

import hashlib
import unicodedata
import uuid
from dataclasses import dataclass
from typing import Iterable, Optional

from app import events
from app.events import Json

from .decision import Rejected
from .state import GameState, Phase

MAX_CHARS = 300
KEPT = 200
PLAYERS = "players"
SPECTATORS = "spectators"


@dataclass(frozen=True)
class ChatLine:
    channel: str
    payload: Json
    """The line as kept and sent (``app.events.chat_line``)."""


def clean(text: str) -> str:
    """Plain text: control and format characters dropped (bidi overrides, zero-widths), runs of
    whitespace made one space, trimmed. Shown with ``textContent``, it can carry no markup."""
    kept = []
    for char in text:
        category = unicodedata.category(char)
        if char.isspace():
            kept.append(" ")
        elif category[0] != "C":  # Cc, Cf, Co, Cs, Cn
            kept.append(char)
    return " ".join("".join(kept).split())


def pseudonym(game_id: str, client_id: str) -> str:
    """``Spectator 3f2a``: the same for one client throughout one game, unlinkable elsewhere."""
    digest = hashlib.sha256(f"bugout:chat:{game_id}:{client_id}".encode()).hexdigest()
    return f"Spectator {digest[:4]}"


def say(state: GameState, client_id: str, text: str, now: float, line_id: Optional[str] = None) -> ChatLine:
    """The line ``client_id`` says in ``state``; raises :class:`Rejected` when it may not."""
    said = clean(text)
    if not said:
        raise Rejected("empty_chat", "say something")
    if len(said) > MAX_CHARS:
        raise Rejected("chat_too_long", f"chat lines are at most {MAX_CHARS} characters")
    if state.phase is Phase.WAITING:
        raise Rejected("not_started", "the game has not started")
    seat = state.seat_of(client_id)
    if seat is not None:
        channel, sender = PLAYERS, seat.value
    elif client_id in state.players:
        raise Rejected("not_started", "colours are not chosen yet")
    else:
        channel, sender = SPECTATORS, pseudonym(state.game_id, client_id)
    line = events.chat_line(line_id or str(uuid.uuid4()), channel, sender, said, len(state.moves), now)
    return ChatLine(channel, line)


def visible_to(state: GameState, client_id: str, lines: Iterable[Json]) -> list[Json]:
    """What ``client_id`` may read of the kept ``lines``: a player reads the spectators' channel
    only once the game is over."""
    if state.seat_of(client_id) is None or state.phase is Phase.OVER:
        return list(lines)
    return [line for line in lines if line.get("channel") == PLAYERS]


def sgf_comments(lines: Iterable[Json]) -> dict[int, str]:
    """The lines as SGF comments: each on the node after the move it followed (0: the root)."""
    comments: dict[int, list[str]] = {}
    for line in lines:
        where = "" if line.get("channel") == PLAYERS else " (spectators)"
        who = str(line.get("from"))
        who = who.capitalize() if who in ("BLACK", "WHITE") else who
        comments.setdefault(int(line.get("turn", 0)), []).append(f"{who}{where}: {line.get('text')}")
    return {turn: "\n".join(said) for turn, said in comments.items()}
