"""Tests for app.gtp: pure vertex conversion plus a real GNU Go subprocess.

Engine-death policy under test: the command that hits a dead engine raises
EngineDied; the *following* command transparently starts a fresh process.
"""

from __future__ import annotations

import os
import re
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.gtp import (
    COLUMNS,
    EngineDied,
    EngineTimeout,
    EngineUnavailable,
    GtpEngine,
    GtpError,
    find_gnugo,
    from_vertex,
    to_vertex,
)

# --------------------------------------------------------------------------
# Pure vertex conversion (no engine needed, never skipped)
# --------------------------------------------------------------------------


@pytest.mark.parametrize("size", [9, 13, 19, 25])
def test_vertex_round_trip_all_points(size: int) -> None:
    seen = set()
    for y in range(size):
        for x in range(size):
            v = to_vertex(x, y, size)
            assert "I" not in v
            assert from_vertex(v, size) == (x, y)
            assert from_vertex(v.lower(), size) == (x, y)
            seen.add(v)
    assert len(seen) == size * size


@pytest.mark.parametrize(
    ("x", "y", "size", "vertex"),
    [
        (0, 0, 9, "A9"),  # top-left
        (0, 8, 9, "A1"),  # bottom-left
        (8, 8, 9, "J1"),  # bottom-right: column 8 is J (I skipped)
        (7, 0, 9, "H9"),
        (3, 15, 19, "D4"),
        (15, 3, 19, "Q16"),
        (18, 0, 19, "T19"),
        (24, 24, 25, "Z1"),
        (8, 0, 13, "J13"),
    ],
)
def test_vertex_known_points(x: int, y: int, size: int, vertex: str) -> None:
    assert to_vertex(x, y, size) == vertex
    assert from_vertex(vertex, size) == (x, y)


def test_vertex_pass_and_garbage() -> None:
    assert from_vertex("pass", 19) is None
    assert from_vertex("PASS", 9) is None
    assert COLUMNS == "ABCDEFGHJKLMNOPQRSTUVWXYZ"
    for bad in ["I5", "i5", "", "resign", "D0", "D20", "T1x", "4D", "DD4", "D-1", "D04", "K1", " ", "Ä4"]:
        with pytest.raises(ValueError):
            from_vertex(bad, 9 if bad == "K1" else 19)
    with pytest.raises(ValueError):
        from_vertex("A10", 9)
    with pytest.raises(ValueError):
        to_vertex(9, 0, 9)
    with pytest.raises(ValueError):
        to_vertex(0, -1, 9)
    with pytest.raises(ValueError):
        to_vertex(0, 0, 26)
    with pytest.raises(ValueError):
        from_vertex("A1", 0)


# --------------------------------------------------------------------------
# Real engine
# --------------------------------------------------------------------------

# Only the tests that need a real GNU Go are skipped when it is missing; the
# pure vertex tests and the fake-engine tests (/bin/sh scripts) always run.
try:
    GNUGO: str | None = find_gnugo()
    _SKIP_REASON = ""
except EngineUnavailable as exc:  # pragma: no cover - environment dependent
    GNUGO = None
    _SKIP_REASON = f"GNU Go not installed: {exc}"

needs_gnugo = pytest.mark.skipif(GNUGO is None, reason=_SKIP_REASON)


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@pytest.fixture
def engine() -> Iterator[GtpEngine]:
    eng = GtpEngine(["--level", "1", "--seed", "1", "--chinese-rules"], timeout=10)
    try:
        yield eng
    finally:
        eng.stop()


def test_find_gnugo_env_override(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("GNUGO_BINARY", str(tmp_path / "nope"))
    with pytest.raises(EngineUnavailable):
        find_gnugo()
    eng = GtpEngine()
    with pytest.raises(EngineUnavailable):
        eng.command("version")
    assert not eng.is_running


@needs_gnugo
def test_version_and_lazy_start(engine: GtpEngine) -> None:
    assert not engine.is_running and engine.pid is None
    assert re.fullmatch(r"\d+(\.\d+)+", engine.command("version"))
    assert engine.is_running and isinstance(engine.pid, int)
    assert engine.name() == "GNU Go"


@needs_gnugo
def test_play_is_legal_list_stones_genmove_9x9(engine: GtpEngine) -> None:
    engine.boardsize(9)
    engine.clear_board()
    engine.komi(7.5)
    assert engine.is_legal("black", "D4")
    engine.play("black", "D4")
    assert not engine.is_legal("white", "D4")
    assert engine.list_stones("black") == ["D4"]
    assert engine.list_stones("white") == []
    move = engine.genmove("white")
    assert move not in ("pass", "resign")
    xy = from_vertex(move, 9)
    assert xy is not None
    assert engine.list_stones("white") == [move]
    engine.undo()
    assert engine.list_stones("white") == []
    score = engine.final_score()
    assert score[0] in "BW0"
    assert "D4" in engine.final_status_list("alive")


@needs_gnugo
def test_gtp_errors_leave_engine_usable(engine: GtpEngine) -> None:
    with pytest.raises(GtpError) as info:
        engine.command("no_such_command")
    assert info.value.command == "no_such_command"
    assert info.value.message == "unknown command"
    assert isinstance(info.value, ValueError)
    engine.boardsize(9)
    with pytest.raises(GtpError):
        engine.play("black", "Z99")
    engine.play("black", "E5")
    with pytest.raises(GtpError):
        engine.play("white", "E5")  # occupied
    with pytest.raises(ValueError):
        engine.command("version\nquit")  # would desync the protocol
    with pytest.raises(ValueError):
        engine.play("red", "E5")
    assert engine.list_stones("black") == ["E5"]


@needs_gnugo
def test_fixed_handicap_19x19(engine: GtpEngine) -> None:
    engine.boardsize(19)
    engine.clear_board()
    stones = engine.fixed_handicap(4)
    assert sorted(stones) == sorted(["D4", "Q16", "D16", "Q4"])
    assert sorted(engine.list_stones("black")) == sorted(stones)
    with pytest.raises(GtpError):
        engine.fixed_handicap(2)  # board not empty


@needs_gnugo
def test_loadsgf(engine: GtpEngine, tmp_path: Path) -> None:
    sgf = tmp_path / "g.sgf"
    sgf.write_text("(;GM[1]FF[4]SZ[9]KM[7.5];B[ee];W[cc])")
    assert engine.loadsgf(sgf) == "black"
    assert engine.list_stones("black") == ["E5"]
    assert engine.list_stones("white") == ["C7"]
    with pytest.raises(GtpError):
        engine.loadsgf(tmp_path / "missing.sgf")


_MIDGAME_19 = "Q16 D4 Q3 D16 K10 C10 R10 O17 F17 E14 N3 L4 G3 C6 J16 P9 O11 F11".split()


@needs_gnugo
def test_timeout_kills_process() -> None:
    eng = GtpEngine(["--level", "10"], timeout=10)
    try:
        eng.boardsize(19)
        # A scattered middle-game position: genmove at level 10 takes ~0.75 s
        # here (opening moves come from the fuseki book in ~20 ms).
        for i, vertex in enumerate(_MIDGAME_19):
            eng.play("black" if i % 2 == 0 else "white", vertex)
        pid = eng.pid
        assert pid is not None
        t0 = time.monotonic()
        with pytest.raises(EngineTimeout):
            eng.genmove("black", timeout=0.05)
        assert time.monotonic() - t0 < 2
        assert not eng.is_running and eng.pid is None
        assert _gone(pid)
        # Next command starts a fresh process (with a fresh, default board).
        assert eng.command("version")
        assert eng.pid != pid
        assert eng.list_stones("black") == []
    finally:
        eng.stop()


@needs_gnugo
def test_engine_death_raises_then_restarts(engine: GtpEngine) -> None:
    engine.boardsize(9)
    engine.play("black", "E5")
    pid = engine.pid
    assert pid is not None
    os.kill(pid, signal.SIGKILL)
    time.sleep(0.05)
    with pytest.raises(EngineDied) as info:
        engine.list_stones("black")
    assert info.value.returncode == -signal.SIGKILL
    assert not engine.is_running and engine.pid is None
    assert _gone(pid)
    # The following command restarts a fresh engine (default state).
    assert engine.list_stones("black") == []
    assert engine.is_running and engine.pid != pid


def _fake_engine(tmp_path: Path, body: str) -> str:
    script = tmp_path / "fake-gtp"
    script.write_text("#!/bin/sh\n" + body)
    script.chmod(0o755)
    return str(script)


def test_engine_death_mid_command_with_fake_engine(tmp_path: Path) -> None:
    # Deterministic: a fake engine answers one command, then sends a partial
    # response and exits while we wait -> EOF -> EngineDied with its status.
    fake = _fake_engine(
        tmp_path,
        "read line; printf '=1 fake 1.0\\n\\n'\n"
        "read line; printf '= half'; exit 3\n",
    )
    eng = GtpEngine(binary=fake, timeout=5)
    try:
        assert eng.command("1 version") == "fake 1.0"  # GTP ids are tolerated
        pid = eng.pid
        with pytest.raises(EngineDied) as info:
            eng.genmove("black")
        assert info.value.returncode == 3
        assert not eng.is_running and eng.pid is None
        assert pid is not None and _gone(pid)
        assert eng.command("version") == "fake 1.0"  # restarted
        assert eng.pid != pid
    finally:
        eng.stop()


def test_multiline_response_with_fake_engine(tmp_path: Path) -> None:
    fake = _fake_engine(tmp_path, "read line; printf '= A1 B2\\r\\nC3\\r\\n\\r\\n'; sleep 5\n")
    eng = GtpEngine(binary=fake, timeout=5)
    try:
        assert eng.final_status_list("dead") == ["A1", "B2", "C3"]
        t0 = time.monotonic()
        eng.stop()  # quit is ignored by the fake; stop must still finish
        assert time.monotonic() - t0 < 4
        assert not eng.is_running
    finally:
        eng.stop()


@needs_gnugo
def test_stop_and_context_manager() -> None:
    with GtpEngine(["--level", "1"]) as eng:
        eng.start()
        eng.start()  # idempotent
        pid = eng.pid
        assert pid is not None and eng.is_running
        assert eng.command("version")
    assert not eng.is_running and eng.pid is None
    assert _gone(pid)
    eng.stop()  # idempotent
    # Usable again after stop: restarts lazily.
    try:
        assert eng.command("version")
        assert eng.is_running
    finally:
        eng.stop()
    assert not eng.is_running
