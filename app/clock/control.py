"""The time control: how much time each side gets, checked when built and when read from JSON."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Mapping, Union

from .checks import finite, is_int, require_keys
from .errors import InvalidTimeControl
from .state import SideClock

Kind = Literal["none", "fischer", "byoyomi"]
KINDS: tuple[Kind, ...] = ("none", "fischer", "byoyomi")

#: Upper bounds that keep a control humane and its arithmetic far from float trouble.
MAX_MAIN_S = 24 * 3600.0
MAX_INCREMENT_S = 3600.0
MAX_PERIOD_S = 3600.0
MAX_PERIODS = 30


def _json_number(value: float) -> Union[int, float]:
    """Integral seconds go out as ints, so the wire reads ``600`` rather than ``600.0``."""
    return int(value) if float(value).is_integer() else float(value)


@dataclass(frozen=True)
class TimeControl:
    """How much time each side gets. Build with :meth:`none`, :meth:`fischer` or :meth:`byoyomi`.

    Fields that a kind does not use must be zero, so that two equal controls are equal objects
    and the JSON form has one spelling per control.
    """

    kind: Kind = "none"
    main_s: float = 0
    increment_s: float = 0
    periods: int = 0
    period_s: float = 0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise InvalidTimeControl(f"kind must be one of {list(KINDS)}, not {self.kind!r}")
        for name in ("main_s", "increment_s", "period_s"):
            value = getattr(self, name)
            if finite(value) is None:
                raise InvalidTimeControl(f"{name} must be a finite number, not {value!r}")
        if not is_int(self.periods):
            raise InvalidTimeControl(f"periods must be an integer, not {self.periods!r}")
        unused = {
            "none": ("main_s", "increment_s", "periods", "period_s"),
            "fischer": ("periods", "period_s"),
            "byoyomi": ("increment_s",),
        }[self.kind]
        for name in unused:
            if getattr(self, name) != 0:
                raise InvalidTimeControl(f"{self.kind} time control does not use {name}")
        if self.kind == "fischer":
            if not 0 < self.main_s <= MAX_MAIN_S:
                raise InvalidTimeControl(f"main_s must be in (0, {MAX_MAIN_S:g}], not {self.main_s!r}")
            # Zero increment is allowed: it is plain sudden death.
            if not 0 <= self.increment_s <= MAX_INCREMENT_S:
                raise InvalidTimeControl(f"increment_s must be in [0, {MAX_INCREMENT_S:g}], not {self.increment_s!r}")
        elif self.kind == "byoyomi":
            # Zero main time is allowed: byo-yomi from the first move is a common format.
            if not 0 <= self.main_s <= MAX_MAIN_S:
                raise InvalidTimeControl(f"main_s must be in [0, {MAX_MAIN_S:g}], not {self.main_s!r}")
            if not 1 <= self.periods <= MAX_PERIODS:
                raise InvalidTimeControl(f"periods must be in [1, {MAX_PERIODS}], not {self.periods!r}")
            if not 0 < self.period_s <= MAX_PERIOD_S:
                raise InvalidTimeControl(f"period_s must be in (0, {MAX_PERIOD_S:g}], not {self.period_s!r}")

    @classmethod
    def none(cls) -> TimeControl:
        """No clock: nothing is charged and no flag ever falls."""
        return cls("none")

    @classmethod
    def fischer(cls, main_s: float, increment_s: float) -> TimeControl:
        """``main_s`` to start with; ``increment_s`` added after each move made in time."""
        return cls("fischer", main_s=main_s, increment_s=increment_s)

    @classmethod
    def byoyomi(cls, main_s: float, periods: int, period_s: float) -> TimeControl:
        """``main_s`` first, then ``periods`` periods of ``period_s``; a move inside a period resets it."""
        return cls("byoyomi", main_s=main_s, periods=periods, period_s=period_s)

    def initial_clock(self) -> SideClock:
        """What each side has before the first move."""
        if self.kind == "none":
            return SideClock(0.0, 0)
        return SideClock(float(self.main_s), self.periods)

    def to_json(self) -> dict[str, Any]:
        if self.kind == "fischer":
            return {"kind": "fischer", "mainS": _json_number(self.main_s), "incrementS": _json_number(self.increment_s)}
        if self.kind == "byoyomi":
            return {
                "kind": "byoyomi",
                "mainS": _json_number(self.main_s),
                "periods": self.periods,
                "periodS": _json_number(self.period_s),
            }
        return {"kind": "none"}

    @classmethod
    def from_json(cls, data: object) -> TimeControl:
        """Parse the :meth:`to_json` form; raises :class:`InvalidTimeControl` on anything else."""
        if not isinstance(data, Mapping):
            raise InvalidTimeControl(f"time control must be a JSON object, not {type(data).__name__}")
        kind = data.get("kind")
        if kind == "fischer":
            d = require_keys(data, {"kind", "mainS", "incrementS"}, set(), InvalidTimeControl, "fischer time control")
            return cls.fischer(d["mainS"], d["incrementS"])
        if kind == "byoyomi":
            keys = {"kind", "mainS", "periods", "periodS"}
            d = require_keys(data, keys, set(), InvalidTimeControl, "byoyomi time control")
            return cls.byoyomi(d["mainS"], d["periods"], d["periodS"])
        if kind == "none":
            require_keys(data, {"kind"}, set(), InvalidTimeControl, "time control 'none'")
            return cls.none()
        raise InvalidTimeControl(f"kind must be one of {list(KINDS)}, not {kind!r}")
