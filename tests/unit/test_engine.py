"""Tests for app.engine: the warm GNU Go keeper of a bot worker, against the real GNU Go.

GNU Go is a hard requirement here: these tests fail (never skip) when it is missing.
"""

from __future__ import annotations

import os
import signal
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Callable, Optional

import pytest

from app.choices import Strength
from app.engine import (
    BOOTING,
    IDLE,
    ONLINE,
    RESIGN,
    EngineFailure,
    EngineKeeper,
    rule_flags,
)
from app.game import GameState, attach_bot, encode_move, new_game
from app.go import Color, Move, Point
from app.gtp import GtpEngine, find_gnugo, to_vertex


class Recorder:
    """Collects ``(status, since)`` reports from the keeper."""

    def __init__(self) -> None:
        self.reports: list[tuple[str, float]] = []

    def __call__(self, status: str, since: float) -> None:
        self.reports.append((status, since))

    @property
    def statuses(self) -> list[str]:
        return [s for s, _ in self.reports]


@pytest.fixture
def recorder() -> Recorder:
    return Recorder()


@pytest.fixture
def keeper(recorder: Recorder) -> Iterator[EngineKeeper]:
    k = EngineKeeper(idle_stop_s=300, timeout_s=20, on_status=recorder)
    try:
        yield k
    finally:
        k.stop()


def bot_game(
    size: int = 9,
    rules: str = "chinese",
    handicap: int = 0,
    komi: Optional[float] = None,
    bot: Color = Color.BLACK,
    strength: Strength = Strength.ONE_STAR,
) -> GameState:
    state = new_game(f"engine-test-{uuid.uuid4().hex}", "human", board_size=size, rules=rules,
                     komi=komi, handicap=handicap)
    decision = attach_bot(state, bot, strength)
    assert decision.state is not None
    return decision.state


def play(state: GameState, *moves: tuple[Color, Optional[tuple[int, int]]]) -> None:
    """Append moves (judged legal by the rules engine) to the state."""
    board = state.board()
    for color, xy in moves:
        move = Move(color, None if xy is None else Point(*xy))
        board.play(move)
        state.moves.append(encode_move(move))


def wait_for(condition: Callable[[], bool], timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


def assert_legal(state: GameState, reply: object) -> Point:
    assert isinstance(reply, Point), f"expected a point, got {reply!r}"
    board = state.board()
    assert board.is_legal(Move(board.to_move, reply)), f"{reply} is illegal for {board.to_move}"
    return reply


# -- pure ------------------------------------------------------------------------------------


def test_gnugo_is_installed() -> None:
    path = find_gnugo()  # raises, failing the run, when GNU Go is missing
    assert os.access(path, os.X_OK)


def test_rule_flags_per_preset() -> None:
    assert rule_flags("chinese") == ("--chinese-rules", "--positional-superko")
    assert rule_flags("tromp-taylor") == ("--chinese-rules", "--positional-superko", "--allow-all-suicide")
    assert rule_flags("japanese") == ("--japanese-rules",)
    assert rule_flags("original") == ("--chinese-rules", "--allow-all-suicide")


# -- lifecycle -------------------------------------------------------------------------------


def test_status_sequence_on_ensure_and_stop(keeper: EngineKeeper, recorder: Recorder) -> None:
    assert keeper.status == IDLE and keeper.pid is None
    before = time.time()
    keeper.ensure()
    assert recorder.statuses == [BOOTING, ONLINE]
    assert keeper.status == ONLINE and isinstance(keeper.pid, int)
    assert keeper.flags == rule_flags("chinese")
    stamps = [since for _, since in recorder.reports]
    assert before <= stamps[0] <= stamps[1] <= time.time()
    assert keeper.since == stamps[1]

    keeper.ensure()  # already running: nothing to report
    assert recorder.statuses == [BOOTING, ONLINE]

    pid = keeper.pid
    assert pid is not None
    keeper.stop()
    assert recorder.statuses == [BOOTING, ONLINE, IDLE]
    assert keeper.status == IDLE and keeper.pid is None
    assert wait_for(lambda: _gone(pid))
    keeper.stop()  # idempotent, no new report
    assert recorder.statuses == [BOOTING, ONLINE, IDLE]


def test_idle_timer_stops_the_engine(recorder: Recorder) -> None:
    keeper = EngineKeeper(idle_stop_s=0.2, on_status=recorder)
    try:
        keeper.ensure()
        started = time.monotonic()
        assert keeper.status == ONLINE
        assert wait_for(lambda: keeper.status == IDLE, timeout=5.0)
        assert time.monotonic() - started >= 0.15
        assert recorder.statuses == [BOOTING, ONLINE, IDLE]
        assert keeper.pid is None
        # A later use boots it again.
        assert_legal(state := bot_game(), keeper.genmove(state))
        assert recorder.statuses[-2:] == [BOOTING, ONLINE]
        assert wait_for(lambda: keeper.status == IDLE, timeout=5.0)
    finally:
        keeper.stop()


def test_stop_if_idle_respects_last_use(keeper: EngineKeeper, recorder: Recorder) -> None:
    keeper.ensure()
    assert not keeper.stop_if_idle()  # just used
    assert not keeper.stop_if_idle(now=keeper.last_used + 299)
    assert keeper.status == ONLINE
    assert keeper.stop_if_idle(now=keeper.last_used + 300)
    assert keeper.status == IDLE and keeper.pid is None
    assert not keeper.stop_if_idle(now=time.time() + 10_000)  # nothing left to stop
    assert recorder.statuses == [BOOTING, ONLINE, IDLE]


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    # A zombie still answers signal 0; look at its state instead.
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


# -- requests --------------------------------------------------------------------------------


def test_genmove_fresh_9x9_chinese(keeper: EngineKeeper, recorder: Recorder) -> None:
    state = bot_game(size=9, rules="chinese", bot=Color.BLACK, strength=Strength.FOUR_STARS)
    point = assert_legal(state, keeper.genmove(state))
    assert point.on_board(9)
    assert recorder.statuses == [BOOTING, ONLINE]
    assert keeper.flags == ("--chinese-rules", "--positional-superko")


def test_self_play_stays_legal(keeper: EngineKeeper) -> None:
    state = bot_game(size=9, strength=Strength.ONE_STAR)
    for _ in range(16):
        board = state.board()
        reply = keeper.genmove(state)
        if reply == RESIGN:
            break
        move = Move(board.to_move, reply)  # type: ignore[arg-type]
        board.play(move)  # raises if GNU Go's move is illegal under our rules
        state.moves.append(encode_move(move))
    assert len(state.moves) >= 10


def test_sync_replays_captures_and_passes(keeper: EngineKeeper) -> None:
    state = bot_game(size=9, strength=Strength.ONE_STAR)
    # Black captures the white stone at (1, 0) in the corner area; passes in between.
    play(
        state,
        (Color.BLACK, (0, 0)), (Color.WHITE, (1, 0)),
        (Color.BLACK, (2, 0)), (Color.WHITE, None),
        (Color.BLACK, (1, 1)), (Color.WHITE, (4, 4)),
    )
    assert state.board().captures[Color.BLACK] == 1
    assert_legal(state, keeper.genmove(state))
    engine = keeper._engine  # white-box: look at GNU Go's board after the sync
    assert engine is not None
    white = set(engine.list_stones("white"))
    assert to_vertex(1, 0, 9) not in white and to_vertex(4, 4, 9) in white


def test_sync_replays_an_immediate_ko_retake_under_the_original_rules(keeper: EngineKeeper) -> None:
    """GNU Go refuses an immediate ko retake in any of its modes; the original rules allow it."""
    state = bot_game(size=9, strength=Strength.ONE_STAR, bot=Color.WHITE)
    state.rules = "original"
    play(
        state,
        (Color.BLACK, (1, 0)), (Color.WHITE, (2, 0)), (Color.BLACK, (0, 1)), (Color.WHITE, (3, 1)),
        (Color.BLACK, (1, 2)), (Color.WHITE, (2, 2)), (Color.BLACK, (2, 1)),
        (Color.WHITE, (1, 1)),  # takes the ko...
        (Color.BLACK, (2, 1)),  # ...and Black retakes at once
    )
    assert_legal(state, keeper.genmove(state))
    engine = keeper._engine
    assert engine is not None
    assert to_vertex(2, 1, 9) in set(engine.list_stones("black"))
    assert to_vertex(1, 1, 9) not in set(engine.list_stones("white"))


def test_handicap_19x19_white_to_move(keeper: EngineKeeper) -> None:
    state = bot_game(size=19, handicap=4, komi=0.5, bot=Color.WHITE, strength=Strength.ONE_STAR)
    board = state.board()
    assert board.to_move is Color.WHITE and len(board.handicap_stones) == 4
    point = assert_legal(state, keeper.genmove(state))
    assert point not in board.handicap_stones
    engine = keeper._engine  # white-box: GNU Go's board holds our handicap stones and its move
    assert engine is not None
    assert set(engine.list_stones("black")) == {to_vertex(p.x, p.y, 19) for p in board.handicap_stones}
    assert engine.list_stones("white") == [to_vertex(point.x, point.y, 19)]
    # A few more moves on both sides stay in step.
    play(state, (Color.WHITE, tuple(point)))  # type: ignore[arg-type]
    for _ in range(4):
        reply = keeper.genmove(state)
        assert reply != RESIGN
        assert_legal(state, reply)
        play(state, (state.board().to_move, tuple(reply)))  # type: ignore[arg-type]


def test_restart_after_engine_killed(keeper: EngineKeeper, recorder: Recorder) -> None:
    keeper.ensure()
    pid = keeper.pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    state = bot_game()
    assert_legal(state, keeper.genmove(state))
    assert keeper.pid not in (None, pid)
    assert recorder.statuses == [BOOTING, ONLINE, BOOTING, ONLINE]
    assert keeper.status == ONLINE


def test_death_mid_request_is_retried_once(
    keeper: EngineKeeper, recorder: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_genmove = GtpEngine.genmove
    kills: list[int] = []

    def dying_genmove(self: GtpEngine, color: str, timeout: Optional[float] = None) -> str:
        if not kills:
            assert self.pid is not None
            kills.append(self.pid)
            os.kill(self.pid, signal.SIGKILL)
        return real_genmove(self, color, timeout)

    monkeypatch.setattr(GtpEngine, "genmove", dying_genmove)
    state = bot_game()
    assert_legal(state, keeper.genmove(state))
    assert len(kills) == 1 and keeper.pid != kills[0]
    assert recorder.statuses == [BOOTING, ONLINE, BOOTING, ONLINE]


def test_second_failure_raises_engine_failure(
    keeper: EngineKeeper, recorder: Recorder, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_genmove = GtpEngine.genmove
    kills: list[int] = []

    def always_dying(self: GtpEngine, color: str, timeout: Optional[float] = None) -> str:
        assert self.pid is not None
        kills.append(self.pid)
        os.kill(self.pid, signal.SIGKILL)
        return real_genmove(self, color, timeout)

    monkeypatch.setattr(GtpEngine, "genmove", always_dying)
    state = bot_game()
    with pytest.raises(EngineFailure, match="failed twice"):
        keeper.genmove(state)
    assert len(kills) == 2
    assert keeper.status == IDLE and keeper.pid is None
    assert recorder.statuses == [BOOTING, ONLINE, BOOTING, ONLINE, IDLE]
    monkeypatch.undo()
    assert_legal(state, keeper.genmove(state))  # and it recovers on the next request
    assert recorder.statuses[-2:] == [BOOTING, ONLINE]


def test_timeout_twice_raises_engine_failure(recorder: Recorder, tmp_path: Path) -> None:
    # A fake GTP engine that accepts everything but never answers komi: loading the game times out
    # twice. (A genmove that never answers is an overrun: tests/unit/test_fake_gtp.py.)
    fake = tmp_path / "hanging-gtp"
    fake.write_text(
        "#!/bin/sh\n"
        "while read -r line; do\n"
        "  case \"$line\" in\n"
        "    komi*) exec sleep 30 ;;\n"
        "    quit*) printf '= \\n\\n'; exit 0 ;;\n"
        "    *) printf '= \\n\\n' ;;\n"
        "  esac\n"
        "done\n"
    )
    fake.chmod(0o755)
    keeper = EngineKeeper(timeout_s=0.3, on_status=recorder, binary=str(fake))
    try:
        state = bot_game()
        started = time.monotonic()
        with pytest.raises(EngineFailure, match="failed twice.*timed out"):
            keeper.genmove(state)
        assert time.monotonic() - started < 5
        assert keeper.status == IDLE and keeper.pid is None
        assert recorder.statuses == [BOOTING, ONLINE, BOOTING, ONLINE, IDLE]
    finally:
        keeper.stop()


def test_refused_move_raises_engine_failure_and_keeps_engine(keeper: EngineKeeper) -> None:
    state = bot_game()
    play(state, (Color.BLACK, (4, 4)))
    state.moves.append("Wee")  # white on black's stone: a corrupt record GNU Go must refuse
    with pytest.raises(EngineFailure, match="move 2 refused"):
        keeper.genmove(state)
    assert keeper.status == ONLINE
    good = bot_game()
    assert_legal(good, keeper.genmove(good))


def test_missing_binary_raises_engine_failure(recorder: Recorder) -> None:
    keeper = EngineKeeper(binary="/nonexistent/gnugo", on_status=recorder)
    try:
        with pytest.raises(EngineFailure, match="not available"):
            keeper.genmove(bot_game())
        with pytest.raises(EngineFailure):
            keeper.ensure()
        assert keeper.status == IDLE
        assert recorder.statuses == [BOOTING, IDLE, BOOTING, IDLE]
    finally:
        keeper.stop()


def test_japanese_rules_restart_with_other_flags(keeper: EngineKeeper, recorder: Recorder) -> None:
    chinese = bot_game(rules="chinese")
    assert_legal(chinese, keeper.genmove(chinese))
    chinese_pid = keeper.pid
    assert keeper.flags == ("--chinese-rules", "--positional-superko")

    japanese = bot_game(rules="japanese")
    assert japanese.komi == 6.5
    assert_legal(japanese, keeper.genmove(japanese))
    japanese_pid = keeper.pid
    assert japanese_pid not in (None, chinese_pid)
    assert keeper.flags == ("--japanese-rules",)
    assert recorder.statuses == [BOOTING, ONLINE, BOOTING, ONLINE]
    assert chinese_pid is not None and wait_for(lambda: _gone(chinese_pid))

    assert_legal(japanese, keeper.genmove(japanese))  # same rules: same process
    assert keeper.pid == japanese_pid

    tromp = bot_game(rules="tromp-taylor")
    assert_legal(tromp, keeper.genmove(tromp))
    assert keeper.flags == ("--chinese-rules", "--positional-superko", "--allow-all-suicide")
    assert recorder.statuses == [BOOTING, ONLINE] * 3
