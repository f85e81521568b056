"""Workers started as separate processes the way the Procfile starts them: concurrency and
redelivery after a worker is killed. These use their own key prefix (and so their own queues),
apart from the embedded worker of the other task tests."""

from __future__ import annotations

import signal
import time
import uuid
from typing import Iterator

import pytest
import redis

from app import game
from app.celery_app import create_celery
from app.config import Settings
from app.go import Color
from app.store import GameStore

from ..conftest import RUN_PREFIX
from ..support import processes
from .conftest import Listener, Player

PREFIX = f"{RUN_PREFIX}-procs"
VISIBILITY_TIMEOUT_S = 2


@pytest.fixture(scope="module")
def settings(redis_url: str) -> Settings:
    return Settings.from_env(redis_url=redis_url, key_prefix=PREFIX, visibility_timeout_s=VISIBILITY_TIMEOUT_S)


@pytest.fixture(scope="module")
def sender(settings: Settings):
    app = create_celery(settings)
    yield app
    app.close()


@pytest.fixture(scope="module")
def store(settings: Settings) -> Iterator[GameStore]:
    games = GameStore.connect(settings)
    yield games
    games.delete_everything()


class Workers:
    def __init__(self, settings: Settings, sender, tmp_path) -> None:
        self.settings = settings
        self.sender = sender
        self.tmp_path = tmp_path
        self.running: list = []

    def start(self, name: str, **env: str) -> object:
        process = processes.start(
            "worker",
            {"KEY_PREFIX": PREFIX, "REDIS_URL": self.settings.redis_url,
             "VISIBILITY_TIMEOUT_S": str(VISIBILITY_TIMEOUT_S), **env},
            extra_args=processes.worker_name_args("worker", f"{name}-{uuid.uuid4().hex[:6]}"),
            log=self.tmp_path / f"{name}.log",
        )
        self.running.append(process)
        return process

    def wait_ready(self, count: int, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.sender.control.ping(timeout=0.5) or []) >= count:
                return
        logs = {p.name: p.read_text()[-2000:] for p in self.tmp_path.glob("*.log")}
        raise AssertionError(f"{count} workers did not answer a ping in {timeout}s: {logs}")

    def stop_all(self) -> None:
        for process in self.running:
            processes.kill(process, signal.SIGTERM)


@pytest.fixture
def workers(settings, sender, tmp_path) -> Iterator[Workers]:
    running = Workers(settings, sender, tmp_path)
    yield running
    running.stop_all()


@pytest.fixture
def players(redis_url: str, store: GameStore) -> Iterator[tuple[Player, Player, str]]:
    """A game in play with two seated players, written straight into the store."""
    listening = Listener(redis_url)
    black, white = Player(listening, store.keys), Player(listening, store.keys)
    state = game.new_game(str(uuid.uuid4()), black.client_id, 9)
    state = game.join(state, white.client_id).state
    state = game.choose_color(state, black.client_id, game.ColorPref.BLACK).state
    state = game.choose_color(state, white.client_id, game.ColorPref.WHITE).state
    assert state.black == black.client_id
    store.create(state)
    for player in (black, white):
        player.follow(state.game_id)
    yield black, white, state.game_id
    listening.close()


def send_move(sender, game_id: str, player: Player, color: str, x: int, y: int, req_id: str) -> None:
    sender.send_task("bugout.moves.make_move", args=(game_id, player.client_id, req_id, color, {"x": x, "y": y}))


def answers(player: Player, req_ids: set[str]) -> list[dict]:
    return [p for p in player.events() if p.get("replyTo") in req_ids]


def test_fifty_concurrent_moves_for_one_turn_make_exactly_one_move(workers, sender, store, players) -> None:
    black, white, game_id = players
    workers.start("a")
    workers.start("b")
    workers.wait_ready(2)
    req_ids = {f"race-{i}" for i in range(50)}
    for i, req_id in enumerate(sorted(req_ids)):
        send_move(sender, game_id, black, "BLACK", i % 9, i // 9, req_id)
    black.wait_for(lambda p: len(answers(black, req_ids)) >= 50, timeout=30)
    replies = answers(black, req_ids)
    made = [p for p in replies if p["type"] == "MoveMade"]
    rejected = [p for p in replies if p["type"] == "MoveRejected"]
    assert len(made) == 1 and len(rejected) == 49
    assert {p["reason"] for p in rejected} == {"not_your_turn"}
    state = store.load(game_id)
    assert len(state.moves) == 1 and state.version == made[0]["version"]
    assert game.decode_move(state.moves[0]).color is Color.BLACK
    assert state.board().to_move is Color.WHITE
    # The history holds the one move, once.
    events = store.events_since(game_id, made[0]["version"] - 1, black.client_id)
    assert [e["type"] for e in events].count("MoveMade") == 1


@pytest.mark.parametrize("fault_point", ["before_save", "after_save"])
def test_a_worker_killed_mid_move_loses_nothing_and_doubles_nothing(
    workers, sender, store, players, redis_url, fault_point: str
) -> None:
    black, white, game_id = players
    client = redis.Redis.from_url(redis_url)
    paused_key = f"{PREFIX}:fault:paused"
    client.delete(paused_key)
    victim = workers.start("victim", FAULT_PAUSE_S="60", FAULT_PAUSE_AT=fault_point)
    workers.wait_ready(1)
    send_move(sender, game_id, black, "BLACK", 4, 4, "the-move")
    deadline = time.monotonic() + 20
    while not client.get(paused_key):
        assert time.monotonic() < deadline, "the worker never reached the fault point"
        time.sleep(0.02)
    processes.kill(victim)  # SIGKILL in the middle of the task: no ack was sent
    workers.start("rescuer")
    made = black.wait("MoveMade", replyTo="the-move", timeout=30)
    assert made["coord"] == {"x": 4, "y": 4}
    state = store.load(game_id)
    assert state.moves == ["Bee"]
    # After the redelivery, a resend of the same request still changes nothing.
    send_move(sender, game_id, black, "BLACK", 4, 4, "the-move")
    black.wait_for(lambda p: len([e for e in answers(black, {"the-move"}) if e["type"] == "MoveMade"]) >= 2,
                   timeout=15)
    assert store.load(game_id).moves == ["Bee"]
    assert all(e["eventId"] == made["eventId"] for e in answers(black, {"the-move"}))
    client.close()
