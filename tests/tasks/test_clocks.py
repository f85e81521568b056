"""Clocks through the real worker: moves carry the arrival time the web stamped, so time can be
simulated without sleeping, except for the countdown test, which uses a one-second clock."""

from __future__ import annotations

import time
import uuid

import pytest

from tasks import colors, lobby, moves

pytestmark = pytest.mark.usefixtures("worker")


def timed_game(new_player, control: dict) -> tuple:
    black, white = new_player(), new_player()
    lobby.create_private_game.delay(black.client_id, {"boardSize": 9, "timeControl": control}, str(uuid.uuid4()))
    waiting = black.wait("WaitForOpponent")
    game_id = waiting["gameId"]
    lobby.join_private_game.delay(white.client_id, waiting["link"].split("join=")[1])
    for player in (black, white):
        player.follow(game_id)
        player.wait("GameReady")
    colors.choose_color_pref.delay(black.client_id, "Black", game_id)
    colors.choose_color_pref.delay(white.client_id, "White", game_id)
    black.wait("YourColor")
    white.wait("YourColor")
    return black, white, game_id


def move_at(player, game_id: str, color: str, x, y, at: float) -> dict:
    req_id = str(uuid.uuid4())
    coord = None if x is None else {"x": x, "y": y}
    moves.make_move.delay(game_id, player.client_id, req_id, color, coord, at)
    return player.wait_for(lambda p: p.get("replyTo") == req_id and p["type"] in ("MoveMade", "MoveRejected"))


def test_a_ten_second_fischer_game_times_out_with_the_right_result(new_player, games) -> None:
    black, white, game_id = timed_game(new_player, {"kind": "fischer", "mainS": 10, "incrementS": 0})
    start = games.load(game_id).clock_state().since
    made = move_at(black, game_id, "BLACK", 2, 2, start + 3)
    assert made["clocks"]["BLACK"]["remainingS"] == pytest.approx(7.5, abs=0.11)  # 3 s less the lag allowance
    late = move_at(white, game_id, "WHITE", 6, 6, start + 3 + 11)
    assert late["type"] == "MoveRejected" and late["reason"] == "game_over"
    over = black.wait("GameOver")
    assert (over["result"], over["reason"]) == ("B+T", "timeout")
    assert games.load(game_id).moves == ["Bcc"]


def test_the_flag_falls_by_itself_when_nobody_moves(new_player, games) -> None:
    black, white, game_id = timed_game(new_player, {"kind": "fischer", "mainS": 1, "incrementS": 0})
    over = white.wait("GameOver", timeout=15)
    assert (over["result"], over["reason"]) == ("W+T", "timeout")


def test_with_injected_lag_the_clock_charges_only_the_thinking(new_player, games) -> None:
    black, white, game_id = timed_game(new_player, {"kind": "fischer", "mainS": 60, "incrementS": 2})
    start = games.load(game_id).clock_state().since
    allowance = games.settings.lag_allowance_s
    # Black thinks 5 s and the network adds 0.4 s: only what exceeds the allowance counts.
    made = move_at(black, game_id, "BLACK", 2, 2, start + 5 + 0.4)
    assert made["clocks"]["BLACK"]["remainingS"] == pytest.approx(60 - (5.4 - allowance) + 2, abs=0.11)
    # White answers at once but the frame took 0.3 s to arrive: nothing is charged at all.
    answered = move_at(white, game_id, "WHITE", 6, 6, start + 5.4 + 0.3)
    assert answered["clocks"]["WHITE"]["remainingS"] == pytest.approx(62, abs=0.11)
    assert answered["clocks"]["running"] == "BLACK"


def test_byoyomi_periods_are_used_up(new_player, games) -> None:
    black, white, game_id = timed_game(new_player, {"kind": "byoyomi", "mainS": 5, "periods": 2, "periodS": 10})
    start = games.load(game_id).clock_state().since
    made = move_at(black, game_id, "BLACK", 2, 2, start + 5 + 12 + 0.5)  # main time, one period, into the next
    assert made["clocks"]["BLACK"]["periodsLeft"] == 1
    move_at(white, game_id, "WHITE", 6, 6, start + 18)
    late = move_at(black, game_id, "BLACK", 3, 3, start + 18 + 11 + 0.5)
    assert late["type"] == "MoveRejected"
    assert black.wait("GameOver")["result"] == "W+T"
    assert time.time() > start


def test_an_undo_hands_the_clock_to_the_side_to_move(new_player, games) -> None:
    from tasks import undo

    black, white, game_id = timed_game(new_player, {"kind": "fischer", "mainS": 60, "incrementS": 0})
    start = games.load(game_id).clock_state().since
    move_at(black, game_id, "BLACK", 2, 2, start + 1)
    move_at(white, game_id, "WHITE", 6, 6, start + 2)
    undo.undo_move.delay(black.client_id, game_id)
    white.wait("UndoRequested")
    undo.answer_undo.delay(white.client_id, True, game_id)
    undone = black.wait("MoveUndone")
    assert undone["playerUp"] == "BLACK" and undone["clocks"]["running"] == "BLACK"
    assert move_at(black, game_id, "BLACK", 3, 3, time.time())["type"] == "MoveMade"
