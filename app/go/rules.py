"""Rule sets: which ko rule, whether suicide is allowed, how the game is counted, komi."""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace

from .errors import InvalidSetupError


class KoRule(enum.Enum):
    NONE = "none"
    """No ko rule at all: any move on an empty point is legal, so a game may repeat. This is what
    BUGOUT's original judge did, and the only rule its original client can follow (it lets its
    player confirm a ko retake and has no way to hear that a move was refused)."""
    SIMPLE = "simple"
    """Only the immediate recapture of a single-stone ko is forbidden."""
    POSITIONAL = "positional"
    """No move may recreate any earlier board position."""
    SITUATIONAL = "situational"
    """No move may recreate an earlier board position with the same player to move; positions
    left by a pass count (as in GNU Go and the AGA's wording)."""


class Scoring(enum.Enum):
    AREA = "area"
    """Stones plus surrounded empty points (Chinese, Tromp-Taylor)."""
    TERRITORY = "territory"
    """Surrounded empty points plus prisoners (Japanese)."""


@dataclass(frozen=True)
class RuleSet:
    name: str
    ko: KoRule
    suicide_allowed: bool
    scoring: Scoring
    komi: float

    def __post_init__(self) -> None:
        if (self.komi * 2) != int(self.komi * 2):
            raise InvalidSetupError(f"komi must be a multiple of 0.5, got {self.komi!r}")

    def with_komi(self, komi: float) -> RuleSet:
        return replace(self, komi=komi)


CHINESE = RuleSet("chinese", KoRule.POSITIONAL, suicide_allowed=False, scoring=Scoring.AREA, komi=7.5)
TROMP_TAYLOR = RuleSet(
    "tromp-taylor", KoRule.POSITIONAL, suicide_allowed=True, scoring=Scoring.AREA, komi=7.5
)
JAPANESE = RuleSet("japanese", KoRule.SIMPLE, suicide_allowed=False, scoring=Scoring.TERRITORY, komi=6.5)
ORIGINAL = RuleSet("original", KoRule.NONE, suicide_allowed=True, scoring=Scoring.AREA, komi=6.5)
"""The rules BUGOUT's original protocol implies: every move on an empty point stands, a suicide
removes the suicided stones (as the original client's board does), counted by area; komi 6.5,
the original client's own default, so the count it shows agrees with the server's."""

SELECTABLE: tuple[RuleSet, ...] = (CHINESE, TROMP_TAYLOR, JAPANESE)
"""The presets a player may choose when creating a game; ``original`` is never chosen, it is
what a game falls back to when a seated client cannot hear that a move was refused."""
PRESETS: dict[str, RuleSet] = {r.name: r for r in (*SELECTABLE, ORIGINAL)}
DEFAULT = CHINESE


def preset(name: str) -> RuleSet:
    try:
        return PRESETS[name]
    except KeyError:
        raise InvalidSetupError(
            f"unknown rule preset {name!r}; choose one of {', '.join(sorted(PRESETS))}"
        ) from None
