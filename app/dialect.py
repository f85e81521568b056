"""What a client speaks: the original BUGOUT protocol, plus the extensions it declares.

A client declares the extensions it understands in ``Identify`` (``"extensions": [...]``); one
that declares none is an original BUGOUT client and gets the original behaviour, so the
original browser works unchanged. Each extension switches on exactly one behaviour, listed by
kind of client in ``docs/protocol.md`` ("What a client speaks"). Unknown names are ignored, so
a newer client can talk to an older server.
"""

from __future__ import annotations

import enum
from typing import Iterable


class Extension(str, enum.Enum):
    REJECTIONS = "rejections"
    """Reads ``MoveRejected`` and ``Error``. Its games keep the rules chosen for them; a game
    with a seated client that cannot hear a refusal is played under the ``original`` rules,
    where every move on an empty point stands (the original client lets its player insist on a
    ko retake or a suicide, and would otherwise wait forever)."""
    SCORING = "scoring"
    """Takes part in the count (``ScoringPhase``, ``ToggleDead``, ``AcceptScore``). Without it a
    player is taken to accept the server's count, as the AI does, so games end and get a result."""
    ABSENCE = "absence"
    """Hears ``OpponentAbsent`` / ``OpponentReturned`` and may ``ClaimWin``. Without it, a player
    whose opponent has been gone ``ABANDON_AFTER_S`` wins at once and is told ``OpponentQuit``,
    the only word the original has for it."""
    RESUME = "resume"
    """Keeps its game across page reloads (``Reconnect`` with the game id). Without it a client
    starts afresh after a reload: a new game ends the one it left, and a connection hears only
    of games it entered itself."""
    CHAT = "chat"
    """Sends ``SendChat`` / ``ProvideChat`` and hears ``ChatMessage`` / ``ChatHistory`` (on a
    channel of their own: a connection without it never receives a chat line)."""
    REMATCH = "rematch"
    """Sends ``OfferRematch`` / ``AnswerRematch`` and hears ``RematchOffered``,
    ``RematchDeclined`` and ``RematchStarted``. A rematch is offered only to a player whose
    client declared it (or the AI)."""
    LIVE = "live"
    """Sends ``ListLiveGames`` (answered with ``LiveGames``) and ``SetListed`` (a private game's
    creator lists it among the live games)."""


ALL: frozenset[Extension] = frozenset(Extension)
ORIGINAL: frozenset[Extension] = frozenset()


def parse(names: Iterable[str]) -> frozenset[Extension]:
    """The extensions among ``names``; unknown ones are ignored."""
    known = {e.value: e for e in Extension}
    return frozenset(known[n] for n in names if n in known)


def names(extensions: Iterable[Extension]) -> list[str]:
    """A stable list of names, for task arguments and the stored game."""
    return sorted(e.value for e in extensions)
