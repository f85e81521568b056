"""Before play: creating a game, the second player joining, colours, coming back, the AI. Pure."""

from __future__ import annotations

from typing import Callable

import pytest

from app import game
from app.choices import Strength
from app.dialect import Extension
from app.game import BOT, PRIVATE, ColorPref, Phase
from app.go import InvalidSetupError

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
    byoyomi,
    fischer,
    fresh_id,
    heads,
    move,
    play,
    seated,
    sent,
    settled,
    stored,
    tails,
    untossed,
    versions,
    waiting,
)

# -- creating ------------------------------------------------------------------------------------


def test_a_new_game_waits_for_its_second_player_with_the_creators_settings() -> None:
    game_id = fresh_id()
    state = game.new_game(game_id, ALICE, board_size=13, visibility=PRIVATE, invite="Invite13",
                          rules="japanese", komi=0.5, handicap=2, now=T0, time_control=fischer(600, 5),
                          speaks=OURS)
    assert (state.game_id, state.creator, state.players, state.phase) == (game_id, ALICE, [ALICE], Phase.WAITING)
    assert (state.board_size, state.rules, state.komi, state.handicap) == (13, "japanese", 0.5, 2)
    assert (state.visibility, state.invite, state.version) == (PRIVATE, "Invite13", 0)
    assert state.time_control == {"kind": "fischer", "mainS": 600, "incrementS": 5}
    assert state.clock is None  # the clock starts with play
    assert (state.black, state.white) == (None, None)
    assert state.speaks == {ALICE: ["absence", "chat", "live", "rejections", "rematch", "resume", "scoring"]}
    assert state.created_at == state.updated_at == T0


@pytest.mark.parametrize(("speaks", "rules", "komi"), [
    (OURS, "chinese", 7.5),
    (frozenset({Extension.REJECTIONS}), "chinese", 7.5),
    (ORIGINAL, "original", 6.5),  # the original client's own komi, so its count agrees
])
def test_without_a_komi_the_game_takes_the_one_its_creator_expects(speaks, rules: str, komi: float) -> None:
    state = waiting(speaks=speaks)
    assert (state.rules, state.komi) == (rules, komi)


@pytest.mark.parametrize("settings", [
    {"board_size": 4},
    {"board_size": 26},
    {"handicap": 1},
    {"handicap": 10},
    {"komi": 7.3},
    {"rules": "go-moku"},
    {"rules": "original"},
], ids=lambda s: "-".join(f"{k}={v}" for k, v in s.items()))
def test_bad_settings_are_refused_when_the_game_is_created(settings: dict) -> None:
    arguments = {"board_size": 9, **settings}
    with pytest.raises(InvalidSetupError):
        game.new_game(fresh_id(), ALICE, **arguments)


def test_the_creator_is_told_to_wait_with_its_link() -> None:
    state = waiting(visibility=PRIVATE, invite="Invite1")
    told = game.waiting_event(state, "https://bugout.test/?join=Invite1")
    assert sent([told]) == [("WaitForOpponent", (ALICE,))]
    assert bare(told.payload) == {"type": "WaitForOpponent", "gameId": state.game_id, "visibility": PRIVATE,
                                  "link": "https://bugout.test/?join=Invite1", "version": 0}


# -- joining -------------------------------------------------------------------------------------


def test_the_second_player_joining_makes_the_game_ready_for_both() -> None:
    state = waiting()
    joined = game.join(state, BOB, ORIGINAL, now=T0 + 5)
    new = settled(joined)
    assert sent(joined) == [("GameReady", (ALICE, BOB))]
    assert bare(joined.deliveries[0].payload) == {"type": "GameReady", "gameId": state.game_id, "boardSize": 9,
                                                  "version": 1}
    assert (new.players, new.phase, new.version, new.updated_at) == ([ALICE, BOB], Phase.COLORS, 1, T0 + 5)
    assert new.speaks[BOB] == []
    assert (state.players, state.phase, state.version) == ([ALICE], Phase.WAITING, 0)  # the old one as it was


def test_the_creator_cannot_join_its_own_game() -> None:
    state = waiting()
    with pytest.raises(game.Rejected) as refused:
        game.join(state, ALICE)
    assert (refused.value.reason, refused.value.answer) == ("same_client", None)


@pytest.mark.parametrize("started", [
    lambda: settled(game.join(waiting(), BOB)),
    lambda: seated(),
    lambda: against_ai(),
], ids=["choosing colours", "playing", "against the AI"])
def test_a_game_that_has_its_two_players_refuses_a_third(started: Callable[[], game.GameState]) -> None:
    with pytest.raises(game.Rejected) as refused:
        game.join(started(), CAROL)
    assert refused.value.reason == "game_started"


# -- colours -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("alice", "bob", "alice_plays"), [
    (ColorPref.BLACK, ColorPref.WHITE, B),
    (ColorPref.WHITE, ColorPref.BLACK, W),
    (ColorPref.BLACK, ColorPref.ANY, B),
    (ColorPref.WHITE, ColorPref.ANY, W),
    (ColorPref.ANY, ColorPref.BLACK, W),
    (ColorPref.ANY, ColorPref.WHITE, B),
])
def test_compatible_preferences_are_honoured_without_the_coin(alice, bob, alice_plays) -> None:
    state = settled(game.join(waiting(), BOB))
    state = settled(game.choose_color(state, ALICE, alice, coin=untossed, now=T0 + 1))
    decision = game.choose_color(state, BOB, bob, coin=untossed, now=T0 + 2)
    new = settled(decision)
    bob_plays = alice_plays.opponent
    assert (new.seat_of(ALICE), new.seat_of(BOB), new.phase) == (alice_plays, bob_plays, Phase.PLAYING)
    black, white = (ALICE, BOB) if alice_plays is B else (BOB, ALICE)
    assert sent(decision) == [("YourColor", (black,)), ("YourColor", (white,))]
    assert [bare(d.payload) for d in decision.deliveries] == [
        {"type": "YourColor", "gameId": new.game_id, "yourColor": "BLACK", "version": 3},
        {"type": "YourColor", "gameId": new.game_id, "yourColor": "WHITE", "version": 3},
    ]
    assert new.version == 3 and new.color_prefs == {ALICE: alice.value, BOB: bob.value}


@pytest.mark.parametrize(("pref", "coin", "black"), [
    (ColorPref.BLACK, heads, ALICE),
    (ColorPref.BLACK, tails, BOB),
    (ColorPref.WHITE, heads, ALICE),
    (ColorPref.WHITE, tails, BOB),
    (ColorPref.ANY, heads, ALICE),
    (ColorPref.ANY, tails, BOB),
])
def test_equal_preferences_are_settled_by_the_coin_heads_for_the_creator(pref, coin, black: str) -> None:
    state = settled(game.join(waiting(), BOB))
    state = settled(game.choose_color(state, ALICE, pref))
    new = settled(game.choose_color(state, BOB, pref, coin=coin))
    assert new.black == black and new.white == ({ALICE, BOB} - {black}).pop()


def test_the_first_preference_alone_seats_nobody_and_tells_nobody() -> None:
    state = settled(game.join(waiting(), BOB))
    decision = game.choose_color(state, BOB, ColorPref.WHITE, now=T0 + 3)
    new = settled(decision)
    assert decision.deliveries == []
    assert (new.phase, new.black, new.white, new.color_prefs, new.version) == (
        Phase.COLORS, None, None, {BOB: "White"}, 2)


def test_a_stranger_cannot_choose_a_colour() -> None:
    with pytest.raises(game.Rejected) as refused:
        game.choose_color(settled(game.join(waiting(), BOB)), CAROL, ColorPref.BLACK)
    assert refused.value.reason == "not_a_player"


def test_colours_by_coin_keeps_the_one_choice_made_and_takes_the_silent_player_to_want_any() -> None:
    state = settled(game.join(waiting(), BOB))
    state = settled(game.choose_color(state, ALICE, ColorPref.WHITE))
    decision = game.colours_by_coin(state, coin=untossed, now=T0 + 60)
    new = settled(decision)
    assert (new.black, new.white, new.phase, new.version) == (BOB, ALICE, Phase.PLAYING, state.version + 1)
    assert new.color_prefs == {ALICE: "White", BOB: "Any"}
    assert sent(decision) == [("YourColor", (BOB,)), ("YourColor", (ALICE,))]
    assert versions(decision) == [new.version, new.version]


@pytest.mark.parametrize(("coin", "black"), [(heads, ALICE), (tails, BOB)])
def test_colours_by_coin_with_nobody_choosing_tosses_the_coin(coin, black: str) -> None:
    new = settled(game.colours_by_coin(settled(game.join(waiting(), BOB)), coin=coin))
    assert new.black == black and new.color_prefs == {ALICE: "Any", BOB: "Any"}


def test_colours_by_coin_is_refused_once_colours_are_chosen() -> None:
    with pytest.raises(game.Rejected) as refused:
        game.colours_by_coin(seated())
    assert refused.value.reason == "colors_already_chosen"


@pytest.mark.parametrize(("handicap", "first"), [(0, "BLACK"), (2, "WHITE")])
def test_seating_both_players_starts_the_clock_of_the_first_to_move(handicap: int, first: str) -> None:
    state = seated(now=T0 + 7, time_control=byoyomi(10, 3, 5), handicap=handicap)
    side = {"remainingS": 10.0, "periodsLeft": 3}
    assert state.clock == {"black": side, "white": side, "runningFor": first, "since": T0 + 7,
                           "flagged": None, "stoppedFor": None}


def test_an_untimed_game_has_no_clock() -> None:
    assert seated().clock is None


# -- coming back ---------------------------------------------------------------------------------


@pytest.mark.parametrize("speaks", [OURS, ORIGINAL], ids=["ours", "original"])
def test_a_player_back_before_the_first_move_is_simply_told_the_game_is_ready(speaks) -> None:
    for state in (settled(game.join(waiting(speaks=speaks), BOB, speaks)), seated(speaks=(speaks, speaks))):
        decision = game.come_back(state, ALICE, speaks)
        assert decision.state is None  # nothing changes
        assert sent(decision) == [("GameReady", (ALICE,))]
        assert decision.deliveries[0].payload["version"] == state.version


def test_a_client_that_resumes_comes_back_to_a_game_under_way() -> None:
    state = play(seated(), "B e5", "W c3")
    decision = game.come_back(state, BOB, OURS)
    assert decision.state is None
    assert sent(decision) == [("GameReady", (BOB,))]


def test_an_original_client_back_in_a_game_under_way_leaves_it_and_its_opponent_wins() -> None:
    state = seated(speaks=(ORIGINAL, OURS), visibility=PRIVATE, invite="Invite7")
    state = play(state, "B e5")
    decision = game.come_back(state, ALICE, ORIGINAL)
    new = settled(decision)
    assert sent(decision) == [("PrivateGameRejected", (ALICE,)), ("OpponentQuit", (BOB,)), ("GameOver", GAME)]
    assert decision.deliveries[0].payload["gameId"] == "Invite7"  # the link's id, which it knows
    assert (new.phase, new.result, new.end_reason) == (Phase.OVER, "W+F", "quit")
    assert versions(decision) == [new.version, new.version] and new.version == state.version + 1


@pytest.mark.parametrize(("state", "reason"), [
    (lambda: seated(), "not_a_player"),
    (lambda: settled(game.resign(seated(), ALICE)), "game_over"),
], ids=["a stranger", "a finished game"])
def test_coming_back_is_refused_to_a_stranger_and_in_a_finished_game(state, reason: str) -> None:
    who = CAROL if reason == "not_a_player" else ALICE
    before = state()
    with pytest.raises(game.Rejected) as refused:
        game.come_back(before, who, OURS)
    assert refused.value.reason == reason


# -- the AI --------------------------------------------------------------------------------------


def test_attaching_the_ai_seats_it_and_starts_play_and_its_clock() -> None:
    state = waiting(time_control=fischer(300, 10), now=T0)
    decision = game.attach_bot(state, W, Strength.THREE_STARS, now=T0 + 2)
    new = settled(decision)
    assert (new.players, new.black, new.white, new.phase) == ([ALICE, BOT], ALICE, BOT, Phase.PLAYING)
    assert (new.bot_strength, new.version) == (3, 1)
    assert sent(decision) == [("BotAttached", (ALICE,)), ("YourColor", (ALICE,))]
    assert [bare(d.payload) for d in decision.deliveries] == [
        {"type": "BotAttached", "gameId": new.game_id, "player": "WHITE", "boardSize": 9, "version": 1},
        {"type": "YourColor", "gameId": new.game_id, "yourColor": "BLACK", "version": 1},
    ]
    assert new.clock is not None
    assert (new.clock["runningFor"], new.clock["since"], new.clock["black"]) == (
        "BLACK", T0 + 2, {"remainingS": 300.0, "periodsLeft": 0})


def test_the_ai_may_take_black_and_then_its_clock_runs_first() -> None:
    new = settled(game.attach_bot(waiting(time_control=fischer()), B, Strength.ONE_STAR, now=T0))
    assert (new.black, new.white, new.clock["runningFor"]) == (BOT, ALICE, "BLACK")
    assert settled(game.attach_bot(waiting(), B, Strength.ONE_STAR)).clock is None


def test_the_ai_cannot_be_attached_to_a_game_that_started() -> None:
    state = against_ai()
    frozen = stored(state)
    with pytest.raises(game.Rejected) as refused:
        game.attach_bot(state, W, Strength.ONE_STAR)
    assert refused.value.reason == "game_started" and stored(state) == frozen


def test_a_player_seated_against_the_ai_moves_at_once() -> None:
    decision = move(against_ai(), "B e5")
    assert sent(decision) == [("MoveMade", GAME)]
    assert decision.deliveries[0].payload["playerUp"] == "WHITE"
