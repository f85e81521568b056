"""The engine of each AI strength as configuration (app.engines), the AI's time for a move and
the GTP time commands drawn from the game's clock (app.engine_time), and what players see of
several bot workers' engines (app.liveness, on the real Redis)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Iterator, Optional

import pytest
import redis

from app import clock as clocks
from app.choices import Strength
from app.engine_time import FLAG_MARGIN_S, move_budget, time_commands
from app.engines import EngineConfigError, EngineSpec, default_engines, load_engines
from app.game import GameState, attach_bot, new_game
from app.go import Color
from app.keys import Keys
from app.liveness import STALE_S, WorkerBeacons, engine_status, report_engine_status

from ..conftest import RUN_PREFIX
from ..support.processes import ROOT

# -- the engines file ---------------------------------------------------------------------------

def write(tmp_path: Path, text: str, name: str = "engines.toml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_without_a_file_every_strength_is_gnugo_at_its_level() -> None:
    engines = load_engines("")
    assert [engines[s].name for s in Strength] == [f"GNU Go level {n}" for n in (1, 4, 6, 8)]
    assert all(e.rules == "gnugo" and e.argv[0] == "gnugo" for e in engines.values())
    assert engines[Strength.TWO_STARS].commands == ("level 4",)


def test_a_file_sets_other_engines_over_defaults_and_keeps_gnugo_where_it_names_none(tmp_path: Path) -> None:
    path = write(tmp_path, """
[defaults]
seconds_per_move = 3

[three_stars]
argv = ["katago", "gtp", "-config", "/srv/gtp.cfg"]
commands = ["kata-set-param maxVisits 50"]
time_controls = false

[four_stars]
name = "Pachi"
argv = ["pachi", "-t", "=5000"]
on_overrun = "resign"
""")
    engines = load_engines(path)
    one, three, four = engines[Strength.ONE_STAR], engines[Strength.THREE_STARS], engines[Strength.FOUR_STARS]
    assert one == EngineSpec("GNU Go level 1", ("gnugo", "--mode", "gtp"), ("level 1",), "gnugo", 3.0)
    assert three == EngineSpec("katago", ("katago", "gtp", "-config", "/srv/gtp.cfg"),
                               ("kata-set-param maxVisits 50",), "none", 3, time_controls=False)
    assert (four.name, four.rules, four.commands, four.on_overrun) == ("Pachi", "none", (), "resign")
    json_path = write(tmp_path, json.dumps({"one_star": {"argv": ["leelaz", "--gtp"]}}), "engines.json")
    assert load_engines(json_path)[Strength.ONE_STAR].argv == ("leelaz", "--gtp")


@pytest.mark.parametrize("text, complaint", [
    ("[five_stars]\nargv = ['x']\n", "unknown table.*five_stars"),
    ("[one_star]\nargs = ['x']\n", r"\[one_star\]: unknown key.*args"),
    ("[one_star]\nargv = 'gnugo --mode gtp'\n", "argv must be a list"),
    ("[one_star]\nargv = []\n", "argv must be a non-empty list"),
    ("[one_star]\nrules = 'japanese'\n", "rules must be 'gnugo' or 'none'"),
    ("[one_star]\non_overrun = 'lose'\n", "on_overrun must be 'pass' or 'resign'"),
    ("[one_star]\nseconds_per_move = 0\n", "seconds_per_move must be in"),
    ("[one_star\n", "is not valid"),
])
def test_a_bad_file_is_refused_saying_where(tmp_path: Path, text: str, complaint: str) -> None:
    with pytest.raises(EngineConfigError, match=complaint):
        load_engines(write(tmp_path, text))


def test_a_bot_worker_with_a_bad_file_stops_at_once_saying_why(tmp_path: Path) -> None:
    bad = write(tmp_path, "[one_star]\nargv = 'gnugo'\n")
    done = subprocess.run([sys.executable, "-m", "app.worker", "bot"], cwd=ROOT, capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "ENGINES_FILE": str(bad), "KEY_PREFIX": RUN_PREFIX},
                          timeout=120)
    assert done.returncode == 2
    assert "bad engine configuration" in done.stderr and "[one_star]: argv must be a list" in done.stderr


# -- the AI's time --------------------------------------------------------------------------------

SPEC = default_engines()[Strength.ONE_STAR]


def bot_game(control: Optional[clocks.TimeControl], now: float) -> GameState:
    state = new_game(f"t-{uuid.uuid4().hex}", "human", board_size=9, now=now, time_control=control)
    decision = attach_bot(state, Color.BLACK, Strength.ONE_STAR, now=now)  # the AI moves first
    assert decision.state is not None
    return decision.state


def test_an_untimed_game_gives_the_engine_its_time_per_move() -> None:
    state = bot_game(None, now=1000.0)
    assert move_budget(SPEC, state, Color.BLACK, 1000.0) == SPEC.seconds_per_move
    assert time_commands(SPEC, state, Color.BLACK, 1000.0) == ["time_settings 0 10 1", "time_left black 10 1"]


def test_a_clock_with_little_left_shortens_the_time_per_move_and_is_announced() -> None:
    state = bot_game(clocks.TimeControl.fischer(300, 5), now=1000.0)
    assert move_budget(SPEC, state, Color.BLACK, 1000.0) == SPEC.seconds_per_move  # plenty left
    assert move_budget(SPEC, state, Color.BLACK, 1295.0) == pytest.approx(5 - FLAG_MARGIN_S)
    assert time_commands(SPEC, state, Color.BLACK, 1295.5) == ["time_settings 300 0 0", "time_left black 4 0"]


def test_byoyomi_is_told_as_canadian_time_of_one_stone_per_period() -> None:
    state = bot_game(clocks.TimeControl.byoyomi(60, 3, 30), now=0.0)
    assert time_commands(SPEC, state, Color.BLACK, 10.0) == ["time_settings 60 30 1", "time_left black 50 0"]
    # Main time and one period gone: in the second of three periods, 20 s into it.
    assert time_commands(SPEC, state, Color.BLACK, 110.0) == ["time_settings 60 30 1", "time_left black 10 1"]
    assert move_budget(SPEC, state, Color.BLACK, 110.0) == SPEC.seconds_per_move  # 70 s before the flag


# -- several bot workers: what players see --------------------------------------------------------

@pytest.fixture
def two_workers(redis_url: str) -> Iterator[tuple[redis.Redis, Keys, WorkerBeacons]]:
    prefix = f"{RUN_PREFIX}-engines-{uuid.uuid4().hex[:6]}"
    client = redis.Redis.from_url(redis_url, decode_responses=True)
    keys = Keys(prefix)
    yield client, keys, WorkerBeacons(client, keys)
    for key in client.scan_iter(match=f"{prefix}*"):
        client.delete(key)
    client.close()


def test_one_awake_bot_worker_makes_the_engine_online_whoever_reported_last(two_workers) -> None:
    client, keys, beacons = two_workers
    assert engine_status(client, keys)["status"] == "Idle"
    assert engine_status(client, keys)["available"] is False
    beacons.beat("bot@home", ["bot"])
    beacons.beat("bot@cloud", ["bot"])
    report_engine_status(client, keys, "Online", 100.0, worker="bot@home")
    report_engine_status(client, keys, "Idle", 200.0, worker="bot@cloud")  # the last report
    seen = engine_status(client, keys)
    assert (seen["status"], seen["since"], seen["available"]) == ("Online", "1970-01-01T00:01:40.000Z", True)
    report_engine_status(client, keys, "Booting", 300.0, worker="bot@cloud")
    assert engine_status(client, keys)["status"] == "Online"
    report_engine_status(client, keys, "Idle", 400.0, worker="bot@home")
    assert engine_status(client, keys)["status"] == "Booting"
    report_engine_status(client, keys, "Idle", 500.0, worker="bot@cloud")
    assert engine_status(client, keys)["since"] == "1970-01-01T00:08:20.000Z"  # since the last went idle


def test_a_worker_that_stopped_beating_no_longer_counts(two_workers) -> None:
    client, keys, beacons = two_workers
    now = time.time()
    beacons.beat("bot@gone", ["bot"], now=now - STALE_S - 5)
    beacons.beat("bot@here", ["bot"], now=now)
    report_engine_status(client, keys, "Online", now - 60, worker="bot@gone")
    report_engine_status(client, keys, "Idle", now - 30, worker="bot@here")
    assert engine_status(client, keys, now=now)["status"] == "Idle"
    beacons.leave("bot@here", ["bot"])
    assert engine_status(client, keys)["available"] is False
