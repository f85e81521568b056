"""Things break; nothing acknowledged is lost. Servers on 127.0.0.1 only, every wait bounded."""

from __future__ import annotations

import json
import random
import signal
import time
import uuid

import pytest

from ..support import proc, processes
from ..support.seating import seat
from ..support.stack import OwnRedis, Stack
from ..support.wsclient import WsClient


@pytest.fixture
def stack(tmp_path, redis_url):
    running = Stack(tmp_path, redis_url)
    yield running
    running.stop()


def seated_pair(url: str) -> tuple[WsClient, WsClient, str]:
    black, white = WsClient(url), WsClient(url)
    black.identify()
    white.identify()
    return black, white, seat(black, white, 19)


def points(color: str):
    """Stones that never capture: Black fills rows from the top, White from the bottom."""
    rows = range(0, 9) if color == "BLACK" else range(18, 9, -1)
    return [(x, y) for y in rows for x in range(19)]


def test_a_worker_killed_under_load_loses_and_doubles_no_move(stack) -> None:
    stack.start_web()
    victim = stack.start_worker()
    stack.wait_workers(1)
    games = [seated_pair(stack.gateway) for _ in range(6)]
    sent: dict[str, tuple[WsClient, str]] = {}
    frames: dict[str, dict] = {}
    next_point = {g[2]: {"BLACK": iter(points("BLACK")), "WHITE": iter(points("WHITE"))} for g in games}
    to_move = {g[2]: "BLACK" for g in games}
    rescuer_started = False
    for round_number in range(30):
        for black, white, game_id in games:
            color = to_move[game_id]
            player = black if color == "BLACK" else white
            x, y = next(next_point[game_id][color])
            req_id = str(uuid.uuid4())
            sent[req_id] = (player, game_id)
            frames[req_id] = {"type": "MakeMove", "gameId": game_id, "reqId": req_id, "player": color,
                              "coord": {"x": x, "y": y}}
            player.send(frames[req_id])
            to_move[game_id] = "WHITE" if color == "BLACK" else "BLACK"
        if round_number == 10:
            processes.kill(victim)  # SIGKILL, mid-stream: some tasks were taken and not acked
            stack.start_worker()
            rescuer_started = True
        time.sleep(0.05)
    assert rescuer_started
    # Kombu's Redis transport takes a message off the queue (BRPOP) a moment before it records it
    # as unacknowledged: a worker killed in between loses that message. A client that heard
    # nothing resends the same frame (same reqId) as the page does: a move already judged gets the
    # same answer again, a lost one is judged now. Never twice.
    answers, resent = {}, 0
    for req_id, (player, _) in sent.items():
        for attempt in range(12):
            try:
                answers[req_id] = player.wait_for(
                    lambda e, r=req_id: e.get("replyTo") == r and e["type"] in ("MoveMade", "MoveRejected"),
                    timeout=5)
                break
            except AssertionError:
                player.send(frames[req_id])
                resent += 1
        assert req_id in answers, f"no answer for {req_id} even after resending it"
    for black, white, game_id in games:
        made = [r for r, (p, g) in sent.items() if g == game_id and answers[r]["type"] == "MoveMade"]
        stored = stack.store.load(game_id).moves
        assert len(stored) == len(made) == len(set(stored))
        # Moves that were rejected came out of order after the redelivery, never doubled.
        for r, (p, g) in sent.items():
            if g == game_id and answers[r]["type"] == "MoveRejected":
                assert answers[r]["reason"] in ("not_your_turn", "occupied")
    print(f"moves sent {len(sent)}, resent after silence {resent}")
    for black, white, _ in games:
        black.close()
        white.close()


def test_redis_restarted_during_play_loses_nothing_acknowledged(tmp_path) -> None:
    own = OwnRedis(tmp_path)
    stack = Stack(tmp_path, own.url)
    try:
        stack.start_web()
        stack.start_worker()
        stack.wait_workers(1)
        black, white, game_id = seated_pair(stack.gateway)
        acknowledged = []
        for color, player, (x, y) in [("BLACK", black, (3, 3)), ("WHITE", white, (15, 15)), ("BLACK", black, (3, 15))]:
            made = player.move(game_id, color, x, y)
            assert made["type"] == "MoveMade"
            acknowledged.append(made["version"])
        own.restart()  # AOF on: the game survives
        time.sleep(0.5)
        state = stack.store.load(game_id)
        assert state is not None and state.moves == ["Bdd", "Wpp", "Bdp"]
        # Play resumes (the worker and the relay reconnect by themselves); the clients catch
        # up by version in case the relay missed something while Redis was down.
        assert white.move(game_id, "WHITE", 15, 3)["type"] == "MoveMade"
        black.send({"type": "Reconnect", "gameId": game_id, "reqId": "after-restart", "sinceVersion": acknowledged[-1]})
        black.wait("Reconnected", replyTo="after-restart", timeout=20)
        assert black.wait("MoveMade", player="WHITE", turn=4, timeout=20)["coord"] == {"x": 15, "y": 3}
        assert stack.store.load(game_id).moves == ["Bdd", "Wpp", "Bdp", "Wpd"]
        black.close()
        white.close()
    finally:
        stack.stop()
        own.stop()


def reconnecting_client(url: str, client_id: str, game_id: str, since: int, attempts: int = 50) -> WsClient:
    """What the page does when its socket drops: retry with backoff, Identify, Reconnect."""
    delay = 0.05
    for _ in range(attempts):
        client = None
        try:
            client = WsClient(url, client_id)
            client.identify()
            client.send({"type": "Reconnect", "gameId": game_id, "reqId": "back", "sinceVersion": since})
            client.wait("Reconnected", replyTo="back")
            return client
        except (OSError, AssertionError, Exception):  # noqa: BLE001
            if client is not None:
                client.close()
            time.sleep(delay)
            delay = min(delay * 2, 1.0)
    raise AssertionError("could not reconnect")


def test_a_restarted_web_process_gets_its_clients_back(stack) -> None:
    stack.start_web()
    stack.start_worker()
    stack.wait_workers(1)
    black, white, game_id = seated_pair(stack.gateway)
    version = black.move(game_id, "BLACK", 3, 3)["version"]
    processes.kill(stack.web, signal.SIGTERM)
    black.wait_closed(timeout=15)
    stack.start_web()  # same port
    black.close()
    white.close()
    black = reconnecting_client(stack.gateway, black.client_id, game_id, version)
    white = reconnecting_client(stack.gateway, white.client_id, game_id, version)
    assert white.move(game_id, "WHITE", 15, 15)["type"] == "MoveMade"
    assert black.wait("MoveMade", player="WHITE")["coord"] == {"x": 15, "y": 15}
    black.close()
    white.close()


def test_ten_thousand_bad_frames_leave_the_server_up_and_the_games_unchanged(stack) -> None:
    stack.start_web()
    stack.start_worker()
    stack.wait_workers(1)
    black, white, game_id = seated_pair(stack.gateway)
    black.move(game_id, "BLACK", 3, 3)
    before = stack.store.load(game_id)
    web_pid = stack.web.pid  # the Procfile's web line is one process (web/serve.py)
    rng = random.Random(7)
    junk = [
        lambda: "".join(chr(rng.randrange(32, 127)) for _ in range(rng.randrange(0, 80))),
        lambda: json.dumps({"type": rng.choice(["MakeMove", "Nope", "Identify", "ToggleDead"]),
                            "gameId": game_id, "coord": {"x": rng.randrange(-5, 40), "y": "y"}}),
        lambda: json.dumps([rng.random() for _ in range(rng.randrange(0, 20))]),
        lambda: "{" * rng.randrange(1, 500),
        lambda: json.dumps({"type": "MakeMove", "gameId": game_id, "reqId": str(uuid.uuid4()),
                            "player": "WHITE", "coord": {"x": 4, "y": 4}}),
    ]
    senders = [WsClient(stack.gateway) for _ in range(40)]
    for sender in senders:
        sender.identify()
    warm = proc.memory(web_pid)["VmRSS"]
    for i in range(10_000):
        sender = senders[i % len(senders)]
        sender.send_raw(junk[i % len(junk)]())
        if i % 400 == 399:
            time.sleep(0.5)  # 40 connections x 10 frames: inside each one's rate limit
    for sender in senders:
        sender.send({"type": "ProvideIdleStatus"})
        sender.wait("IdleStatusProvided", timeout=60)
        sender.close()
    after = stack.store.load(game_id)
    assert (after.moves, after.version) == (before.moves, before.version)
    assert proc.memory(web_pid)["VmRSS"] - warm < 30_000, "the web process grew by more than 30 MB"
    assert white.closed_with is None, white.closed_with
    assert white.move(game_id, "WHITE", 15, 15)["type"] == "MoveMade", stack.store.load(game_id)
    black.close()
    white.close()
