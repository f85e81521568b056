"""The clock itself: start, charge, read, flag, stop and resume, each a pure function of ``now``.

The conventions they share (colours, when a flag falls, the lag allowance, ``kind == "none"``)
are in the package docstring.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Any, Optional

from .checks import BLACK, COLORS, WHITE, ColorLike, as_color, finite
from .control import TimeControl
from .errors import (
    ClockAlreadyRunning,
    ClockFlagged,
    ClockNotRunning,
    InvalidTime,
    NoSideToMove,
    WrongMover,
)
from .state import ClockState, SideClock


def _other(color: str) -> str:
    return WHITE if color == BLACK else BLACK


def _check_now(now: object) -> float:
    number = finite(now)
    if number is None:
        raise InvalidTime(f"timestamp must be a finite number of seconds, not {now!r}")
    return number


def _check_lag(lag_allowance_s: object) -> float:
    number = finite(lag_allowance_s)
    if number is None or number < 0:
        raise InvalidTime(f"lag allowance must be a finite number >= 0, not {lag_allowance_s!r}")
    return number


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
    side = as_color(first_to_move)
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
    side = as_color(mover)
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
    side = as_color(color)
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
    wanted = None if to_move is None else as_color(to_move)
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
