"""Rematch against the AI and between players, the chat kept with a game, and the live games
index, with the real worker(s) and Redis."""

from __future__ import annotations

import uuid

import pytest

from app import game, social
from app.store import GameStore
from tasks import chat, live, lobby, moves, rematch

from .flows import play, seated

pytestmark = pytest.mark.usefixtures("worker")


def test_a_rematch_against_the_ai_starts_at_once_with_the_ai_on_the_other_colour(new_player, games: GameStore) -> None:
    player = new_player()
    req_id = str(uuid.uuid4())
    game_id = lobby.game_id_for(player.client_id, req_id)
    player.follow(game_id)
    lobby.attach_bot.delay(player.client_id, "WHITE", "KataGoOneStar", {"boardSize": 9}, req_id=req_id)
    player.wait("YourColor", gameId=game_id)
    moves.resign.delay(player.client_id, game_id)
    player.wait("GameOver", gameId=game_id)
    new_id = game.rematch_id(game_id)
    player.follow(new_id)
    rematch.offer_rematch.delay(player.client_id, game_id, str(uuid.uuid4()))
    started = player.wait("RematchStarted", gameId=game_id)
    assert (started["newGameId"], started["yourColor"]) == (new_id, "WHITE")
    first = player.wait("MoveMade", gameId=new_id, timeout=60)  # the AI, now Black, opens
    assert first["player"] == "BLACK"
    state = games.load(new_id)
    assert state is not None and state.white == player.client_id and state.black == game.BOT
    assert games.load(game_id).rematch_game == new_id  # type: ignore[union-attr]


def test_a_redelivered_acceptance_makes_one_rematch(new_player, games: GameStore) -> None:
    black, white = new_player(), new_player()
    game_id = seated(black, white)
    moves.resign.delay(white.client_id, game_id)
    black.wait("GameOver", gameId=game_id)
    rematch.offer_rematch.delay(black.client_id, game_id, str(uuid.uuid4()))
    white.wait("RematchOffered", gameId=game_id)
    req_id = str(uuid.uuid4())
    assert rematch.answer_rematch.run(white.client_id, game_id, True, req_id) == "saved"
    assert rematch.answer_rematch.run(white.client_id, game_id, True, req_id) == "duplicate"
    white.wait("RematchStarted", gameId=game_id)
    black.wait("RematchStarted", gameId=game_id)
    new = games.load(game.rematch_id(game_id))
    assert new is not None and (new.black, new.white) == (white.client_id, black.client_id)
    assert games.load(game_id).version == 6  # type: ignore[union-attr]  # resigned 4, offered 5, accepted 6


def test_chat_lines_are_kept_with_the_game_at_most_the_last_200(new_player, games: GameStore) -> None:
    black, white = new_player(), new_player()
    game_id = seated(black, white)
    for i in range(205):
        chat.say.run(black.client_id, game_id, f"line {i}", f"id-{i}")
    chat.say.run(black.client_id, game_id, "again", "id-204")  # a redelivery keeps its line once
    lines = social.chat_lines(games, game_id)
    assert len(lines) == 200 and lines[0]["text"] == "line 5" and lines[-1]["text"] == "line 204"
    assert 0 < games.redis.ttl(games.keys.chat(game_id)) <= games.settings.game_ttl_s


def test_the_live_index_follows_moves_and_endings(new_player, games: GameStore) -> None:
    black, white = new_player(), new_player()
    game_id = seated(black, white)
    play(black, game_id, "BLACK", 2, 2)
    score = games.redis.zscore(games.keys.live_index(), game_id)
    state = games.load(game_id)
    assert state is not None and score == pytest.approx(state.moved_at)
    entries = {g["gameId"]: g for g in social.live_games(games, 1000, state.updated_at)}
    assert entries[game_id]["moveNumber"] == 1
    assert live.set_listed.run(black.client_id, game_id, True) == "always_listed"
    moves.resign.delay(white.client_id, game_id)
    black.wait("GameOver", gameId=game_id)
    assert games.redis.zscore(games.keys.live_index(), game_id) is None
    assert games.redis.get(games.keys.live_entry(game_id)) is None
