"""Bot workers running configured engines (ENGINES_FILE) on a stack of their own: an engine that
overruns its time per move, and a bot worker that dies mid-move while another one runs.

The engines are the fake GTP engine (tests/fakes/fake_gtp.py) with a delay far beyond the time
it is given, so what is tested is what happens at the deadline, never how fast anything is. Each
fake writes a line when it begins a command; tests wait for those lines and for events.
"""

from __future__ import annotations

import signal
import time
import uuid
from pathlib import Path
from typing import Callable, Iterator

import pytest

from app.celery_app import create_celery
from app.keys import Keys
from app.liveness import engine_status
from tasks.lobby import game_id_for

from ..conftest import RUN_PREFIX
from ..fakes import fake_gtp_argv
from ..support import processes
from ..support.stack import Stack
from .conftest import Listener, Player

FAR_BEYOND_S = 600
"""The slow fake's delay: far beyond its time per move, and beyond the test's own patience."""


def engines_file(path: Path, log: Path, seconds_per_move: float, *options: str) -> Path:
    """Every strength played by the fake engine with ``options``, logging to ``log``."""
    argv = ", ".join(f'"{a}"' for a in fake_gtp_argv(f"--log={log}", *options))
    path.write_text(f"[defaults]\nname = \"Fake\"\nargv = [{argv}]\nseconds_per_move = {seconds_per_move}\n")
    log.touch()
    return path


def began(log: Path, command: str) -> bool:
    return any(line.split(" ", 1)[1] == f"start {command}" for line in log.read_text().splitlines())


def answered(log: Path, command: str) -> bool:
    return any(line.split(" ", 1)[1] == f"done {command}" for line in log.read_text().splitlines())


def wait_until(condition: Callable[[], bool], what: str, logs: list[Path], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"{what} did not happen:\n" + "\n".join(processes.tail(p) for p in logs)
        time.sleep(0.05)


class BotStack:
    def __init__(self, tmp: Path, redis_url: str) -> None:
        self.tmp = tmp
        self.stack = Stack(tmp, redis_url, prefix=f"{RUN_PREFIX}-engines-{uuid.uuid4().hex[:6]}")
        self.sender = create_celery(self.stack.settings)
        self.listener = Listener(redis_url)
        self.keys = Keys(self.stack.prefix)
        self.stack.start_ready("moves")  # people only: the AI is the workers' of ``bot`` below

    def bot(self, engines: Path) -> processes.WorkerProcess:
        return self.stack.start_ready("bot", ENGINES_FILE=str(engines))

    def ai_game(self, bot_color: str = "BLACK") -> tuple[Player, str]:
        human = Player(self.listener, self.keys)
        req_id = str(uuid.uuid4())
        game_id = game_id_for(human.client_id, req_id)
        human.follow(game_id)  # before it exists: nothing the bot says can be missed
        self.sender.send_task("bugout.lobby.attach_bot", args=(human.client_id, bot_color, "KataGoOneStar", {"boardSize": 9}),
                              kwargs={"req_id": req_id})
        assert human.wait("BotAttached", timeout=30)["gameId"] == game_id
        return human, game_id

    def stop(self) -> None:
        try:
            self.listener.close()
            self.sender.close()
        finally:
            for worker in self.stack.workers:  # bot workers may be mid-move by design: no waiting
                processes.kill(worker, signal.SIGKILL)
            self.stack.stop()


@pytest.fixture
def bots(tmp_path: Path, redis_url: str) -> Iterator[BotStack]:
    running = BotStack(tmp_path, redis_url)
    try:
        yield running
    finally:
        running.stop()


def test_an_engine_that_overruns_its_time_is_stopped_and_the_ai_passes_saying_so(bots: BotStack) -> None:
    log = bots.tmp / "slow.log"
    bots.bot(engines_file(bots.tmp / "slow.toml", log, 1, f"--genmove-delay-s={FAR_BEYOND_S}"))
    human, game_id = bots.ai_game(bot_color="BLACK")  # the AI moves first
    told = human.wait("Error", code="engine_overran", timeout=60)
    assert "took more than its 1.0 s" in told["message"] and "the AI passes" in told["message"]
    passed = human.wait("MoveMade", player="BLACK", timeout=30)
    assert passed["coord"] is None and passed["gameId"] == game_id
    assert began(log, "genmove black") and not answered(log, "genmove black")
    # The game goes on: the human plays, and the AI (a fresh engine, as slow) passes again.
    bots.sender.send_task("bugout.moves.make_move", args=(game_id, human.client_id, "h1", "WHITE", {"x": 4, "y": 4}))
    human.wait("MoveMade", player="WHITE", timeout=30)
    again = human.wait_for(lambda p: p["type"] == "MoveMade" and p["player"] == "BLACK"
                           and p["version"] > passed["version"], timeout=60)
    assert again["coord"] is None


def test_a_bot_worker_that_dies_mid_move_is_replaced_by_another_and_the_game_goes_on(bots: BotStack) -> None:
    dying_log, spare_log = bots.tmp / "dying.log", bots.tmp / "spare.log"
    dying = bots.bot(engines_file(bots.tmp / "dying.toml", dying_log, FAR_BEYOND_S, f"--genmove-delay-s={FAR_BEYOND_S}"))
    human, game_id = bots.ai_game(bot_color="BLACK")
    wait_until(lambda: began(dying_log, "genmove black"), "the first worker's genmove", [dying.log, dying_log])
    assert engine_status(bots.stack.store.redis, bots.keys)["status"] == "Online"  # its own report
    spare = bots.bot(engines_file(bots.tmp / "spare.toml", spare_log, 10))
    processes.kill(dying.process, signal.SIGKILL)  # the worker and its engine, mid-move
    # Acknowledged late, the task is given to the other worker after the visibility timeout (2 s).
    moved = human.wait("MoveMade", player="BLACK", timeout=90)
    assert moved["gameId"] == game_id and moved["coord"] == {"x": 0, "y": 0}  # the fake's first choice
    assert answered(spare_log, "genmove black"), processes.tail(spare.log)
    assert not answered(dying_log, "genmove black")
    assert len(bots.stack.store.load(game_id).moves) == 1  # played once


def test_the_procfile_worker_that_dies_mid_engine_move_leaves_it_to_another(bots: BotStack) -> None:
    """The engine's thread in the Procfile's one worker (app/engine_lane.py) acknowledges late too."""
    dying_log, spare_log = bots.tmp / "lane.log", bots.tmp / "spare.log"
    engines = engines_file(bots.tmp / "lane.toml", dying_log, FAR_BEYOND_S, f"--genmove-delay-s={FAR_BEYOND_S}")
    dying = bots.stack.start_ready("worker", ENGINES_FILE=str(engines))
    human, game_id = bots.ai_game(bot_color="BLACK")
    wait_until(lambda: began(dying_log, "genmove black"), "the worker's genmove", [dying.log, dying_log])
    spare = bots.bot(engines_file(bots.tmp / "spare.toml", spare_log, 10))
    processes.kill(dying.process, signal.SIGKILL)  # the worker, its engine's thread and its engine
    moved = human.wait("MoveMade", player="BLACK", timeout=90)
    assert moved["gameId"] == game_id and moved["coord"] == {"x": 0, "y": 0}
    assert answered(spare_log, "genmove black"), processes.tail(spare.log)
    assert not answered(dying_log, "genmove black")
    assert len(bots.stack.store.load(game_id).moves) == 1  # played once


def test_when_the_only_bot_worker_dies_mid_move_the_player_is_told_and_a_new_one_plays_it(bots: BotStack) -> None:
    dying_log, later_log = bots.tmp / "only.log", bots.tmp / "later.log"
    only = bots.bot(engines_file(bots.tmp / "only.toml", dying_log, FAR_BEYOND_S, f"--genmove-delay-s={FAR_BEYOND_S}"))
    human, game_id = bots.ai_game(bot_color="BLACK")
    wait_until(lambda: began(dying_log, "genmove black"), "the worker's genmove", [only.log, dying_log])
    processes.kill(only.process, signal.SIGKILL)  # the only bot worker, mid-move
    # Beat's sweep finds the AI's move overdue with no bot worker alive, and says so.
    told = human.wait("Error", code="ai_unavailable", timeout=120)
    assert "waits for one to come back" in told["message"]
    assert not bots.stack.store.load(game_id).moves
    later = bots.bot(engines_file(bots.tmp / "later.toml", later_log, 10))
    moved = human.wait("MoveMade", player="BLACK", timeout=120)
    assert moved["gameId"] == game_id and moved["coord"] == {"x": 0, "y": 0}
    assert answered(later_log, "genmove black"), processes.tail(later.log)
    assert len(bots.stack.store.load(game_id).moves) == 1  # played once, however often it was asked
