"""The original BUGOUT browser's behaviour, played against a real stack: it must never be stuck.

Each test ends by checking the client recorded no failure (a broken Online wait, a link it
ignores, a sync it cannot follow) and that its own board is the server's.
"""

from __future__ import annotations

import time
import urllib.request
from typing import Callable, Iterator

import pytest

from app.store import GameStore

from ..support.original_client import OriginalClient
from ..support.wsclient import WsClient


@pytest.fixture
def original(web) -> Iterator[Callable[[], OriginalClient]]:
    opened: list[OriginalClient] = []

    def open_client(wait_online: bool = True) -> OriginalClient:
        client = OriginalClient(web.gateway)
        opened.append(client)
        client.open(wait_online)
        return client

    yield open_client
    for client in opened:
        client.close()
    for client in opened:
        assert client.failures == [], client.failures


@pytest.fixture
def empty_lobby(games: GameStore) -> None:
    """The original seeks 19x19 public games only: earlier tests (the fuzzer's random
    FindPublicGame) may have left waiters whose sockets closed, which only beat's sweep removes."""
    games.redis.delete(games.keys.lobby(19))


def board_of(games: GameStore, game_id: str) -> dict[tuple[int, int], str]:
    state = games.load(game_id)
    assert state is not None
    board = state.board().board
    from app.go import Color

    return {(p.x, p.y): color.value for color in Color for p in board.stones(color)}


def assert_same_game(games: GameStore, *clients: OriginalClient) -> None:
    game_id = clients[0].game_id
    assert game_id is not None
    state = games.load(game_id)
    assert state is not None
    server = board_of(games, game_id)
    for client in clients:
        client.wait_in_step()
        assert len(client.moves) == len(state.moves), (client.moves, state.moves)
        assert client.stones() == server


def private_pair(original: Callable[..., OriginalClient], size: int = 9) -> tuple[OriginalClient, OriginalClient]:
    """Creator and friend each pick a colour at once, before the other is there."""
    creator, friend = original(), original()
    link = creator.create_private_game(size, colour="White")
    friend.join_private_game(link, colour="Black")
    assert creator.wait_ready_and_colour() == "WHITE"
    assert friend.wait_ready_and_colour() == "BLACK"
    return friend, creator  # black, white


def test_a_private_game_by_link_is_played_to_a_counted_end(original, games: GameStore, web) -> None:
    black, white = private_pair(original)
    game_id = black.game_id
    state = games.load(game_id)
    assert state is not None and state.rules == "original"
    # A capture in the corner, then both pass.
    black.play(1, 0)
    white.wait_opponent_move()
    white.play(0, 0)
    black.wait_opponent_move()
    black.play(0, 1)  # takes the white stone at (0, 0)
    white.wait_opponent_move()
    assert (0, 0) not in white.stones()
    white.play(None)
    black.wait_opponent_move()
    black.play(None)
    white.wait_opponent_move()
    assert black.scoring and white.scoring  # the original counts by itself, and sends nothing more
    over = games.load(game_id)
    assert over is not None and over.phase.value == "over" and over.end_reason == "score"
    assert over.result is not None and over.result.startswith("B+")
    sgf = urllib.request.urlopen(f"{web.base}/games/{game_id}.sgf").read().decode()
    assert f"RE[{over.result}]" in sgf and "RU[" in sgf
    assert "AcceptScore" not in str(black.client.raw)  # nobody had to accept anything


def test_a_public_game_starts_with_colours_chosen_before_the_opponent_came(original, games, empty_lobby) -> None:
    first, second = original(), original()
    first.find_public_game(colour="Black")
    second.find_public_game(colour="Any")
    assert first.wait_ready_and_colour() == "BLACK"
    assert second.wait_ready_and_colour() == "WHITE"
    first.play(3, 3)
    second.wait_opponent_move()
    second.play(15, 15)
    first.wait_opponent_move()
    assert first.board_size == 19
    assert_same_game(games, first, second)


KO = [("BLACK", 1, 0), ("WHITE", 2, 0), ("BLACK", 0, 1), ("WHITE", 3, 1), ("BLACK", 1, 2),
      ("WHITE", 2, 2), ("BLACK", 2, 1)]
"""A ko at (1, 1)/(2, 1): after these, White takes at (1, 1) and Black retakes at once."""


def test_a_ko_retake_and_a_suicide_the_player_insists_on_are_played(original, games) -> None:
    black, white = private_pair(original)
    for player, x, y in KO:
        mover, other = (black, white) if player == "BLACK" else (white, black)
        mover.play(x, y)
        other.wait_opponent_move()
    white.play(1, 1)  # takes the black stone at (2, 1)
    black.wait_opponent_move()
    assert (2, 1) not in black.stones()
    black.play(2, 1)  # "Play anyway?": the immediate retake, answered like any move
    white.wait_opponent_move()
    assert (1, 1) not in white.stones()
    # Black's corner: White plays into (0, 0), a point with no liberty: a suicide it insists on.
    white.play(0, 0)
    black.wait_opponent_move()
    assert (0, 0) not in black.stones() and (0, 0) not in white.stones()
    assert_same_game(games, black, white)
    state = games.load(black.game_id)
    assert state is not None
    from app.go import Color

    # Black took the ko stone once and White's suicided stone counts as Black's prisoner too.
    assert state.board().captures[Color.BLACK] == 2


def test_a_game_with_our_page_and_an_original_client_follows_the_original_rules(original, connect, games) -> None:
    ours = connect()
    ours.send({"type": "CreatePrivateGame", "boardSize": 9, "rules": "japanese"})
    waiting = ours.wait("WaitForOpponent")
    friend = original()
    friend.join_private_game(waiting["link"], colour="Black")
    ours.wait("GameReady", gameId=waiting["gameId"])
    ours.send({"type": "ChooseColorPref", "gameId": waiting["gameId"], "colorPref": "Any"})
    assert friend.wait_ready_and_colour() == "BLACK"
    ours.send({"type": "ProvideGameState", "gameId": waiting["gameId"]})
    snapshot = ours.wait("GameState", gameId=waiting["gameId"])
    assert snapshot["rules"] == "original" and snapshot["komi"] == 6.5
    # Play stops after two passes: our page counts, the original client is taken to agree.
    friend.play(None)
    assert ours.wait("MoveMade", gameId=waiting["gameId"], turn=1)["coord"] is None
    ours.send({"type": "MakeMove", "gameId": waiting["gameId"], "reqId": "p2", "player": "WHITE", "coord": None})
    scoring = ours.wait("ScoringPhase", gameId=waiting["gameId"])
    assert scoring["accepted"] == ["BLACK"]
    ours.send({"type": "AcceptScore", "gameId": waiting["gameId"]})
    assert ours.wait("GameOver", gameId=waiting["gameId"])["result"] == "W+6.5"


def test_after_a_reload_nothing_of_the_game_left_reaches_the_new_page(original, games) -> None:
    black, white = private_pair(original)
    old_game = black.game_id
    black.play(4, 4)
    white.wait_opponent_move()
    white.reload(wait_online=False)  # identified: its client's events reach the new socket
    black.client.send({"type": "QuitGame"})  # the opponent leaves the game the reloaded page left
    black.client.wait("GameOver", gameId=old_game)
    # Its OpponentQuit went out before that GameOver; had it reached the new page, the Online
    # wait would break on it (the original accepts nothing else then).
    white.wait_online()
    white.create_private_game(9, colour="Black")
    assert [e for e in white.client.events if e.get("gameId") == old_game] == []
    state = games.load(old_game)
    assert state is not None and state.result == "W+F"


def test_a_new_game_after_a_reload_ends_the_game_left_behind(original, games, empty_lobby) -> None:
    black, white = private_pair(original)
    old_game = black.game_id
    black.play(4, 4)
    white.wait_opponent_move()
    white.reload()
    mark = white.client.mark()
    white.find_public_game(colour="Any")
    # The reloaded page can never return to its old game: it is forfeited and the opponent told,
    # instead of the opponent waiting for a player who is connected but cannot come back.
    assert black.client.wait("OpponentQuit", gameId=old_game)
    state = games.load(old_game)
    assert state is not None and state.result == "B+F"
    assert [e for e in white.client.events[mark:] if e.get("gameId") == old_game] == []
    black.reload()
    black.find_public_game(colour="Any")
    assert {black.wait_ready_and_colour(), white.wait_ready_and_colour()} == {"BLACK", "WHITE"}


def test_a_friend_who_reloads_before_the_first_move_comes_back_by_the_link(original, games) -> None:
    creator, friend = original(), original()
    link = creator.create_private_game(9, colour="Black")
    friend.join_private_game(link, colour="White")
    assert creator.wait_ready_and_colour() == "BLACK"
    assert friend.wait_ready_and_colour() == "WHITE"
    friend.reload()  # the link is still in the address bar: "Join Game", OK
    assert friend.join_private_game(link, colour="Black")["type"] == "GameReady"
    assert friend.client.wait("YourColor")["yourColor"] == "WHITE"  # its seat, whatever it asks now
    friend.your_color = "WHITE"
    creator.play(4, 4)
    friend.wait_opponent_move()
    friend.play(3, 3)
    creator.wait_opponent_move()
    assert_same_game(games, creator, friend)


def test_a_friend_who_reloads_mid_game_is_told_the_link_is_used_and_the_game_ends(original, games) -> None:
    creator, friend = original(), original()
    link = creator.create_private_game(9, colour="Black")
    friend.join_private_game(link, colour="White")
    creator.wait_ready_and_colour()
    friend.wait_ready_and_colour()
    game_id = creator.game_id
    creator.play(4, 4)
    friend.wait_opponent_move()
    friend.reload()
    # Its new page starts from an empty board and could never follow the game: rather than
    # both waiting forever, the link answers "used" and the opponent is told.
    assert friend.join_private_game(link, colour="Black")["type"] == "PrivateGameRejected"
    assert creator.client.wait("OpponentQuit", gameId=game_id)
    state = games.load(game_id)
    assert state is not None and state.result == "B+F"


def test_a_move_lost_in_flight_is_played_by_sync(original, games) -> None:
    black, white = private_pair(original)
    # The move is on Black's board, but its MakeMove never reaches the server.
    black._append("BLACK", (2, 2))
    black.delay_until = 0.0
    white.wait_opponent_move()
    assert_same_game(games, black, white)


def test_the_idle_status_says_online_while_workers_answer(original) -> None:
    client = original(wait_online=False)
    online = client.wait_online()
    assert online["status"] == "Online"
    assert abs(time.time() - _parse(online["since"])) < 3600
    assert online["engine"]["status"] in ("Idle", "Booting", "Online")


def test_invitation_links_are_letters_and_digits(connect) -> None:
    links = []
    for _ in range(3):  # ten open games each: a client's quota
        ours = connect()
        for _ in range(10):
            ours.send({"type": "CreatePrivateGame", "boardSize": 9})
        links += [e["link"] for e in _wait_count(ours, "WaitForOpponent", 10)]
    compact = [link.split("?join=")[1] for link in links]
    assert all(c.isascii() and c.isalnum() and 4 <= len(c) <= 30 for c in compact), compact
    assert len(set(compact)) == 30


def _wait_count(client: WsClient, kind: str, count: int) -> list[dict]:
    client.wait_for(lambda e: len(client.of_type(kind)) >= count, timeout=30)
    return client.of_type(kind)


def _parse(since: str) -> float:
    from ..support.original_client import Date_parse

    return Date_parse(since)
