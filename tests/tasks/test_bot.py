"""The AI opponent with real GNU Go, real workers and Redis.

The engine lives in the bot worker, a process of its own (the root conftest's ``bot_worker``): its
state is read where that worker reports it, in Redis, and GNU Go is found among its children.
"""

from __future__ import annotations

import os
import signal
import time
import uuid

import pytest

from app import game
from app.liveness import engine_status
from tasks import lobby, moves

from ..support import processes
from .flows import play

pytestmark = pytest.mark.usefixtures("worker")


def bot_game(player, bot_color: str = "WHITE", bot_name: str = "KataGoOneStar", size: int = 9) -> str:
    """A game against the bot, its channel followed before it exists: the bot worker, a process of
    its own, may move first before this process has even read BotAttached."""
    req_id = str(uuid.uuid4())
    game_id = lobby.game_id_for(player.client_id, req_id)
    player.follow(game_id)
    lobby.attach_bot.delay(player.client_id, bot_color, bot_name, {"boardSize": size}, req_id=req_id)
    assert player.wait("BotAttached")["gameId"] == game_id
    return game_id


def engine_state(games) -> str:
    """What players see of the engines (only this session's bot worker reports here)."""
    return engine_status(games.redis, games.keys)["status"]


def engine_pids(bot_worker) -> list[int]:
    """GNU Go processes run by the bot worker (its children: the engine keeper starts them)."""
    return [pid for pid, name in processes.descendants(bot_worker.pid) if "gnugo" in name]


def test_a_full_game_against_the_bot_to_the_end_with_scoring(new_player, games) -> None:
    player = new_player()
    game_id = bot_game(player)
    human_moves = [(2, 2), (6, 6), (2, 6), (6, 2)]
    for turn in range(200):
        state = games.load(game_id)
        if state.phase is not game.Phase.PLAYING:
            break
        board = state.board()
        target = next(((x, y) for x, y in human_moves
                       if board.is_legal(game.Move(game.Color.BLACK, game.Point(x, y)))), None)
        if target in human_moves:
            human_moves.remove(target)
        answer = play(player, game_id, "BLACK", *(target or (None, None)))
        assert answer["type"] == "MoveMade", answer
        # The bot answers (unless this pass ended play).
        player.wait_for(lambda p: p["type"] in ("MoveMade", "ScoringPhase") and p.get("version", 0) > answer["version"],
                        timeout=30)
    assert games.load(game_id).phase is game.Phase.SCORING
    suggested = player.events("ScoringPhase")[-1]
    moves.accept_score.delay(player.client_id, game_id)  # the bot agrees to the suggestion
    over = player.wait("GameOver", timeout=20)
    assert over["reason"] == "score" and over["result"] == suggested["score"]["result"]
    assert all(m.startswith(("B", "W")) for m in games.load(game_id).moves)


def test_the_engine_sleeps_when_idle_and_the_next_game_wakes_it(new_player, games, bot_worker) -> None:
    player = new_player()
    game_id = bot_game(player, bot_color="BLACK")  # the bot moves first
    player.wait("MoveMade", player="BLACK", timeout=30)
    deadline = time.monotonic() + 20
    while engine_state(games) != "Idle":
        assert time.monotonic() < deadline, "the engine never went to sleep"
        time.sleep(0.1)
    assert engine_pids(bot_worker) == []  # asleep: reported Idle once its process was reaped
    later = new_player()
    bot_game(later, bot_color="BLACK")
    booting = later.wait("IdleStatusProvided", status="Booting", timeout=30)
    online = later.wait("IdleStatusProvided", status="Online", timeout=30)
    assert booting["since"] and online["since"]
    later.wait("MoveMade", player="BLACK", timeout=30)
    assert game_id


def test_an_engine_killed_mid_game_is_restarted_and_the_game_goes_on(new_player, games, bot_worker) -> None:
    player = new_player()
    game_id = bot_game(player)
    play(player, game_id, "BLACK", 4, 4)
    player.wait("MoveMade", player="WHITE", timeout=30)
    for pid in engine_pids(bot_worker):  # none if it already went to sleep (BOT_IDLE_S)
        os.kill(pid, signal.SIGKILL)
    play(player, game_id, "BLACK", 2, 2)
    reply = player.wait_for(lambda p: p["type"] == "MoveMade" and p["player"] == "WHITE" and p["turn"] == 4,
                            timeout=30)
    assert reply["coord"] is None or reply["coord"] != {"x": 2, "y": 2}
    assert len(games.load(game_id).moves) == 4
