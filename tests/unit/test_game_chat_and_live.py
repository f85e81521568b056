"""Chat lines (who says what, where, under which name) and the live list's entries. Pure."""

from __future__ import annotations

import json

import pytest

from app import game
from app.game import Rejected
from app.game.chat import MAX_CHARS, clean, pseudonym

from .game_helpers import ALICE, BOB, CAROL, T0, play, seated, settled, waiting


def test_players_talk_on_their_channel_and_spectators_on_theirs_under_a_pseudonym() -> None:
    state = play(seated(), "B c3")
    line = game.say(state, ALICE, "  good\u202e luck\n\n have fun ", T0)
    assert line.channel == "players"
    assert (line.payload["from"], line.payload["text"], line.payload["turn"]) == ("BLACK", "good luck have fun", 1)
    watcher = game.say(state, CAROL, "<b>nice</b>", T0)
    assert watcher.channel == "spectators" and watcher.payload["text"] == "<b>nice</b>"
    assert watcher.payload["from"] == pseudonym(state.game_id, CAROL) != pseudonym("other", CAROL)
    for client in (ALICE, BOB, CAROL):
        assert client not in json.dumps([line.payload, watcher.payload])


def test_empty_long_and_early_lines_are_refused() -> None:
    state = seated()
    with pytest.raises(Rejected, match="empty_chat"):
        game.say(state, ALICE, " \u200b\t ", T0)
    with pytest.raises(Rejected, match="chat_too_long"):
        game.say(state, ALICE, "x" * (MAX_CHARS + 1), T0)
    assert len(game.say(state, ALICE, "x" * MAX_CHARS, T0).payload["text"]) == MAX_CHARS
    with pytest.raises(Rejected, match="not_started"):
        game.say(waiting(), ALICE, "hello", T0)
    assert clean("a\x00b\u200dc") == "abc"


def test_players_read_the_spectators_only_after_the_game_and_the_record_keeps_both() -> None:
    state = play(seated(), "B c3", "W g7")
    lines = [game.say(state, ALICE, "hi", T0).payload, game.say(state, CAROL, "psst: play d4", T0).payload]
    assert [x["channel"] for x in game.visible_to(state, ALICE, lines)] == ["players"]
    assert len(game.visible_to(state, CAROL, lines)) == 2
    done = settled(game.resign(state, BOB))
    assert len(game.visible_to(done, ALICE, lines)) == 2
    comments = game.sgf_comments(lines)
    assert comments[2].startswith("Black: hi\nSpectator ") and comments[2].endswith("(spectators): psst: play d4")


def test_public_games_are_listed_in_play_private_ones_only_when_their_creator_says_so() -> None:
    public = play(seated(), "B c3")
    assert game.is_listed(public)
    entry = game.live_entry(public, T0)
    assert entry["moveNumber"] == 1 and entry["boardSize"] == 9 and entry["players"] == {"BLACK": "human",
                                                                                       "WHITE": "human"}
    assert ALICE not in json.dumps(entry) and BOB not in json.dumps(entry)
    assert not game.is_listed(settled(game.resign(public, BOB)))
    private = play(seated(visibility=game.PRIVATE), "B c3")
    assert not game.is_listed(private)
    with pytest.raises(Rejected, match="not_the_creator"):
        game.set_listed(private, BOB, True)
    listed = game.set_listed(private, ALICE, True)
    assert [d.payload["type"] for d in listed.deliveries] == ["ListingChanged"]
    assert game.is_listed(settled(listed))
    assert game.set_listed(settled(listed), ALICE, True).state is None  # no change, the answer again
    with pytest.raises(Rejected, match="always_listed"):
        game.set_listed(public, ALICE, False)
