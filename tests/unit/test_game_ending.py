"""How a game ends other than by the count: resigning, quitting, a player gone too long. Pure."""

from __future__ import annotations

import pytest

from app import game
from app.game import Phase
from app.go import Color

from .game_helpers import (
    ALICE,
    BOB,
    CAROL,
    GAME,
    ORIGINAL,
    OURS,
    T0,
    B,
    W,
    against_ai,
    bare,
    fischer,
    play,
    seated,
    sent,
    settled,
    stored,
    versions,
    waiting,
)

FOUR_MOVES = ("B e5", "W c3", "B g7", "W c7")
"""Two moves each: enough for a game to be more than barely begun."""

# -- resigning -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("who", "result"), [(ALICE, "W+R"), (BOB, "B+R")], ids=["black", "white"])
def test_resigning_gives_the_opponent_the_game(who: str, result: str) -> None:
    state = play(seated(), "B e5")
    decision = game.resign(state, who)
    new = settled(decision)
    assert sent(decision) == [("GameOver", GAME)]
    assert bare(decision.deliveries[0].payload) == {"type": "GameOver", "gameId": new.game_id, "result": result,
                                                    "reason": "resignation", "version": state.version + 1}
    assert (new.phase, new.result, new.end_reason) == (Phase.OVER, result, "resignation")
    assert state.phase is Phase.PLAYING  # the old state as it was


def test_a_pending_undo_request_and_a_claim_end_with_a_resignation() -> None:
    state = play(seated(), "B e5")
    state = settled(game.request_undo(state, ALICE))
    new = settled(game.resign(state, BOB))
    assert (new.undo_requested_by, new.claimable_by) == (None, None)


def test_a_player_may_resign_during_the_count() -> None:
    state = play(seated(), "B e5", "W pass", "B pass")
    assert state.phase is Phase.SCORING
    assert settled(game.resign(state, ALICE)).result == "W+R"


@pytest.mark.parametrize(("state", "who", "reason"), [
    (lambda: seated(), CAROL, "not_a_player"),
    (lambda: settled(game.join(waiting(), BOB)), ALICE, "not_a_player"),  # nobody is seated yet
    (lambda: settled(game.resign(seated(), ALICE)), BOB, "game_over"),
], ids=["a stranger", "before the colours", "a finished game"])
def test_resigning_is_refused_when_there_is_nothing_to_resign(state, who: str, reason: str) -> None:
    before = state()
    with pytest.raises(game.Rejected) as refused:
        game.resign(before, who)
    assert refused.value.reason == reason


# -- quitting ------------------------------------------------------------------------------------


def test_the_creator_quitting_a_waiting_game_cancels_it() -> None:
    decision = game.quit_game(waiting(), ALICE)
    new = settled(decision)
    assert sent(decision) == [("GameOver", GAME)]
    assert (new.phase, new.result, new.end_reason, new.version) == (Phase.OVER, "Void", "cancelled", 1)


def test_a_player_quitting_while_colours_are_chosen_cancels_the_game_and_tells_the_other() -> None:
    decision = game.quit_game(settled(game.join(waiting(), BOB)), BOB)
    new = settled(decision)
    assert sent(decision) == [("OpponentQuit", (ALICE,)), ("GameOver", GAME)]
    assert (new.result, new.end_reason) == ("Void", "cancelled")


@pytest.mark.parametrize(("who", "opponent", "result"), [(ALICE, BOB, "W+F"), (BOB, ALICE, "B+F")])
def test_quitting_a_game_under_way_forfeits_it_and_only_the_opponent_hears_it_quit(
        who: str, opponent: str, result: str) -> None:
    state = play(seated(), "B e5")
    decision = game.quit_game(state, who)
    new = settled(decision)
    assert sent(decision) == [("OpponentQuit", (opponent,)), ("GameOver", GAME)]
    assert bare(decision.deliveries[0].payload) == {"type": "OpponentQuit", "gameId": new.game_id,
                                                    "version": state.version + 1}
    assert versions(decision) == [state.version + 1] * 2
    assert (new.phase, new.result, new.end_reason) == (Phase.OVER, result, "quit")


def test_quitting_a_game_against_the_ai_tells_nobody_but_the_game() -> None:
    decision = game.quit_game(play(against_ai(bot=B), "B e5"), ALICE)
    assert sent(decision) == [("GameOver", GAME)]
    assert settled(decision).result == "B+F"


def test_quitting_is_refused_to_a_stranger_and_in_a_finished_game() -> None:
    with pytest.raises(game.Rejected) as stranger:
        game.quit_game(seated(), CAROL)
    with pytest.raises(game.Rejected) as finished:
        game.quit_game(settled(game.resign(seated(), ALICE)), BOB)
    assert (stranger.value.reason, finished.value.reason) == ("not_a_player", "game_over")


def test_a_waiting_game_whose_creator_went_away_is_annulled_but_a_started_one_is_not() -> None:
    new = settled(game.cancel_wait(waiting()))
    assert (new.phase, new.result, new.end_reason) == (Phase.OVER, "Void", "abandoned")
    with pytest.raises(game.Rejected) as refused:
        game.cancel_wait(settled(game.join(waiting(), BOB)))
    assert refused.value.reason == "game_started"


# -- absence -------------------------------------------------------------------------------------


@pytest.mark.parametrize("moves", [(), ("B e5",), ("B e5", "W c3", "B g7")],
                         ids=["no move", "one move", "white played one"])
def test_a_player_gone_from_a_game_barely_begun_annuls_it(moves: tuple[str, ...]) -> None:
    state = play(seated(), *moves)
    decision = game.player_absent(state, W)
    new = settled(decision)
    assert sent(decision) == [("GameOver", GAME)]
    assert bare(decision.deliveries[0].payload) == {"type": "GameOver", "gameId": new.game_id, "result": "Void",
                                                    "reason": "abandoned", "version": state.version + 1}
    assert (new.phase, new.result, new.end_reason) == (Phase.OVER, "Void", "abandoned")


def test_a_pass_counts_as_a_move_toward_a_game_under_way() -> None:
    state = play(seated(), "B e5", "W pass", "B g7", "W c3")
    decision = game.player_absent(state, W)
    assert sent(decision) == [("OpponentAbsent", GAME)]
    assert settled(decision).claimable_by == "BLACK"


def test_a_player_gone_from_a_game_under_way_lets_the_opponent_claim_the_win() -> None:
    state = play(seated(), *FOUR_MOVES)
    decision = game.player_absent(state, B)
    new = settled(decision)
    assert sent(decision) == [("OpponentAbsent", GAME)]
    assert bare(decision.deliveries[0].payload) == {"type": "OpponentAbsent", "gameId": new.game_id,
                                                    "player": "BLACK", "claimableBy": "WHITE",
                                                    "version": state.version + 1}
    assert (new.phase, new.claimable_by, new.result) == (Phase.PLAYING, "WHITE", None)
    with pytest.raises(game.Rejected) as again:
        game.player_absent(new, B)
    assert again.value.reason == "already_claimable"


def test_the_present_player_claims_the_win_and_the_absent_one_cannot() -> None:
    state = settled(game.player_absent(play(seated(), *FOUR_MOVES), B))
    frozen = stored(state)
    with pytest.raises(game.Rejected) as absent:
        game.claim_win(state, ALICE)
    assert absent.value.reason == "nothing_to_claim" and stored(state) == frozen
    decision = game.claim_win(state, BOB)
    new = settled(decision)
    assert sent(decision) == [("GameOver", GAME)]
    assert bare(decision.deliveries[0].payload) == {"type": "GameOver", "gameId": new.game_id, "result": "W+F",
                                                    "reason": "abandoned", "version": state.version + 1}
    assert (new.phase, new.claimable_by) == (Phase.OVER, None)


def test_nothing_can_be_claimed_while_both_players_are_here() -> None:
    with pytest.raises(game.Rejected) as refused:
        game.claim_win(play(seated(), *FOUR_MOVES), BOB)
    assert refused.value.reason == "nothing_to_claim"


def test_a_player_who_returns_first_just_continues() -> None:
    state = settled(game.player_absent(play(seated(), *FOUR_MOVES), W))
    assert state.claimable_by == "BLACK"
    decision = game.player_returned(state)
    new = settled(decision)
    assert sent(decision) == [("OpponentReturned", GAME)]
    assert bare(decision.deliveries[0].payload) == {"type": "OpponentReturned", "gameId": new.game_id,
                                                    "player": "WHITE", "version": state.version + 1}
    assert (new.claimable_by, new.phase) == (None, Phase.PLAYING)
    with pytest.raises(game.Rejected) as claim:
        game.claim_win(new, ALICE)
    assert claim.value.reason == "nothing_to_claim"
    with pytest.raises(game.Rejected) as nobody:
        game.player_returned(new)
    assert nobody.value.reason == "nobody_absent"


def test_an_original_client_left_alone_wins_at_once_and_hears_its_opponent_quit() -> None:
    state = play(seated(speaks=(OURS, ORIGINAL)), *FOUR_MOVES)
    decision = game.player_absent(state, B)
    new = settled(decision)
    assert sent(decision) == [("OpponentQuit", (BOB,)), ("GameOver", GAME)]
    assert versions(decision) == [state.version + 1] * 2
    assert (new.phase, new.result, new.end_reason, new.claimable_by) == (Phase.OVER, "W+F", "abandoned", None)


def test_an_original_client_left_alone_in_a_game_barely_begun_hears_its_opponent_quit_and_it_is_annulled() -> None:
    decision = game.player_absent(play(seated(speaks=(ORIGINAL, OURS)), "B e5"), W)
    assert sent(decision) == [("OpponentQuit", (ALICE,)), ("GameOver", GAME)]
    assert settled(decision).result == "Void"


def test_absence_is_not_declared_before_play() -> None:
    with pytest.raises(game.Rejected) as refused:
        game.player_absent(settled(game.join(waiting(), BOB)), B)
    assert refused.value.reason == "not_playing"


def test_moves_by_counts_each_colours_moves_passes_included() -> None:
    state = play(seated(), "B e5", "W pass", "B c3")
    assert (game.moves_by(state, Color.BLACK), game.moves_by(state, Color.WHITE)) == (2, 1)


# -- a finished game's clock ---------------------------------------------------------------------


def test_the_clocks_of_a_resigned_game_stand_still() -> None:
    state = play(seated(time_control=fischer(60, 5)), "B e5", now=T0 + 10)
    over = settled(game.resign(state, BOB))
    early, late = (game.snapshot(over, ALICE, now=T0 + s)["clocks"] for s in (20, 50))
    assert early["running"] is None
    assert early == late
