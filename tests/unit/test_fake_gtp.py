"""The fake GTP engine (tests/fakes/fake_gtp.py) through the real client, app.gtp.GtpEngine, and
through app.engine.EngineKeeper, which the bot worker runs it under."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.choices import Strength
from app.engine import EngineKeeper
from app.game import attach_bot, encode_move, new_game
from app.go import Color, Move, Point
from app.gtp import EngineDied, EngineTimeout, GtpEngine, GtpError

from ..fakes import FAKE_GTP, fake_gtp_binary


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
