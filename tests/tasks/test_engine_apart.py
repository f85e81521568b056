"""A busy AI engine never delays a human: while the engine thinks, moves and agreements in other
games are answered. In both shapes production runs: the Procfile's one ``worker`` (the engine's
tasks on a thread beside the moves, app/engine_lane.py), and a host split in two (a worker for
people, ``python -m app.worker moves --beat``, and one for the engine, ``python -m app.worker bot``).

A stack of its own (key prefix, its workers) whose engine is the fake GTP engine
(tests/fakes/fake_gtp.py) with a slow command. The fake engine writes a line when it begins
that command and another just before it answers; the test waits for the first, sends the human
commands, waits for their answers, and then checks that the engine's answer has still not come.
The order of events is asserted, never a duration.
"""

from __future__ import annotations

import signal
import time
import uuid
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from app.celery_app import create_celery
from app.keys import Keys
from tasks.lobby import game_id_for

from ..conftest import RUN_PREFIX
from ..fakes import fake_gtp_binary
from ..support import processes
from ..support.stack import Stack
from . import flows
from .conftest import Listener, Player

SLOW_S = "60"
"""How long the fake engine takes over its slow command (the keeper gives up on a genmove after
10 s and on the dead-stone analysis after 60 s; the test is over long before either)."""
VISIBILITY_TIMEOUT_S = "300"
"""Longer than any task here: a task held by the busy bot worker is not redelivered meanwhile."""


class EngineApart:
    """The stack, a sender on its prefix, a listener, and the fake engine's log."""

    def __init__(self, tmp: Path, redis_url: str) -> None:
        self.stack = Stack(tmp, redis_url, prefix=f"{RUN_PREFIX}-apart-{uuid.uuid4().hex[:6]}")
        self.gtp_log = tmp / "gtp.log"
        self.gtp_log.touch()
        self.sender = create_celery(self.stack.settings)
        self.listener = Listener(redis_url)
        self.keys = Keys(self.stack.prefix)
        self.bot: processes.WorkerProcess | None = None
        """The process whose engine it is."""

    def start(self, shape: str, **engine_env: str) -> None:
        common = {"VISIBILITY_TIMEOUT_S": VISIBILITY_TIMEOUT_S}
        engine = {**common, "GNUGO_BINARY": str(fake_gtp_binary(self.stack.tmp)), "FAKE_GTP_LOG": str(self.gtp_log),
                  **engine_env}
        if shape == ONE_WORKER:
            self.bot = self.stack.start_ready("worker", **engine)
        else:
            self.stack.start_ready("moves", **common)
            self.bot = self.stack.start_ready("bot", **engine)

    def stop(self) -> None:
        try:
            self.listener.close()
            self.sender.close()
        finally:
            if self.bot is not None:  # busy by design: no warm shutdown to wait for
                processes.kill(self.bot.process, signal.SIGKILL)
            self.stack.stop()

    # -- driving the tasks -----------------------------------------------------------------------
    def send(self, task: str, *args: Any) -> None:
        self.sender.send_task(task, args=args)  # routed as the web routes it: bugout.bot.* to bot

    def player(self) -> Player:
        return Player(self.listener, self.keys)

    def seated(self, black: Player, white: Player) -> str:
        return flows.seated(black, white, send=self.send)

    def move(self, player: Player, game_id: str, color: str, x: int | None, y: int | None = None) -> dict:
        answer = flows.play(player, game_id, color, x, y, send=self.send)
        assert answer["type"] == "MoveMade", answer
        return answer

    # -- the fake engine -------------------------------------------------------------------------
    def engine_lines(self) -> list[str]:
        return [line.split(" ", 1)[1] for line in self.gtp_log.read_text().splitlines()]

    def wait_until_engine_began(self, command: str, timeout: float = 60) -> None:
        """Until the fake engine wrote that it began ``command`` (bounded; the bot worker's log
        tail if it died or never got there)."""
        bot = self.bot
        assert bot is not None
        deadline = time.monotonic() + timeout
        while f"start {command}" not in self.engine_lines():
            assert bot.process.poll() is None, f"the bot worker exited:\n{processes.tail(bot.log)}"
            assert time.monotonic() < deadline, (
                f"the engine never began {command!r}: {self.engine_lines()[-10:]}\n{processes.tail(bot.log)}")
            time.sleep(0.02)

    def engine_answered(self, prefix: str) -> bool:
        return any(line.startswith(f"done {prefix}") for line in self.engine_lines())


ONE_WORKER, SPLIT = "the Procfile's one worker", "a worker for people and one for the engine"


FIRST_GUESS_THEN_AGREEMENT = [(0, []), (1, ["BLACK"])]


def count_steps(player: Player, game_id: str) -> list[tuple[int, list[str]]]:
    """The game's ScoringPhase events as (version after play stopped, colours that accepted).

    The first guess, then Black's acceptance one version later: the engine's dead stones (a
    ScoringPhase of their own, with nobody's acceptance) did not come in between."""
    events = [e for e in player.events("ScoringPhase") if e["gameId"] == game_id]
    first = events[0]["version"] if events else 0
    return [(e["version"] - first, e["accepted"]) for e in events]


@pytest.fixture(params=[ONE_WORKER, SPLIT])
def apart(request: pytest.FixtureRequest, tmp_path: Path, redis_url: str) -> Iterator[Callable[..., EngineApart]]:
    made: list[EngineApart] = []

    def make(**engine_env: str) -> EngineApart:
        running = EngineApart(tmp_path, redis_url)
        made.append(running)
        running.start(request.param, **engine_env)
        return running

    yield make
    for running in made:
        running.stop()


def test_moves_and_agreements_are_answered_while_the_engine_thinks_on_a_bot_move(apart) -> None:
    env = apart(FAKE_GTP_GENMOVE_DELAY_S=SLOW_S)
    # A bot game in which the AI moves first: its reply hangs in the engine.
    human = env.player()
    req_id = str(uuid.uuid4())
    bot_game = game_id_for(human.client_id, req_id)
    human.follow(bot_game)  # before it exists: nothing the bot says can be missed
    env.sender.send_task("bugout.lobby.attach_bot", args=(human.client_id, "BLACK", "KataGoOneStar", {"boardSize": 9}),
                         kwargs={"req_id": req_id})
    assert human.wait("BotAttached")["gameId"] == bot_game
    env.wait_until_engine_began("genmove black")

    # Meanwhile, two people play another game to the end: a move, two passes, the count agreed.
    black, white = env.player(), env.player()
    game_id = env.seated(black, white)
    env.move(black, game_id, "BLACK", 2, 2)
    env.move(white, game_id, "WHITE", None)
    env.move(black, game_id, "BLACK", None)
    black.wait("ScoringPhase", gameId=game_id)
    env.send("bugout.moves.accept_score", black.client_id, game_id)
    env.send("bugout.moves.accept_score", white.client_id, game_id)
    over = white.wait("GameOver", gameId=game_id)
    assert over["reason"] == "score"

    # ... all of it while the bot's reply had not come: the engine is still on it.
    assert not env.engine_answered("genmove"), env.engine_lines()
    assert human.events("MoveMade") == [], human.events()
    assert [e for e in human.events("Error") if e.get("code") == "engine_failed"] == []
    # The game's dead-stone analysis waits on the bot queue behind the genmove: the count did not.
    assert not any(line.startswith("start final_status_list") for line in env.engine_lines())
    assert count_steps(black, game_id) == FIRST_GUESS_THEN_AGREEMENT
