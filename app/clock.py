"""Go game clocks (Fischer and byo-yomi) as pure functions of explicit timestamps.

Why pure: the clock of one game is read and charged by several processes (web workers taking
moves, a Celery countdown task waiting for a flag to fall). They can only agree if the clock is
plain data plus arithmetic. So nothing here reads the system clock: every function takes ``now``
in seconds (any epoch, as long as one game uses one epoch) and returns a new immutable state
that the caller stores, as JSON, next to the game. Tests then use plain numbers, never sleeps.

Conventions shared by every function:

* Colours are the strings ``"BLACK"`` and ``"WHITE"``; members of ``app.go.Color`` (whose values
  are those strings) are accepted wherever a colour is taken, without importing the rules.
* A flag falls when a side's time *reaches* zero: a move received exactly at the deadline is
  late. :func:`charge`, :func:`is_flag_fallen` and :func:`flag_deadline` all go through one
  deadline computation, so a countdown task that fires at :func:`flag_deadline` and a move
  arriving at that same instant reach the same verdict.
* A fallen flag is a state, not an exception: :func:`charge` returns a state with ``flagged``
  set and the clock stopped. The caller rejects the move and ends the game (``W+T``/``B+T``);
  the state it stores then shows why.
* The lag allowance (seconds forgiven per move for network delay) is subtracted from the
  mover's elapsed time, never below zero. Pass the same allowance to :func:`flag_deadline` /
  :func:`is_flag_fallen` in the countdown task, or it would flag a move that is still in flight
  and that :func:`charge` would have accepted. Displayed times (:func:`remaining`,
  :func:`wire`) ignore the allowance: it is a tolerance, not time the player may plan on.
* With ``kind == "none"`` no time is ever charged and no flag ever falls; the state still
  records whose turn it is, so stop/resume behave the same for every kind.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from enum import Enum
from typing import Any, Literal, Mapping, Optional, Union

BLACK = "BLACK"
WHITE = "WHITE"
COLORS: tuple[str, str] = (BLACK, WHITE)

Kind = Literal["none", "fischer", "byoyomi"]
KINDS: tuple[Kind, ...] = ("none", "fischer", "byoyomi")

#: A colour as taken by this module: ``"BLACK"``/``"WHITE"`` or an enum whose value is one.
ColorLike = Union[str, Enum]

#: Upper bounds that keep a control humane and its arithmetic far from float trouble.
MAX_MAIN_S = 24 * 3600.0
MAX_INCREMENT_S = 3600.0
MAX_PERIOD_S = 3600.0
MAX_PERIODS = 30


class ClockError(ValueError):
    """Base of every error raised here, so a caller can map them all to one 4xx reply."""


class InvalidTimeControl(ClockError):
    """A time control that is malformed or out of bounds (from a constructor or from JSON)."""


class InvalidClockState(ClockError):
    """A clock state that is malformed or inconsistent, typically read from stored JSON."""


class InvalidColor(ClockError):
    """A colour that is neither ``"BLACK"`` nor ``"WHITE"``."""


class InvalidTime(ClockError):
    """A timestamp that is not a finite number, or a negative or non-finite lag allowance."""


class ClockNotRunning(ClockError):
    """A move was charged while the clock is stopped (scoring phase, before the start)."""


class ClockAlreadyRunning(ClockError):
    """:func:`resume` was asked to run the clock for one side while it runs for the other."""


class NoSideToMove(ClockError):
    """:func:`resume` on a clock that never ran and with no ``to_move`` given."""


class WrongMover(ClockError):
    """The mover is not the side whose clock is running: charging it would bill the wrong player."""


class ClockFlagged(ClockError):
    """The clock was charged or resumed after a flag fell; the game is already over on time."""


# -- validation helpers -------------------------------------------------------------------------


def _is_int(value: object) -> bool:
    # bool is an int subclass; True periods is always a bug, never a count.
    return isinstance(value, int) and not isinstance(value, bool)


def _color(value: object) -> str:
    raw = value.value if isinstance(value, Enum) else value
    if raw not in COLORS:
        raise InvalidColor(f"colour must be 'BLACK' or 'WHITE', not {value!r}")
    return str(raw)


def _optional_color(value: object) -> Optional[str]:
    return None if value is None else _color(value)


def _other(color: str) -> str:
    return WHITE if color == BLACK else BLACK


def _finite(value: object) -> Optional[float]:
    """``value`` as a float if it is a finite real number (not a bool), else None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def _check_now(now: object) -> float:
    number = _finite(now)
    if number is None:
        raise InvalidTime(f"timestamp must be a finite number of seconds, not {now!r}")
    return number


def _check_lag(lag_allowance_s: object) -> float:
    number = _finite(lag_allowance_s)
    if number is None or number < 0:
        raise InvalidTime(f"lag allowance must be a finite number >= 0, not {lag_allowance_s!r}")
    return number


def _json_number(value: float) -> Union[int, float]:
    """Integral seconds go out as ints, so the wire reads ``600`` rather than ``600.0``."""
    return int(value) if float(value).is_integer() else float(value)


def _require_keys(
    data: object, required: set[str], optional: set[str], error: type[ClockError], what: str
) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise error(f"{what} must be a JSON object, not {type(data).__name__}")
    missing = required - data.keys()
    unknown = data.keys() - required - optional
    if missing:
        raise error(f"{what} lacks {sorted(missing)}")
    if unknown:
        # Strict on purpose: a misspelt key must not silently become a default.
        raise error(f"{what} has unknown keys {sorted(unknown)}")
    return data


# -- time control -------------------------------------------------------------------------------


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
            if _finite(value) is None:
                raise InvalidTimeControl(f"{name} must be a finite number, not {value!r}")
        if not _is_int(self.periods):
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
            d = _require_keys(data, {"kind", "mainS", "incrementS"}, set(), InvalidTimeControl, "fischer time control")
            return cls.fischer(d["mainS"], d["incrementS"])
        if kind == "byoyomi":
            keys = {"kind", "mainS", "periods", "periodS"}
            d = _require_keys(data, keys, set(), InvalidTimeControl, "byoyomi time control")
            return cls.byoyomi(d["mainS"], d["periods"], d["periodS"])
        if kind == "none":
            _require_keys(data, {"kind"}, set(), InvalidTimeControl, "time control 'none'")
            return cls.none()
        raise InvalidTimeControl(f"kind must be one of {list(KINDS)}, not {kind!r}")


# -- clock state --------------------------------------------------------------------------------


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
        if _finite(self.remaining_s) is None or self.remaining_s < 0:
            raise InvalidClockState(f"remaining_s must be a finite number >= 0, not {self.remaining_s!r}")
        if not _is_int(self.periods_left) or self.periods_left < 0:
            raise InvalidClockState(f"periods_left must be an integer >= 0, not {self.periods_left!r}")

    def to_json(self) -> dict[str, Any]:
        return {"remainingS": self.remaining_s, "periodsLeft": self.periods_left}

    @classmethod
    def from_json(cls, data: object) -> SideClock:
        d = _require_keys(data, {"remainingS", "periodsLeft"}, set(), InvalidClockState, "side clock")
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
        if self.since is not None and _finite(self.since) is None:
            raise InvalidClockState(f"since must be a finite number, not {self.since!r}")
        if self.running_for is not None and self.stopped_for is not None:
            raise InvalidClockState("a running clock cannot also be stopped_for a side")
        if self.flagged is not None and (self.running_for is not None or self.stopped_for is not None):
            raise InvalidClockState("a flagged clock must be stopped for good")

    @property
    def running(self) -> bool:
        return self.running_for is not None

    def side(self, color: ColorLike) -> SideClock:
        return self.black if _color(color) == BLACK else self.white

    def with_side(self, color: ColorLike, clock: SideClock) -> ClockState:
        return replace(self, black=clock) if _color(color) == BLACK else replace(self, white=clock)

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
        d = _require_keys(data, {"black", "white"}, optional, InvalidClockState, "clock state")
        return cls(
            black=SideClock.from_json(d["black"]),
            white=SideClock.from_json(d["white"]),
            running_for=d.get("runningFor"),
            since=d.get("since"),
            flagged=d.get("flagged"),
            stopped_for=d.get("stoppedFor"),
        )


# -- the clock ----------------------------------------------------------------------------------


def _deadline(control: TimeControl, clock: SideClock, since: float, lag_allowance_s: float) -> float:
    """The one place where "when does this flag fall" is computed; everything else compares to it."""
    budget = clock.remaining_s
    if control.kind == "byoyomi":
        budget += clock.periods_left * control.period_s
    return since + (lag_allowance_s + budget)


def _reading(control: TimeControl, state: ClockState, color: str, now: float) -> tuple[float, int, float]:
    """(main seconds left, periods left, seconds left in the current period) as of ``now``."""
    clock = state.side(color)
    if state.flagged == color:
        return 0.0, 0, 0.0
    elapsed = 0.0
    if state.running_for == color and state.since is not None:
        elapsed = max(0.0, now - state.since)
    if control.kind == "fischer":
        return max(0.0, clock.remaining_s - elapsed), 0, 0.0
    # byo-yomi
    if elapsed < clock.remaining_s:
        return clock.remaining_s - elapsed, clock.periods_left, float(control.period_s)
    over = elapsed - clock.remaining_s
    used = int(over // control.period_s)
    if used >= clock.periods_left:
        return 0.0, 0, 0.0
    return 0.0, clock.periods_left - used, max(0.0, control.period_s - (over - used * control.period_s))


def _flag(state: ClockState, color: str) -> ClockState:
    return replace(
        state.with_side(color, SideClock(0.0, 0)),
        running_for=None,
        since=None,
        stopped_for=None,
        flagged=color,
    )


def start(control: TimeControl, first_to_move: ColorLike, now: float) -> ClockState:
    """Both sides at their initial time, the clock running for ``first_to_move`` from ``now``.

    ``first_to_move`` is explicit because handicap games start with White.
    """
    side = _color(first_to_move)
    now = _check_now(now)
    initial = control.initial_clock()
    return ClockState(black=initial, white=initial, running_for=side, since=now)


def charge(
    control: TimeControl,
    state: ClockState,
    mover: ColorLike,
    now: float,
    lag_allowance_s: float = 0.0,
) -> ClockState:
    """Bill ``mover`` for the move received at ``now`` and start the opponent's clock from ``now``.

    Elapsed time is ``now - state.since - lag_allowance_s``, never below zero. Fischer: the
    elapsed time comes off the main time, then the increment is added. Byo-yomi: main time goes
    first, then periods; a move made inside a period resets that period, each period used up in
    full is consumed (several at once for a slow move).

    If the flag fell (see :func:`is_flag_fallen`, with the same allowance), the returned state
    has ``flagged == mover`` and is stopped, and the move must be rejected. Raises
    :class:`ClockFlagged`, :class:`ClockNotRunning` or :class:`WrongMover` when there is nothing
    sensible to charge.
    """
    side = _color(mover)
    now = _check_now(now)
    lag = _check_lag(lag_allowance_s)
    if state.flagged is not None:
        raise ClockFlagged(f"{state.flagged}'s flag has already fallen")
    if state.running_for is None or state.since is None:
        raise ClockNotRunning("the clock is stopped; resume it before charging a move")
    if state.running_for != side:
        raise WrongMover(f"the clock is running for {state.running_for}, not {side}")
    opponent = _other(side)
    if control.kind == "none":
        return replace(state, running_for=opponent, since=now)

    clock = state.side(side)
    if now >= _deadline(control, clock, state.since, lag):
        return _flag(state, side)
    elapsed = max(0.0, now - state.since - lag)
    if control.kind == "fischer":
        after = SideClock(max(0.0, clock.remaining_s - elapsed) + control.increment_s, 0)
    elif elapsed <= clock.remaining_s:
        after = SideClock(clock.remaining_s - elapsed, clock.periods_left)
    else:
        over = elapsed - clock.remaining_s
        # The deadline test above already proved at least one period survives; the min() only
        # guards that verdict against float rounding in the division.
        used = min(int(over // control.period_s), clock.periods_left - 1)
        after = SideClock(0.0, clock.periods_left - used)
    return replace(state.with_side(side, after), running_for=opponent, since=now)


def remaining(control: TimeControl, state: ClockState, color: ColorLike, now: float) -> tuple[float, int]:
    """``(main seconds left, periods left)`` for ``color`` if the clock were read at ``now``.

    Only the running side's time moves. Never negative: a side past its deadline reads
    ``(0.0, 0)`` even before anyone records the flag. With no time control it reads
    ``(math.inf, 0)``.
    """
    side = _color(color)
    now = _check_now(now)
    if control.kind == "none":
        return math.inf, 0
    main, periods, _ = _reading(control, state, side, now)
    return main, periods


def flag_deadline(control: TimeControl, state: ClockState, lag_allowance_s: float = 0.0) -> Optional[float]:
    """When the running side's flag falls if it does not move; None if no flag can fall.

    Meant for scheduling the countdown task: at this instant (and after) :func:`is_flag_fallen`
    is true, and :func:`charge` with the same allowance flags the mover.
    """
    lag = _check_lag(lag_allowance_s)
    if control.kind == "none" or state.flagged is not None or state.running_for is None or state.since is None:
        return None
    return _deadline(control, state.side(state.running_for), state.since, lag)


def is_flag_fallen(control: TimeControl, state: ClockState, now: float, lag_allowance_s: float = 0.0) -> bool:
    """True once a flag has fallen: already recorded, or the running side is at/after its deadline."""
    now = _check_now(now)
    if state.flagged is not None:
        return True
    deadline = flag_deadline(control, state, lag_allowance_s)
    return deadline is not None and now >= deadline


def flag_if_fallen(control: TimeControl, state: ClockState, now: float, lag_allowance_s: float = 0.0) -> ClockState:
    """The state with the running side's flag recorded if it has fallen by ``now``, else unchanged.

    For the countdown task: no move arrives, yet the game must end and the stored state must
    say so.
    """
    if state.flagged is None and state.running_for is not None and is_flag_fallen(control, state, now, lag_allowance_s):
        return _flag(state, state.running_for)
    return state


def stop(state: ClockState) -> ClockState:
    """Stop the clock (e.g. for the scoring phase), remembering who was running.

    The running side's current turn is not billed: stop right after the :func:`charge` that
    ended play (the second pass), so there is nothing to bill. Stopping a stopped clock is a
    no-op.
    """
    if state.running_for is None:
        return state
    return replace(state, running_for=None, since=None, stopped_for=state.running_for)


def resume(state: ClockState, now: float, to_move: Optional[ColorLike] = None) -> ClockState:
    """Restart the clock from ``now`` for ``to_move`` (default: the side that was stopped).

    The paused time is never charged, because counting starts afresh at ``now``. Resuming a
    clock that already runs for that side returns it unchanged (not restarted, which would
    forgive time).
    """
    now = _check_now(now)
    wanted = None if to_move is None else _color(to_move)
    if state.flagged is not None:
        raise ClockFlagged(f"{state.flagged}'s flag has fallen; the game is over")
    if state.running_for is not None:
        if wanted is None or wanted == state.running_for:
            return state
        raise ClockAlreadyRunning(f"the clock is already running for {state.running_for}")
    side = wanted or state.stopped_for
    if side is None:
        raise NoSideToMove("the clock was never running; say which side is to move")
    return replace(state, running_for=side, since=now, stopped_for=None)


def wire(control: TimeControl, state: ClockState, now: float) -> dict[str, Any]:
    """The clock as sent to clients, read at ``now`` and rounded to 0.1 s.

    ``{"BLACK": {"remainingS", "periodsLeft"}, "WHITE": {...}, "running", "flagged", "control"}``.
    Byo-yomi entries also carry ``periodRemainingS``, the time left in the current period, which
    a client cannot otherwise know mid-turn. With no time control both sides are None.
    """
    now = _check_now(now)
    out: dict[str, Any] = {}
    for side in COLORS:
        if control.kind == "none":
            out[side] = None
            continue
        main, periods, period_left = _reading(control, state, side, now)
        entry: dict[str, Any] = {"remainingS": round(main, 1), "periodsLeft": periods}
        if control.kind == "byoyomi":
            entry["periodRemainingS"] = round(period_left, 1)
        out[side] = entry
    out["running"] = state.running_for
    out["flagged"] = state.flagged
    out["control"] = control.to_json()
    return out
