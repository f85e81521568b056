"""Chat, rematch and the live games list through the real gateway, worker and Redis; and the
original client, which declares none of these extensions, never hears any of it."""

from __future__ import annotations

import json
import time
import urllib.request
from typing import Any, Callable

from app.game.chat import pseudonym
from app.store import GameStore

from ..support.wsclient import WsClient, kind
from .flows import seated_game

Connect = Callable[..., WsClient]


def listed(connect: Connect, game_id: str, present: bool = True) -> dict[str, Any]:
    """The live list, read until ``game_id`` is in it (or not): each web process answers from a
    reading at most 3 s old. A new socket each time, so the per-socket read limit never bites."""
    for _ in range(40):
        reader = connect()
        reader.send({"type": "ListLiveGames"})
        answer = reader.wait("LiveGames")
        reader.close()
        if any(g["gameId"] == game_id for g in answer["games"]) == present:
            return answer
        time.sleep(0.25)
    raise AssertionError(f"{game_id} {'never appeared in' if present else 'never left'} the live list")


def test_players_chat_spectators_chat_apart_and_the_record_keeps_it(connect: Connect, web, games: GameStore) -> None:
    black, white, game_id = seated_game(connect)
    watcher = connect()
    watcher.send({"type": "WatchGame", "gameId": game_id})
    watcher.wait("GameState", gameId=game_id)
    black.move(game_id, "BLACK", 2, 2)
    for client in (white, watcher):
        client.wait("MoveMade", gameId=game_id, turn=1)

    black.send({"type": "SendChat", "gameId": game_id, "text": "have <b>fun</b>\u202e"})
    for client in (black, white, watcher):
        line = client.wait("ChatMessage", gameId=game_id)
        assert (line["channel"], line["from"], line["text"], line["turn"]) == ("players", "BLACK", "have <b>fun</b>", 1)
    watcher.send({"type": "SendChat", "gameId": game_id, "text": "play the 3-3"})
    heard = watcher.wait("ChatMessage", channel="spectators")
    assert heard["from"] == pseudonym(game_id, watcher.client_id)
    white.send({"type": "SendChat", "gameId": game_id, "text": "thanks"})
    black.wait("ChatMessage", text="thanks")
    assert not [e for e in black.events + white.events if e.get("channel") == "spectators"]

    black.send({"type": "ProvideChat", "gameId": game_id})
    assert [line["text"] for line in black.wait("ChatHistory")["lines"]] == ["have <b>fun</b>", "thanks"]
    white.send({"type": "Resign", "gameId": game_id})
    black.wait("GameOver", gameId=game_id)
    black.send({"type": "ProvideChat", "gameId": game_id})
    after = black.wait_for(lambda e: e.get("type") == "ChatHistory" and len(e["lines"]) == 3)
    assert [line["channel"] for line in after["lines"]] == ["players", "spectators", "players"]
    for client in (black, white, watcher):
        text = "".join(client.raw)
        assert all(other.client_id not in text for other in (black, white, watcher) if other is not client)

    with urllib.request.urlopen(f"{web.base}/games/{game_id}.sgf", timeout=10) as response:
        record = response.read().decode()
    assert "C[Black: have <b>fun</b>" in record and "(spectators): play the 3-3" in record, record


def test_chat_is_rate_limited_per_socket_and_checked(connect: Connect) -> None:
    black, white, game_id = seated_game(connect)
    for i in range(30):
        black.send({"type": "SendChat", "gameId": game_id, "text": f"line {i}"})
    black.wait("Error", code="rate_limited")
    black.send({"type": "SendChat", "gameId": game_id, "text": "x" * 301})
    assert "text" in black.wait("Error", code="invalid")["message"]


def test_a_rematch_between_players_swaps_colours_and_keeps_the_settings(connect: Connect, games: GameStore) -> None:
    black, white, game_id = seated_game(connect)
    black.move(game_id, "BLACK", 4, 4)
    black.send({"type": "Resign", "gameId": game_id})
    white.wait("GameOver", gameId=game_id)
    white.send({"type": "OfferRematch", "gameId": game_id})
    for client in (black, white):
        assert client.wait("RematchOffered", gameId=game_id)["player"] == "WHITE"
    black.send({"type": "AnswerRematch", "gameId": game_id, "accept": True})
    started = {c: c.wait("RematchStarted", gameId=game_id) for c in (black, white)}
    new_id = started[black]["newGameId"]
    assert started[black]["yourColor"] == "WHITE" and started[white]["yourColor"] == "BLACK"
    white.send({"type": "ProvideGameState", "gameId": new_id})
    state = white.wait("GameState", gameId=new_id)
    assert (state["phase"], state["yourColor"], state["boardSize"]) == ("playing", "BLACK", 9)
    white.move(new_id, "BLACK", 3, 3)
    black.wait("MoveMade", gameId=new_id, turn=1)  # the old colours' opponent hears the new game


def test_the_live_list_shows_public_games_in_play_and_private_ones_only_when_listed(connect: Connect) -> None:
    black, white, game_id = seated_game(connect)
    black.move(game_id, "BLACK", 4, 4)
    entry = next(g for g in listed(connect, game_id)["games"] if g["gameId"] == game_id)
    assert (entry["boardSize"], entry["moveNumber"], entry["phase"]) == (9, 1, "playing")
    assert black.client_id not in json.dumps(entry)
    watcher = connect()
    watcher.send({"type": "WatchGame", "gameId": entry["gameId"]})
    assert watcher.wait("GameState", gameId=game_id)["yourColor"] is None
    black.send({"type": "Resign", "gameId": game_id})
    listed(connect, game_id, present=False)

    creator, friend = connect(), connect()
    creator.send({"type": "CreatePrivateGame", "boardSize": 9})
    link = creator.wait("WaitForOpponent")
    friend.send({"type": "JoinPrivateGame", "gameId": link["link"].rsplit("=", 1)[1]})
    private_id = link["gameId"]
    for client, pref in ((creator, "Black"), (friend, "White")):
        client.wait("GameReady", gameId=private_id)
        client.send({"type": "ChooseColorPref", "gameId": private_id, "colorPref": pref})
    creator.wait("YourColor", gameId=private_id)
    creator.move(private_id, "BLACK", 2, 2)
    friend.send({"type": "SetListed", "gameId": private_id, "listed": True})
    friend.wait("Error", code="not_the_creator")
    assert not any(g["gameId"] == private_id for g in listed(connect, game_id, present=False)["games"])
    creator.send({"type": "SetListed", "gameId": private_id, "listed": True})
    assert creator.wait("ListingChanged", gameId=private_id)["listed"] is True
    listed(connect, private_id)


def test_an_original_client_hears_no_chat_and_is_never_offered_a_rematch(connect: Connect) -> None:
    ours, original = connect(), connect(identify=False)
    original.identify([])
    game_id = seated_game_with(ours, original)
    ours.send({"type": "SendChat", "gameId": game_id, "text": "hello"})
    ours.wait("ChatMessage", text="hello")
    ours.move(game_id, "BLACK", 4, 4)
    original.wait("MoveMade", gameId=game_id, turn=1)
    ours.send({"type": "Resign", "gameId": game_id})
    original.wait("GameOver", gameId=game_id)
    ours.send({"type": "OfferRematch", "gameId": game_id})
    ours.wait("Error", code="rematch_unsupported")
    ours.send({"type": "Beep"})
    ours.send({"type": "ProvideChat", "gameId": game_id})
    ours.wait("ChatHistory")
    new_types = {"ChatMessage", "ChatHistory", "RematchOffered", "RematchDeclined", "RematchStarted", "LiveGames",
                 "ListingChanged"}
    assert not [e for e in original.events if e.get("type") in new_types]


def seated_game_with(black: WsClient, white: WsClient) -> str:
    from ..support import seating

    return seating.seat(black, white, 9)


__all__ = ["kind"]
