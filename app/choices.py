"""What a player may choose when starting a game: the board sizes, the rule presets and the AI's
strengths. The one home of these lists: the wire schema (``web/messages.py``), the lobby, the page
and the engine all derive theirs from here.
"""

from __future__ import annotations

import enum
from typing import Optional

from . import go

BOARD_SIZES: tuple[int, ...] = (9, 13, 19)
"""Sizes offered for every kind of game (the original's three)."""

RULE_PRESETS: tuple[str, ...] = tuple(r.name for r in go.SELECTABLE)
"""Rule presets a creator may choose (``go.ORIGINAL`` is chosen by the server, never asked for)."""


class Strength(enum.IntEnum):
    """The AI's four strengths, shown as stars. Which engine plays each is the engine's
    configuration (``app.engine``), not the game's: a game stores only its strength."""

    ONE_STAR = 1
    TWO_STARS = 2
    THREE_STARS = 3
    FOUR_STARS = 4

    @property
    def bot_name(self) -> str:
        """The original protocol's name for it (``AttachBot.bot``), kept for compatibility."""
        return _BOT_NAMES[self]

    @classmethod
    def from_bot_name(cls, name: str) -> Strength:
        """Raises ``UnknownStrength`` for a name the original protocol does not have."""
        for strength, bot_name in _BOT_NAMES.items():
            if bot_name == name:
                return strength
        raise UnknownStrength(f"no bot {name!r}; the bots are {', '.join(BOT_NAMES)}")


class UnknownStrength(ValueError):
    pass


_BOT_NAMES = {
    Strength.ONE_STAR: "KataGoOneStar",
    Strength.TWO_STARS: "KataGoTwoStars",
    Strength.THREE_STARS: "KataGoThreeStars",
    Strength.FOUR_STARS: "KataGoFourStars",
}
BOT_NAMES: tuple[str, ...] = tuple(_BOT_NAMES[s] for s in Strength)


def strength_of_stored(stars: Optional[int], legacy_gnugo_level: Optional[int] = None) -> Optional[Strength]:
    """A stored game's strength. Games saved before strengths were stored kept a GNU Go level
    (1, 4, 6 or 8); they expire within a day, but until then they read as the nearest star."""
    if stars is not None:
        return Strength(stars)
    if legacy_gnugo_level is None:
        return None
    for strength, top in ((Strength.ONE_STAR, 2), (Strength.TWO_STARS, 5), (Strength.THREE_STARS, 7)):
        if legacy_gnugo_level <= top:
            return strength
    return Strength.FOUR_STARS
