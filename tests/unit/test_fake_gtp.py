"""The fake GTP engine (tests/fakes/fake_gtp.py) through the real client, app.gtp.GtpEngine, and
through app.engine.EngineKeeper, which the bot worker runs it under."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.choices import Strength
from app.engine import RESIGN, EngineKeeper, EngineOverran
from app.engines import EngineSpec
from app.game import GameState, attach_bot, encode_move, new_game
from app.go import Color, Move, Point
from app.gtp import EngineDied, EngineTimeout, GtpEngine, GtpError

from ..fakes import FAKE_GTP, fake_gtp_argv, fake_gtp_binary


@pytest.fixture
def binary(tmp_path: Path) -> str:
    return str(fake_gtp_binary(tmp_path))


@pytest.fixture
def engine(binary: str) -> Iterator[GtpEngine]:
    with GtpEngine(["--chinese-rules"], timeout=5, binary=binary) as running:
        yield running


def with_env(monkeypatch: pytest.MonkeyPatch, **variables: str) -> None:
    for name, value in variables.items():
        monkeypatch.setenv(name, value)


def test_the_script_itself_is_executable() -> None:
    assert os.access(FAKE_GTP, os.X_OK)
    assert FAKE_GTP.read_text().startswith("#!/usr/bin/env python3\n")


def test_it_answers_the_keepers_commands(engine: GtpEngine) -> None:
    assert engine.command("protocol_version") == "2"
    assert engine.name() == "Fake GTP"
    engine.boardsize(9)
    engine.clear_board()
    engine.komi(7.5)
    engine.play("black", "E5")
    engine.command("level 4")
    assert engine.list_stones("black") == ["E5"]
    assert engine.final_status_list("dead") == []
    with pytest.raises(GtpError):
        engine.play("white", "E5")  # occupied
    with pytest.raises(GtpError):
        engine.command("no_such_command")
    assert engine.command("known_command genmove") == "true"


def test_genmove_is_deterministic_first_legal_point_and_plays_it(engine: GtpEngine) -> None:
    engine.boardsize(9)
    engine.clear_board()
    assert engine.genmove("white") == "A9"  # the top-left point comes first
    assert engine.genmove("black") == "B9"
    assert engine.list_stones("white") == ["A9"]
    engine.undo()
    assert engine.list_stones("black") == []


def test_it_captures_and_refuses_suicide_and_the_ko_retake(engine: GtpEngine) -> None:
    engine.boardsize(5)
    engine.clear_board()
    # Black C4 sits in White's mouth (C5 D4 C3) with one liberty, B4, inside Black's (B5 A4 B3).
    for color, vertex in [("black", "B5"), ("white", "C5"), ("black", "A4"), ("white", "D4"),
                          ("black", "B3"), ("white", "C3"), ("black", "C4")]:
        engine.play(color, vertex)
    engine.play("white", "B4")  # captures C4 and has C4 as its one liberty: a ko
    assert "C4" not in engine.list_stones("black")
    assert not engine.is_legal("black", "C4")  # the immediate retake
    with pytest.raises(GtpError):
        engine.play("black", "C4")
    engine.boardsize(3)
    engine.clear_board()
    engine.play("black", "A2")
    engine.play("black", "B3")
    with pytest.raises(GtpError):
        engine.play("white", "A3")  # suicide
    assert engine.genmove("white") != "A3"


def test_a_board_filled_but_for_eyes_is_passed(engine: GtpEngine) -> None:
    engine.boardsize(3)
    engine.clear_board()
    for vertex in ["A3", "B3", "C3", "B2", "A1", "B1", "C1"]:
        engine.play("black", vertex)
    # A2 and C2 are Black's eyes: Black does not fill them, White may not play there.
    assert engine.genmove("black") == "pass"
    assert engine.genmove("white") == "pass"
    assert engine.final_score() == "B+9"


def test_delays_hangs_failures_and_death_come_from_the_environment(
    binary: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "gtp.log"
    with_env(monkeypatch, FAKE_GTP_HANG="genmove", FAKE_GTP_FAIL="komi", FAKE_GTP_LOG=str(log))
    with GtpEngine([], timeout=5, binary=binary) as hanging:
        hanging.boardsize(9)
        with pytest.raises(GtpError, match="fake failure"):
            hanging.komi(6.5)
        with pytest.raises(EngineTimeout):
            hanging.genmove("black", timeout=0.3)
    lines = log.read_text().splitlines()
    assert any(line.endswith("start genmove black") for line in lines)
    assert not any(line.endswith("done genmove black") for line in lines)

    monkeypatch.delenv("FAKE_GTP_HANG")
    monkeypatch.delenv("FAKE_GTP_FAIL")
    with_env(monkeypatch, FAKE_GTP_DIE_AFTER="2")
    with GtpEngine([], timeout=5, binary=binary) as dying:
        dying.boardsize(9)
        dying.clear_board()
        with pytest.raises(EngineDied):
            dying.komi(7.5)
        dying.boardsize(9)  # a fresh process answers again


def test_the_keeper_plays_a_game_on_it(binary: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "gtp.log"
    with_env(monkeypatch, FAKE_GTP_LOG=str(log))
    statuses: list[str] = []
    keeper = EngineKeeper(idle_stop_s=None, binary=binary, on_status=lambda status, since: statuses.append(status))
    try:
        decision = attach_bot(new_game("fake-gtp-game", "human", board_size=9), Color.WHITE, Strength.ONE_STAR)
        state = decision.state
        assert state is not None
        state.moves.append(encode_move(Move(Color.BLACK, Point(0, 0))))
        assert keeper.genmove(state) == Point(1, 0)  # synced: A9 is taken, B9 is next
        assert statuses == ["Booting", "Online"]
        assert any(line.endswith("done genmove white") for line in log.read_text().splitlines())
    finally:
        keeper.stop()
    assert statuses[-1] == "Idle"


# -- any GTP engine, its time per move, and an overrun ------------------------------------------

FAR_BEYOND_S = "600"
"""The slow fake's delay: far beyond any time per move here, so an overrun is never a race."""


def fake_spec(log: Path, *options: str, **fields: object) -> EngineSpec:
    values: dict[str, object] = {"name": "Fake", "argv": tuple(fake_gtp_argv(f"--log={log}", *options))}
    return EngineSpec(**{**values, **fields})  # type: ignore[arg-type]


def bot_state(strength: Strength = Strength.ONE_STAR) -> GameState:
    decision = attach_bot(new_game(f"fake-{uuid.uuid4().hex}", "human", board_size=9), Color.WHITE, strength)
    assert decision.state is not None
    state = decision.state
    state.moves.append(encode_move(Move(Color.BLACK, Point(0, 0))))
    return state


def started_commands(log: Path) -> list[str]:
    return [line.split(" ", 2)[2] for line in log.read_text().splitlines() if line.split(" ", 2)[1] == "start"]


@pytest.mark.parametrize("on_overrun, fallback", [("pass", None), ("resign", RESIGN)])
def test_an_engine_that_overruns_its_time_per_move_is_stopped_and_the_ai_passes_or_resigns(
    tmp_path: Path, on_overrun: str, fallback: object
) -> None:
    log = tmp_path / "gtp.log"
    slow = fake_spec(log, f"--genmove-delay-s={FAR_BEYOND_S}", seconds_per_move=0.5, on_overrun=on_overrun)
    statuses: list[str] = []
    keeper = EngineKeeper(idle_stop_s=None, engines={s: slow for s in Strength},
                          on_status=lambda status, since: statuses.append(status))
    try:
        keeper.ensure()
        pid = keeper.pid
        assert pid is not None
        with pytest.raises(EngineOverran, match="took more than its 0.5 s") as overran:
            keeper.genmove(bot_state())
        assert overran.value.fallback == fallback
        assert keeper.pid is None and keeper.status == "Idle"
        assert statuses == ["Booting", "Online", "Idle"]
        assert "genmove white" in started_commands(log)
        with pytest.raises(ProcessLookupError):  # stopped, and reaped: not left thinking
            os.kill(pid, 0)
    finally:
        keeper.stop()


def test_any_gtp_engine_gets_its_commands_and_the_time_for_its_move(tmp_path: Path) -> None:
    log = tmp_path / "gtp.log"
    spec = fake_spec(log, commands=("level 3",), seconds_per_move=7)
    keeper = EngineKeeper(idle_stop_s=None, engines={s: spec for s in Strength})
    try:
        assert keeper.genmove(bot_state()) == Point(1, 0)
        assert keeper.flags == ()  # rules = "none": no GNU Go flags on another engine's command line
    finally:
        keeper.stop()
    commands = started_commands(log)
    assert commands[commands.index("play black A9") + 1:] == [
        "level 3", "time_settings 0 7 1", "time_left white 7 1", "genmove white", "quit"]


def test_an_engine_without_time_commands_is_not_sent_them(tmp_path: Path) -> None:
    log = tmp_path / "gtp.log"
    spec = fake_spec(log, "--unknown=time_settings,time_left")
    keeper = EngineKeeper(idle_stop_s=None, engines={s: spec for s in Strength})
    try:
        assert keeper.genmove(bot_state()) == Point(1, 0)
    finally:
        keeper.stop()
    assert not any(c.startswith("time_") for c in started_commands(log))


def test_strengths_with_other_engines_restart_the_process_and_gnugo_levels_share_one(tmp_path: Path) -> None:
    log = tmp_path / "gtp.log"
    one = fake_spec(log, "--name=one")
    two = fake_spec(log, "--name=two")
    keeper = EngineKeeper(idle_stop_s=None, engines={**{s: one for s in Strength}, Strength.TWO_STARS: two})
    try:
        keeper.genmove(bot_state(Strength.ONE_STAR))
        first = keeper.pid
        keeper.genmove(bot_state(Strength.THREE_STARS))
        assert keeper.pid == first  # the same command line: the same process
        keeper.genmove(bot_state(Strength.TWO_STARS))
        assert keeper.pid not in (None, first)
    finally:
        keeper.stop()
