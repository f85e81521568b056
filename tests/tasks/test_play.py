"""A game through the real worker: moves, rejections, captures, passes, scoring, endings."""

from __future__ import annotations

import pytest

from app import game
from tasks import moves

from .flows import answer, in_scoring, play, seated, send_move

pytestmark = pytest.mark.usefixtures("worker")


def test_a_game_with_captures_to_two_passes_scoring_and_game_over(new_player, games, watch) -> None:
    black, white = new_player(), new_player()
    game_id = seated(black, white, 9)
    spectator = watch(game_id)
    # Black surrounds a white stone in the corner and takes it.
    made = play(black, game_id, "BLACK", 1, 0)
    assert made["type"] == "MoveMade" and made["captured"] == [] and made["playerUp"] == "WHITE"
    play(white, game_id, "WHITE", 0, 0)
    taken = play(black, game_id, "BLACK", 0, 1)
    assert taken["type"] == "MoveMade"
    assert taken["captured"] == [{"x": 0, "y": 0}]
    assert spectator.wait("MoveMade", replyTo=taken["replyTo"])["captured"] == [{"x": 0, "y": 0}]
    # A white stone deep in Black's corner, then both pass.
    play(white, game_id, "WHITE", 1, 1)
    play(black, game_id, "BLACK", 2, 1)
    assert play(white, game_id, "WHITE", None)["type"] == "MoveMade"
    assert play(black, game_id, "BLACK", None)["type"] == "MoveMade"
    suggested = white.wait("ScoringPhase")
    assert {"x": 1, "y": 1} in suggested["dead"]  # the suggestion: the lone white stone is dead
    assert games.load(game_id).phase is game.Phase.SCORING
    moves.accept_score.delay(black.client_id, game_id)
    black.wait_for(lambda p: p["type"] == "ScoringPhase" and p["accepted"] == ["BLACK"])
    moves.accept_score.delay(white.client_id, game_id)
    over = black.wait("GameOver")
    white.wait("GameOver")
    spectator.wait("GameOver")
    assert over["reason"] == "score" and over["result"] == suggested["score"]["result"]
    assert over["score"]["white"] == suggested["score"]["white"]
    assert games.load(game_id).result == over["result"]
    assert play(black, game_id, "BLACK", 5, 5)["reason"] == "game_over"


def test_illegal_moves_are_answered_with_the_reason_and_change_nothing(new_player, games) -> None:
    black, white = new_player(), new_player()
    game_id = seated(black, white, 9)
    # . X O .     Black takes the white stone in its mouth at C2 (2, 1);
    # X O * O     White may not take back at once.
    # . X O .
    for color, player, x, y in [
        ("BLACK", black, 1, 0), ("WHITE", white, 2, 0), ("BLACK", black, 0, 1),
        ("WHITE", white, 3, 1), ("BLACK", black, 1, 2), ("WHITE", white, 2, 2),
        ("BLACK", black, 6, 6), ("WHITE", white, 1, 1),
    ]:
        assert play(player, game_id, color, x, y)["type"] == "MoveMade"
    ko_take = play(black, game_id, "BLACK", 2, 1)
    assert ko_take["captured"] == [{"x": 1, "y": 1}]
    before = games.load(game_id)
    rejected = play(white, game_id, "WHITE", 1, 1)
    assert rejected["type"] == "MoveRejected" and rejected["reason"] == "ko"
    assert rejected["coord"] == {"x": 1, "y": 1} and rejected["player"] == "WHITE"
    assert play(white, game_id, "WHITE", 6, 6)["reason"] == "occupied"
    assert play(black, game_id, "BLACK", 4, 4)["reason"] == "not_your_turn"
    assert play(white, game_id, "WHITE", 9, 0)["reason"] == "off_board"
    assert play(white, game_id, "BLACK", 4, 4)["reason"] == "not_a_player"  # claims the other colour
    stranger = new_player()
    assert play(stranger, game_id, "WHITE", 4, 4)["reason"] == "not_a_player"
    after = games.load(game_id)
    assert (after.moves, after.version) == (before.moves, before.version)


def test_suicide_is_rejected(new_player) -> None:
    black, white = new_player(), new_player()
    game_id = seated(black, white, 9)
    for color, player, x, y in [("BLACK", black, 4, 4), ("WHITE", white, 1, 0), ("BLACK", black, 4, 5),
                                ("WHITE", white, 0, 1)]:
        play(player, game_id, color, x, y)
    assert play(black, game_id, "BLACK", 0, 0)["reason"] == "suicide"


def test_a_resent_request_changes_nothing_and_gets_the_same_answer(new_player, games) -> None:
    black, white = new_player(), new_player()
    game_id = seated(black, white, 9)
    req_id = send_move(black, game_id, "BLACK", 3, 3)
    first = answer(black, req_id)
    send_move(black, game_id, "BLACK", 3, 3, req_id=req_id)
    again = black.wait_for(lambda p: p.get("replyTo") == req_id and p is not first and p["type"] == "MoveMade")
    assert again["eventId"] == first["eventId"] and again["version"] == first["version"]
    assert len(games.load(game_id).moves) == 1
    # A rejected request is answered the same way however often it comes.
    late = send_move(white, game_id, "BLACK", 4, 4)
    assert answer(white, late)["reason"] == "not_a_player"


def test_resign(new_player, games) -> None:
    black, white = new_player(), new_player()
    game_id = seated(black, white, 9)
    play(black, game_id, "BLACK", 2, 2)
    moves.resign.delay(white.client_id)  # the current game is found from the client
    over = black.wait("GameOver")
    assert (over["result"], over["reason"]) == ("B+R", "resignation")
    assert games.load(game_id).phase is game.Phase.OVER


def test_quit_tells_the_opponent_and_forfeits(new_player, games) -> None:
    black, white = new_player(), new_player()
    game_id = seated(black, white, 9)
    play(black, game_id, "BLACK", 2, 2)
    moves.quit_game.delay(black.client_id)
    white.wait("OpponentQuit")
    over = white.wait("GameOver")
    assert (over["result"], over["reason"]) == ("W+F", "quit")


def test_quitting_while_waiting_cancels_and_leaves_the_lobby(new_player, games) -> None:
    from tasks import lobby

    waiter, later = new_player(), new_player()
    lobby.find_public_game.delay(waiter.client_id, 13)
    game_id = waiter.wait("WaitForOpponent")["gameId"]
    waiter.follow(game_id)
    moves.quit_game.delay(waiter.client_id)
    assert waiter.wait("GameOver")["result"] == "Void"
    assert (game_id, waiter.client_id) not in games.waiting_public(13)
    lobby.find_public_game.delay(later.client_id, 13)
    later_game = later.wait("WaitForOpponent")["gameId"]
    assert later_game != game_id
    later.follow(later_game)
    moves.quit_game.delay(later.client_id)
    later.wait("GameOver")


def test_scoring_toggles_and_a_new_move_resumes_play(new_player, games) -> None:
    black, white = new_player(), new_player()
    game_id = in_scoring(black, white)
    state = games.load(game_id)  # the toggles below start from whatever was suggested
    if (6, 6) in state.dead:
        moves.toggle_dead.delay(black.client_id, game_id, {"x": 6, "y": 6})
        black.wait_for(lambda p: p["type"] == "ScoringPhase" and {"x": 6, "y": 6} not in p["dead"])
    if (2, 2) in games.load(game_id).dead:
        moves.toggle_dead.delay(black.client_id, game_id, {"x": 2, "y": 2})
        black.wait_for(lambda p: p["type"] == "ScoringPhase" and {"x": 2, "y": 2} not in p["dead"])
    moves.toggle_dead.delay(black.client_id, game_id, {"x": 6, "y": 6})
    toggled = white.wait_for(lambda p: p["type"] == "ScoringPhase" and p["dead"] == [{"x": 6, "y": 6}])
    assert toggled["score"]["result"].startswith("B+")
    moves.accept_score.delay(white.client_id, game_id)
    white.wait_for(lambda p: p["type"] == "ScoringPhase" and p["accepted"] == ["WHITE"])
    # White disputes by playing on: play resumes, dead marks and acceptances are dropped.
    resumed = play(white, game_id, "WHITE", 5, 5)
    assert resumed["type"] == "MoveMade"
    state = games.load(game_id)
    assert state.phase is game.Phase.PLAYING and state.dead == [] and state.accepted == []
    assert state.moves[-2:] == ["B", "Wff"]  # Black's turn was taken as a pass
