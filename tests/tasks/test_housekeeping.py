"""Beat's housekeeping, run directly with a clock moved forward (no waiting)."""

from __future__ import annotations

import time

import pytest

from app import game
from tasks import colors, housekeeping, lobby, moves

from .flows import paired_public, play, seated

pytestmark = pytest.mark.usefixtures("worker")


def beat_at(games, client_id: str, stamp: float) -> None:
    games.redis.zadd(games.keys.presence(), {f"{client_id}|test-connection": stamp})


def test_a_stale_public_waiter_is_removed(new_player, games) -> None:
    waiter = new_player()
    lobby.find_public_game.delay(waiter.client_id, 19)
    game_id = waiter.wait("WaitForOpponent")["gameId"]
    waiter.follow(game_id)
    later = time.time() + games.settings.wait_grace_s + 5
    housekeeping.sweep(now=later)
    assert waiter.wait("GameOver")["reason"] == "abandoned"
    assert all(g != game_id for g, _ in games.waiting_public(19))
    assert games.load(game_id).result == "Void"


def test_a_waiter_who_is_still_here_keeps_waiting(new_player, games) -> None:
    waiter, partner = new_player(), new_player()
    lobby.find_public_game.delay(waiter.client_id, 13)
    game_id = waiter.wait("WaitForOpponent")["gameId"]
    later = time.time() + games.settings.wait_grace_s + 5
    beat_at(games, waiter.client_id, later)
    housekeeping.sweep(now=later)
    assert games.load(game_id).phase is game.Phase.WAITING
    lobby.find_public_game.delay(partner.client_id, 13)
    assert partner.wait("GameReady")["gameId"] == game_id


def test_a_game_barely_begun_is_annulled_when_a_player_leaves(new_player, games) -> None:
    black, white = new_player(), new_player()
    game_id = seated(black, white, 9)
    play(black, game_id, "BLACK", 4, 4)
    later = time.time() + games.settings.abandon_after_s + 5
    beat_at(games, white.client_id, later)  # White stays; Black is gone
    housekeeping.sweep(now=later)
    over = white.wait("GameOver")
    assert (over["result"], over["reason"]) == ("Void", "abandoned")


def test_an_abandoned_game_can_be_claimed_and_a_returning_player_continues(new_player, games) -> None:
    black, white = new_player(), new_player()
    game_id = seated(black, white, 9)
    for player, color, x, y in [(black, "BLACK", 2, 2), (white, "WHITE", 6, 6), (black, "BLACK", 2, 6),
                                (white, "WHITE", 6, 2)]:
        play(player, game_id, color, x, y)
    later = time.time() + games.settings.abandon_after_s + 5
    beat_at(games, white.client_id, later)
    housekeeping.sweep(now=later)
    absent = white.wait("OpponentAbsent")
    assert (absent["player"], absent["claimableBy"]) == ("BLACK", "WHITE")
    # Black comes back in time: the claim lapses and play goes on.
    beat_at(games, black.client_id, later + 1)
    housekeeping.sweep(now=later + 1)
    white.wait("OpponentReturned")
    moves.claim_win.delay(white.client_id, game_id, "claim-1")
    assert white.wait("Error", replyTo="claim-1")["code"] == "nothing_to_claim"
    assert play(black, game_id, "BLACK", 4, 4)["type"] == "MoveMade"
    # Black leaves for good: White claims the win.
    much_later = later + games.settings.abandon_after_s + 10
    beat_at(games, white.client_id, much_later)
    housekeeping.sweep(now=much_later)
    white.wait_for(lambda p: p["type"] == "OpponentAbsent" and len(white.events("OpponentAbsent")) == 2)
    moves.claim_win.delay(white.client_id, game_id, "claim-2")
    over = white.wait("GameOver")
    assert (over["result"], over["reason"]) == ("W+F", "abandoned")


def four_moves(black, white, game_id: str) -> None:
    for player, color, x, y in [(black, "BLACK", 2, 2), (white, "WHITE", 6, 6), (black, "BLACK", 2, 6),
                                (white, "WHITE", 6, 2)]:
        play(player, game_id, color, x, y)


def test_an_absent_player_is_not_brought_back_by_the_notice_of_its_own_absence(new_player, games) -> None:
    black, white = new_player(), new_player()
    game_id = seated(black, white, 9)
    four_moves(black, white, game_id)
    later = time.time() + games.settings.abandon_after_s + 5
    beat_at(games, white.client_id, later)
    housekeeping.sweep(now=later)
    white.wait("OpponentAbsent")
    # The notice touched the game; Black sent no heartbeat since. Still absent, still claimable.
    soon = time.time() + 10
    beat_at(games, white.client_id, soon)
    assert housekeeping.sweep(now=soon)["returned"] == 0
    assert games.load(game_id).claimable_by == "WHITE"


def test_an_original_client_whose_opponent_left_wins_and_hears_opponent_quit(new_player, games) -> None:
    black, white = new_player(), new_player()
    game_id = seated(black, white, 9, white_speaks=[])  # White: the original client, no ClaimWin
    four_moves(black, white, game_id)
    later = time.time() + games.settings.abandon_after_s + 5
    beat_at(games, white.client_id, later)
    housekeeping.sweep(now=later)
    assert white.wait("OpponentQuit")["gameId"] == game_id
    over = white.wait("GameOver")
    assert (over["result"], over["reason"]) == ("W+F", "abandoned")
    assert white.events("OpponentAbsent") == []


def test_players_who_never_choose_a_colour_get_the_coin(new_player, games) -> None:
    chooser, silent = new_player(), new_player()
    game_id = paired_public(chooser, silent, 13)
    colors.choose_color_pref.delay(chooser.client_id, "White")
    chooser.wait_for(lambda p: games.load(game_id).color_prefs.get(chooser.client_id) == "White", timeout=10)
    housekeeping.sweep(now=time.time() + 5)
    assert games.load(game_id).phase is game.Phase.COLORS  # not yet
    housekeeping.sweep(now=time.time() + games.settings.colour_choice_s + 5)
    assert chooser.wait("YourColor", gameId=game_id)["yourColor"] == "WHITE"
    assert silent.wait("YourColor", gameId=game_id)["yourColor"] == "BLACK"


def test_idle_games_against_the_ai_cost_the_sweep_nothing(new_player, games) -> None:
    players = [new_player() for _ in range(40)]
    for player in players:
        lobby.attach_bot.delay(player.client_id, "WHITE", "KataGoOneStar", {"boardSize": 9})  # the human moves first
    ours = {player.wait("BotAttached")["gameId"] for player in players}
    soon = time.time() + games.settings.abandon_after_s + 5
    # The sweep reads only the games that are due, and not one of these is: they need nothing
    # until they expire.
    due_soon = set(games.due_games(soon, 100_000))
    assert not due_soon & ours
    assert housekeeping.sweep(now=soon)["checked"] == len(due_soon)
    expiry = time.time() + games.settings.game_ttl_s + 5
    assert ours <= set(games.due_games(expiry, 100_000))


def test_an_idle_system_costs_nothing(games) -> None:
    done = housekeeping.sweep()
    assert set(done) == {"stale_waits", "checked", "annulled_or_claimable", "returned", "forgotten", "timed_out",
                         "colours_by_coin", "ai_overdue"}
    assert housekeeping.idle_check()["engine"] in ("Idle", "Online", "Booting", "Sleeping")
