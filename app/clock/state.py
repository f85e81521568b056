"""The stored clock: each side's time as of its last charge, and which side is running."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any, Optional

from .checks import BLACK, ColorLike, as_color, finite, is_int, require_keys
from .errors import InvalidClockState, InvalidColor


def _optional_color(value: object) -> Optional[str]:
    return None if value is None else as_color(value)


@dataclass(frozen=True)
class SideClock:
    """One side's stored time, valid as of the last charge of that side.

    ``remaining_s`` is main time left (0 once in byo-yomi); ``periods_left`` counts byo-yomi
    periods including the current one (always 0 for Fischer and for no clock). A stored byo-yomi
    side is always at the start of a fresh period, since a move resets the period.
    """

    remaining_s: float
    periods_left: int = 0

    def __post_init__(self) -> None:
        if finite(self.remaining_s) is None or self.remaining_s < 0:
            raise InvalidClockState(f"remaining_s must be a finite number >= 0, not {self.remaining_s!r}")
        if not is_int(self.periods_left) or self.periods_left < 0:
            raise InvalidClockState(f"periods_left must be an integer >= 0, not {self.periods_left!r}")

    def to_json(self) -> dict[str, Any]:
        return {"remainingS": self.remaining_s, "periodsLeft": self.periods_left}

    @classmethod
    def from_json(cls, data: object) -> SideClock:
        d = require_keys(data, {"remainingS", "periodsLeft"}, set(), InvalidClockState, "side clock")
        return cls(d["remainingS"], d["periodsLeft"])


@dataclass(frozen=True)
class ClockState:
    """Both sides' clocks and which one is running.

    ``running_for`` is the side whose time is counting since ``since`` (both None when stopped).
    ``stopped_for`` remembers who was running when :func:`stop` paused the clock, so that
    :func:`resume` can restart it without being told. ``flagged`` is the colour whose flag fell;
    a flagged clock is stopped for good.
    """

    black: SideClock
    white: SideClock
    running_for: Optional[str] = None
    since: Optional[float] = None
    flagged: Optional[str] = None
    stopped_for: Optional[str] = None

    def __post_init__(self) -> None:
        if not isinstance(self.black, SideClock) or not isinstance(self.white, SideClock):
            raise InvalidClockState("black and white must be SideClock instances")
        # Accept app.go.Color members but store plain strings, so JSON and equality stay simple.
        for name in ("running_for", "flagged", "stopped_for"):
            try:
                object.__setattr__(self, name, _optional_color(getattr(self, name)))
            except InvalidColor as exc:
                raise InvalidClockState(f"{name}: {exc}") from None
        if (self.running_for is None) != (self.since is None):
            raise InvalidClockState("running_for and since must be both set (running) or both None (stopped)")
        if self.since is not None and finite(self.since) is None:
            raise InvalidClockState(f"since must be a finite number, not {self.since!r}")
        if self.running_for is not None and self.stopped_for is not None:
            raise InvalidClockState("a running clock cannot also be stopped_for a side")
        if self.flagged is not None and (self.running_for is not None or self.stopped_for is not None):
            raise InvalidClockState("a flagged clock must be stopped for good")

    @property
    def running(self) -> bool:
        return self.running_for is not None

    def side(self, color: ColorLike) -> SideClock:
        return self.black if as_color(color) == BLACK else self.white

    def with_side(self, color: ColorLike, clock: SideClock) -> ClockState:
        return replace(self, black=clock) if as_color(color) == BLACK else replace(self, white=clock)

    def to_json(self) -> dict[str, Any]:
        # Timestamps are kept exact (no rounding): this is the stored form, not the display one.
        return {
            "black": self.black.to_json(),
            "white": self.white.to_json(),
            "runningFor": self.running_for,
            "since": self.since,
            "flagged": self.flagged,
            "stoppedFor": self.stopped_for,
        }

    @classmethod
    def from_json(cls, data: object) -> ClockState:
        optional = {"runningFor", "since", "flagged", "stoppedFor"}
        d = require_keys(data, {"black", "white"}, optional, InvalidClockState, "clock state")
        return cls(
            black=SideClock.from_json(d["black"]),
            white=SideClock.from_json(d["white"]),
            running_for=d.get("runningFor"),
            since=d.get("since"),
            flagged=d.get("flagged"),
            stopped_for=d.get("stoppedFor"),
        )
