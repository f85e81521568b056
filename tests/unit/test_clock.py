"""The game clock with plain numbers: no sleeping, no real time."""

from __future__ import annotations

import ast
import json
import math
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.clock import (
    BLACK,
    COLORS,
    WHITE,
    ClockAlreadyRunning,
    ClockFlagged,
    ClockNotRunning,
    ClockState,
    InvalidClockState,
    InvalidColor,
    InvalidTime,
    InvalidTimeControl,
    NoSideToMove,
    SideClock,
    TimeControl,
    WrongMover,
    charge,
    flag_deadline,
    flag_if_fallen,
    is_flag_fallen,
    remaining,
    resume,
    start,
    stop,
    wire,
)
from app.go import Color

T0 = 1000.0
FISCHER = TimeControl.fischer(600, 5)
BYO = TimeControl.byoyomi(60, 3, 30)


def play(control: TimeControl, state: ClockState, *thinks: float, lag: float = 0.0) -> tuple[ClockState, float]:
    """Alternate moves, each side thinking the given seconds; returns the state and the time."""
    assert state.since is not None
    now = state.since
    for think in thinks:
        assert state.running_for is not None
        now += think
        state = charge(control, state, state.running_for, now, lag)
        if state.flagged:
            break
    return state, now


# -- Fischer ------------------------------------------------------------------------------------


def test_fischer_charges_elapsed_then_adds_the_increment() -> None:
    state = start(FISCHER, BLACK, T0)
    state = charge(FISCHER, state, BLACK, T0 + 20)
    assert state.black == SideClock(585.0, 0)  # 600 - 20 + 5
    assert state.white == SideClock(600.0, 0)
    assert (state.running_for, state.since) == (WHITE, T0 + 20)
    state = charge(FISCHER, state, WHITE, T0 + 20 + 100)
    assert state.white == SideClock(505.0, 0)
    assert state.running_for == BLACK


def test_a_side_that_thinks_longer_than_its_time_is_flagged() -> None:
    control = TimeControl.fischer(10, 0)
    state = charge(control, start(control, BLACK, T0), BLACK, T0 + 11)
    assert state.flagged == BLACK
    assert state.running_for is None and state.since is None
    assert state.black == SideClock(0.0, 0)
    assert state.white == SideClock(10.0, 0)


def test_time_reaching_exactly_zero_is_a_loss_and_just_before_is_not() -> None:
    control = TimeControl.fischer(10, 2)
    state = start(control, BLACK, T0)
    assert charge(control, state, BLACK, T0 + 10).flagged == BLACK
    ok = charge(control, state, BLACK, math.nextafter(T0 + 10, 0))
    assert ok.flagged is None
    assert 2.0 <= ok.black.remaining_s < 2.0 + 1e-9


def test_the_increment_does_not_save_a_move_that_was_already_late() -> None:
    control = TimeControl.fischer(10, 30)
    assert charge(control, start(control, WHITE, T0), WHITE, T0 + 10.5).flagged == WHITE


def test_lag_allowance_is_subtracted_from_elapsed() -> None:
    state = charge(FISCHER, start(FISCHER, BLACK, T0), BLACK, T0 + 20, lag_allowance_s=1.5)
    assert state.black.remaining_s == pytest.approx(600 - 18.5 + 5)
    # The opponent's clock starts when the move was received, not lag-adjusted.
    assert state.since == T0 + 20


def test_lag_allowance_never_makes_elapsed_negative() -> None:
    state = charge(FISCHER, start(FISCHER, BLACK, T0), BLACK, T0 + 0.2, lag_allowance_s=1.0)
    assert state.black == SideClock(605.0, 0)


def test_a_timestamp_before_since_charges_nothing() -> None:
    state = charge(FISCHER, start(FISCHER, BLACK, T0), BLACK, T0 - 3)
    assert state.black == SideClock(605.0, 0)


def test_lag_allowance_saves_a_move_in_flight_and_the_deadline_agrees() -> None:
    control = TimeControl.fischer(10, 0)
    state = start(control, BLACK, T0)
    assert flag_deadline(control, state, lag_allowance_s=1.0) == T0 + 11
    assert not is_flag_fallen(control, state, T0 + 10.5, lag_allowance_s=1.0)
    saved = charge(control, state, BLACK, T0 + 10.5, lag_allowance_s=1.0)
    assert saved.flagged is None
    assert saved.black.remaining_s == pytest.approx(0.5)
    assert charge(control, state, BLACK, T0 + 11, lag_allowance_s=1.0).flagged == BLACK


# -- byo-yomi -----------------------------------------------------------------------------------


def test_byoyomi_uses_main_time_first() -> None:
    state = charge(BYO, start(BYO, BLACK, T0), BLACK, T0 + 45)
    assert state.black == SideClock(15.0, 3)


def test_byoyomi_a_move_inside_a_period_resets_it() -> None:
    state, _ = play(BYO, start(BYO, BLACK, T0), 70, 1)  # black: 60 main + 10 into the first period
    assert state.black == SideClock(0.0, 3)
    state, _ = play(BYO, state, 29.9, 1, 29.9)  # each within the period: nothing consumed
    assert state.black == SideClock(0.0, 3)


def test_byoyomi_a_slow_move_consumes_a_period() -> None:
    state = charge(BYO, start(BYO, BLACK, T0), BLACK, T0 + 60 + 45)
    assert state.black == SideClock(0.0, 2)


def test_byoyomi_a_very_slow_move_consumes_several_periods() -> None:
    state = charge(BYO, start(BYO, BLACK, T0), BLACK, T0 + 60 + 30 + 30 + 10)
    assert state.black == SideClock(0.0, 1)
    assert state.flagged is None


def test_byoyomi_a_period_used_exactly_in_full_is_consumed() -> None:
    state = charge(BYO, start(BYO, BLACK, T0), BLACK, T0 + 60 + 30)
    assert state.black == SideClock(0.0, 2)


def test_byoyomi_expiry_of_the_last_period_flags() -> None:
    state = start(BYO, BLACK, T0)
    assert charge(BYO, state, BLACK, T0 + 60 + 90).flagged == BLACK
    last = ClockState(SideClock(0.0, 1), SideClock(60.0, 3), running_for=BLACK, since=T0)
    assert charge(BYO, last, BLACK, T0 + 29.9).black == SideClock(0.0, 1)
    assert charge(BYO, last, BLACK, T0 + 30).flagged == BLACK


def test_byoyomi_without_main_time() -> None:
    control = TimeControl.byoyomi(0, 1, 10)
    state, _ = play(control, start(control, BLACK, T0), 9, 9, 9, 9)
    assert state.flagged is None and state.black == SideClock(0.0, 1)
    state, _ = play(control, state, 10)
    assert state.flagged == BLACK


def test_byoyomi_reading_mid_turn() -> None:
    state = start(BYO, BLACK, T0)
    assert remaining(BYO, state, BLACK, T0 + 20) == (40.0, 3)
    assert remaining(BYO, state, BLACK, T0 + 100) == (0.0, 2)  # 40 s into byo-yomi
    assert wire(BYO, state, T0 + 100)[BLACK] == {"remainingS": 0.0, "periodsLeft": 2, "periodRemainingS": 20.0}
    assert remaining(BYO, state, BLACK, T0 + 150) == (0.0, 0)
    assert remaining(BYO, state, WHITE, T0 + 150) == (60.0, 3)


# -- deadline and flag --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("control", "expected"),
    [(TimeControl.fischer(10, 5), T0 + 10), (BYO, T0 + 60 + 3 * 30), (TimeControl.byoyomi(0, 2, 7.5), T0 + 15)],
)
def test_flag_deadline_matches_is_flag_fallen_at_the_boundary(control: TimeControl, expected: float) -> None:
    state = start(control, BLACK, T0)
    deadline = flag_deadline(control, state)
    assert deadline == expected
    assert not is_flag_fallen(control, state, math.nextafter(deadline, -math.inf))
    assert is_flag_fallen(control, state, deadline)
    assert is_flag_fallen(control, state, deadline + 1)
    assert charge(control, state, BLACK, math.nextafter(deadline, -math.inf)).flagged is None
    assert charge(control, state, BLACK, deadline).flagged == BLACK


def test_flag_if_fallen_records_the_flag_for_the_countdown_task() -> None:
    control = TimeControl.fischer(10, 0)
    state = start(control, WHITE, T0)
    assert flag_if_fallen(control, state, T0 + 9) is state
    flagged = flag_if_fallen(control, state, T0 + 10)
    assert flagged.flagged == WHITE and not flagged.running
    assert is_flag_fallen(control, flagged, T0)  # once recorded, always fallen
    assert flag_deadline(control, flagged) is None
    with pytest.raises(ClockFlagged):
        charge(control, flagged, WHITE, T0 + 11)
    with pytest.raises(ClockFlagged):
        resume(flagged, T0 + 11)


def test_no_deadline_while_stopped() -> None:
    assert flag_deadline(FISCHER, stop(start(FISCHER, BLACK, T0))) is None
    assert not is_flag_fallen(FISCHER, stop(start(FISCHER, BLACK, T0)), T0 + 10**6)


# -- stop / resume ------------------------------------------------------------------------------


def test_stop_and_resume_do_not_charge_the_paused_time() -> None:
    state = charge(FISCHER, start(FISCHER, BLACK, T0), BLACK, T0 + 10)  # black 595, white running
    paused = stop(state)
    assert not paused.running and paused.stopped_for == WHITE
    assert remaining(FISCHER, paused, WHITE, T0 + 5000) == (600.0, 0)
    assert not is_flag_fallen(FISCHER, paused, T0 + 5000)
    resumed = resume(paused, T0 + 5000)
    assert (resumed.running_for, resumed.since) == (WHITE, T0 + 5000)
    state = charge(FISCHER, resumed, WHITE, T0 + 5030)
    assert state.white == SideClock(575.0, 0)
    assert state.black == SideClock(595.0, 0)


def test_resume_for_another_side_after_scoring_dispute() -> None:
    paused = stop(start(FISCHER, BLACK, T0))
    assert resume(paused, T0 + 50, WHITE).running_for == WHITE
    assert resume(paused, T0 + 50, Color.WHITE).running_for == WHITE


def test_stop_is_idempotent_and_resume_never_restarts_a_running_clock() -> None:
    state = start(FISCHER, BLACK, T0)
    assert stop(stop(state)) == stop(state)
    assert resume(state, T0 + 100) is state
    assert resume(state, T0 + 100, BLACK) is state
    with pytest.raises(ClockAlreadyRunning):
        resume(state, T0 + 100, WHITE)


def test_resume_needs_a_side_if_the_clock_never_ran() -> None:
    never = ClockState(SideClock(600.0), SideClock(600.0))
    with pytest.raises(NoSideToMove):
        resume(never, T0)
    assert resume(never, T0, BLACK).running_for == BLACK


def test_charging_a_stopped_clock_or_the_wrong_side_is_refused() -> None:
    state = start(FISCHER, BLACK, T0)
    with pytest.raises(WrongMover):
        charge(FISCHER, state, WHITE, T0 + 1)
    with pytest.raises(ClockNotRunning):
        charge(FISCHER, stop(state), BLACK, T0 + 1)


# -- no time control ----------------------------------------------------------------------------


def test_kind_none_never_flags_and_shows_no_time() -> None:
    control = TimeControl.none()
    state = start(control, BLACK, T0)
    state, now = play(control, state, 10**6, 10**7, 10**8)
    assert state.flagged is None
    assert state.running_for == WHITE
    assert flag_deadline(control, state) is None
    assert not is_flag_fallen(control, state, now + 10**9)
    assert flag_if_fallen(control, state, now + 10**9) is state
    assert remaining(control, state, BLACK, now + 10**9) == (math.inf, 0)
    assert wire(control, state, now) == {
        "BLACK": None,
        "WHITE": None,
        "running": WHITE,
        "flagged": None,
        "control": {"kind": "none"},
    }


# -- wire ---------------------------------------------------------------------------------------


def test_wire_reads_the_running_side_at_now_rounded_to_a_tenth() -> None:
    state = charge(FISCHER, start(FISCHER, BLACK, T0), BLACK, T0 + 12.34)
    assert wire(FISCHER, state, T0 + 12.34 + 100.06) == {
        "BLACK": {"remainingS": 592.7, "periodsLeft": 0},
        "WHITE": {"remainingS": 499.9, "periodsLeft": 0},
        "running": WHITE,
        "flagged": None,
        "control": {"kind": "fischer", "mainS": 600, "incrementS": 5},
    }
    json.dumps(wire(FISCHER, state, T0 + 50))


def test_wire_after_a_flag() -> None:
    control = TimeControl.fischer(10, 0)
    flagged = charge(control, start(control, BLACK, T0), BLACK, T0 + 11)
    out = wire(control, flagged, T0 + 11)
    assert out["BLACK"] == {"remainingS": 0.0, "periodsLeft": 0}
    assert (out["running"], out["flagged"]) == (None, BLACK)


# -- JSON ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("control", "data"),
    [
        (TimeControl.fischer(600, 5), {"kind": "fischer", "mainS": 600, "incrementS": 5}),
        (TimeControl.fischer(90.5, 0), {"kind": "fischer", "mainS": 90.5, "incrementS": 0}),
        (TimeControl.byoyomi(600, 5, 30), {"kind": "byoyomi", "mainS": 600, "periods": 5, "periodS": 30}),
        (TimeControl.none(), {"kind": "none"}),
    ],
)
def test_time_control_json(control: TimeControl, data: dict[str, object]) -> None:
    assert control.to_json() == data
    assert json.dumps(control.to_json()) == json.dumps(data)
    assert TimeControl.from_json(json.loads(json.dumps(data))) == control


def test_clock_state_json_round_trip_keeps_exact_floats() -> None:
    state = charge(BYO, start(BYO, WHITE, 1.7e9 + 0.123456789), WHITE, 1.7e9 + 42.987654321)
    data = state.to_json()
    assert set(data) == {"black", "white", "runningFor", "since", "flagged", "stoppedFor"}
    assert data["white"] == {"remainingS": state.white.remaining_s, "periodsLeft": 3}
    assert ClockState.from_json(json.loads(json.dumps(data))) == state
    for other in (stop(state), charge(BYO, state, BLACK, 1.7e9 + 10**4)):
        assert ClockState.from_json(json.loads(json.dumps(other.to_json()))) == other


@pytest.mark.parametrize(
    "data",
    [
        None,
        [],
        {"kind": "blitz"},
        {"kind": "fischer", "mainS": 600},
        {"kind": "fischer", "mainS": 600, "incrementS": 5, "periods": 3},
        {"kind": "fischer", "mainS": "600", "incrementS": 5},
        {"kind": "byoyomi", "mainS": 600, "periods": 5.0, "periodS": 30},
        {"kind": "none", "mainS": 0},
    ],
)
def test_malformed_time_control_json_is_refused(data: object) -> None:
    with pytest.raises(InvalidTimeControl):
        TimeControl.from_json(data)


@pytest.mark.parametrize(
    "data",
    [
        {"black": {"remainingS": 1, "periodsLeft": 0}},
        {"black": {"remainingS": -1, "periodsLeft": 0}, "white": {"remainingS": 1, "periodsLeft": 0}},
        {
            "black": {"remainingS": 1, "periodsLeft": 0},
            "white": {"remainingS": 1, "periodsLeft": 0},
            "runningFor": "BLACK",
        },
        {
            "black": {"remainingS": 1, "periodsLeft": 0},
            "white": {"remainingS": 1, "periodsLeft": 0},
            "runningFor": "RED",
            "since": 1.0,
        },
        {
            "black": {"remainingS": 1, "periodsLeft": 0},
            "white": {"remainingS": 1, "periodsLeft": 0},
            "runningFor": "BLACK",
            "since": 1.0,
            "flagged": "WHITE",
        },
    ],
)
def test_malformed_clock_state_json_is_refused(data: object) -> None:
    with pytest.raises(InvalidClockState):
        ClockState.from_json(data)


# -- validation ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "build",
    [
        lambda: TimeControl.fischer(0, 5),
        lambda: TimeControl.fischer(-1, 5),
        lambda: TimeControl.fischer(24 * 3600 + 1, 5),
        lambda: TimeControl.fischer(600, -1),
        lambda: TimeControl.fischer(600, 3601),
        lambda: TimeControl.fischer(math.inf, 5),
        lambda: TimeControl.fischer(math.nan, 5),
        lambda: TimeControl.fischer(True, 5),
        lambda: TimeControl.byoyomi(600, 0, 30),
        lambda: TimeControl.byoyomi(600, 31, 30),
        lambda: TimeControl.byoyomi(600, 2.5, 30),  # type: ignore[arg-type]
        lambda: TimeControl.byoyomi(600, 5, 0),
        lambda: TimeControl.byoyomi(-1, 5, 30),
        lambda: TimeControl("blitz"),  # type: ignore[arg-type]
        lambda: TimeControl("none", main_s=5),
        lambda: TimeControl("fischer", main_s=600, increment_s=5, periods=3),
    ],
)
def test_invalid_controls_raise(build: object) -> None:
    with pytest.raises(InvalidTimeControl):
        build()  # type: ignore[operator]
    assert issubclass(InvalidTimeControl, ValueError)


def test_bad_inputs_raise_precise_value_errors() -> None:
    state = start(FISCHER, BLACK, T0)
    with pytest.raises(InvalidColor):
        start(FISCHER, "black", T0)
    with pytest.raises(InvalidTime):
        start(FISCHER, BLACK, math.nan)
    with pytest.raises(InvalidTime):
        charge(FISCHER, state, BLACK, T0 + 1, lag_allowance_s=-0.5)
    with pytest.raises(ValueError):
        charge(FISCHER, state, BLACK, math.inf)


def test_app_go_colors_are_accepted() -> None:
    state = charge(FISCHER, start(FISCHER, Color.BLACK, T0), Color.BLACK, T0 + 1)
    assert state.running_for == WHITE
    assert remaining(FISCHER, state, Color.BLACK, T0 + 1) == (604.0, 0)


def test_the_module_reads_no_clock_and_imports_only_the_standard_library() -> None:
    package = Path(__file__).resolve().parents[2] / "app" / "clock"
    paths = sorted(package.glob("*.py"))
    assert paths, package
    names: set[str] = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:  # not its own modules
                names.add(node.module.split(".")[0])
    assert names <= set(sys.stdlib_module_names)
    assert not names & {"time", "datetime"}


# -- properties ---------------------------------------------------------------------------------

thinks = st.lists(st.floats(0, 120, allow_nan=False), max_size=60)
fischer_controls = st.builds(TimeControl.fischer, st.floats(1, 3600), st.floats(0, 60))
byo_controls = st.builds(TimeControl.byoyomi, st.floats(0, 600), st.integers(1, 30), st.floats(1, 120))
controls = st.one_of(fischer_controls, byo_controls)


@given(fischer_controls, thinks, st.sampled_from(COLORS))
def test_fischer_time_is_conserved_when_nobody_flags(control: TimeControl, times: list[float], first: str) -> None:
    state = start(control, first, T0)
    now = T0
    used = {BLACK: 0.0, WHITE: 0.0}
    moves = {BLACK: 0, WHITE: 0}
    for think in times:
        mover = state.running_for
        assert mover is not None
        now += think
        state = charge(control, state, mover, now)
        if state.flagged:
            # Flagged only if the side really had no time left.
            assert used[mover] + think >= control.main_s + control.increment_s * moves[mover] - 1e-6
            return
        used[mover] += think
        moves[mover] += 1
    for color in COLORS:
        total = used[color] + state.side(color).remaining_s
        assert total == pytest.approx(control.main_s + control.increment_s * moves[color], abs=1e-6)


@given(controls, thinks, st.floats(0, 3, allow_nan=False), st.floats(0, 500, allow_nan=False))
def test_clock_readings_are_never_negative_and_the_flag_rule_is_one_rule(
    control: TimeControl, times: list[float], lag: float, probe: float
) -> None:
    state = start(control, BLACK, T0)
    now = T0
    for think in times:
        assert state.running_for is not None
        # charge flags exactly when the deadline says so.
        deadline = flag_deadline(control, state, lag)
        assert deadline is not None
        later = now + think
        after = charge(control, state, state.running_for, later, lag)
        assert (after.flagged is not None) == (later >= deadline) == is_flag_fallen(control, state, later, lag)
        state, now = after, later
        for color in COLORS:
            main, periods = remaining(control, state, color, now + probe)
            assert main >= 0 and periods >= 0
            assert state.side(color).remaining_s >= 0
            if control.kind == "byoyomi":
                assert state.side(color).periods_left <= control.periods
        if state.flagged:
            assert state.side(state.flagged) == SideClock(0.0, 0)
            return
    assert ClockState.from_json(json.loads(json.dumps(state.to_json()))) == state


@given(controls, st.floats(0, 10**4, allow_nan=False), st.floats(0, 10**4, allow_nan=False))
def test_remaining_only_decreases_while_running(control: TimeControl, a: float, b: float) -> None:
    state = start(control, WHITE, T0)
    early, late = sorted((a, b))
    assert remaining(control, state, WHITE, T0 + late) <= remaining(control, state, WHITE, T0 + early)
