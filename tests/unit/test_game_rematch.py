"""Rematch after the game: offer, accept, decline; colours swapped, same settings. Pure."""

from __future__ import annotations

import pytest

from app import game
from app.game import Phase, Rejected
from app.go import Color

from .game_helpers import ALICE, BOB, CAROL, ORIGINAL, OURS, B, W, against_ai, fischer, seated, sent, settled


def over(state: game.GameState, loser: str = BOB) -> game.GameState:
    return settled(game.resign(state, loser))


def test_an_offer_is_told_to_both_players_only_and_accepted_with_colours_swapped() -> None:
    done = over(seated(size=13, komi=5.5, rules="japanese", time_control=fischer(300, 5)))
    offered = game.offer_rematch(done, ALICE)
    assert sent(offered) == [("RematchOffered", (ALICE, BOB))]
    state = settled(offered)
    assert state.rematch_offered_by == "BLACK" and game.wants_acceptance(state, BOB)
    assert not game.wants_acceptance(state, ALICE)
    with pytest.raises(Rejected, match="rematch_offered"):
        game.offer_rematch(state, ALICE)
    rematch = game.accept_rematch(state, BOB)
    new = rematch.new
    assert (new.black, new.white) == (BOB, ALICE)
    assert (new.board_size, new.komi, new.rules, new.time_control) == (13, 5.5, "japanese", done.time_control)
    assert new.phase is Phase.PLAYING and new.has_clock and new.moves == []
    assert new.game_id == game.rematch_id(done.game_id) != done.game_id
    told = {d.clients: d.payload for d in rematch.old.deliveries}
    assert told[(BOB,)]["yourColor"] == "BLACK" and told[(ALICE,)]["yourColor"] == "WHITE"
    assert all(p["newGameId"] == new.game_id for p in told.values())
    assert sent(rematch.old)  # no client id in any payload
    after = settled(rematch.old)
    assert after.rematch_game == new.game_id
    with pytest.raises(Rejected, match="rematch_started"):
        game.offer_rematch(after, ALICE)


def test_a_decline_is_final_for_that_player_and_spectators_cannot_offer() -> None:
    state = settled(game.offer_rematch(over(seated()), BOB))
    declined = game.decline_rematch(state, ALICE)
    assert sent(declined) == [("RematchDeclined", (ALICE, BOB))]
    state = settled(declined)
    assert state.rematch_offered_by is None and state.rematch_declined_by == "BLACK"
    with pytest.raises(Rejected, match="rematch_declined"):
        game.offer_rematch(state, BOB)
    with pytest.raises(Rejected, match="not_a_player"):
        game.offer_rematch(state, CAROL)
    with pytest.raises(Rejected, match="no_rematch_offer"):
        game.accept_rematch(state, BOB)


def test_only_after_the_game_and_only_to_a_client_that_hears_it() -> None:
    with pytest.raises(Rejected, match="not_over"):
        game.offer_rematch(seated(), ALICE)
    with_original = over(seated(speaks=(OURS, ORIGINAL)))
    with pytest.raises(Rejected, match="rematch_unsupported"):
        game.offer_rematch(with_original, ALICE)


def test_against_the_ai_an_offer_is_accepted_at_once_and_the_ai_takes_the_other_colour() -> None:
    state = over(against_ai(bot=W), ALICE)
    assert game.wants_acceptance(state, ALICE)
    rematch = game.accept_rematch(state, ALICE)
    assert (rematch.new.black, rematch.new.white) == (game.BOT, ALICE)
    assert rematch.new.bot_strength == state.bot_strength
    assert [d.clients for d in rematch.old.deliveries] == [(ALICE,)]
    assert game.what_follows(rematch.new)[0] == game.EngineMove(rematch.new.game_id, rematch.new.version)
    assert Color.BLACK is B and Color.WHITE is W
