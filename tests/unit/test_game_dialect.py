"""The game aggregate and what its players' clients speak: early colours, the original rules,
counts that original clients never accept. Pure: no Redis, no Celery."""

from __future__ import annotations

import pytest

from app import dialect, game
from app.dialect import Extension
from app.game import ColorPref, Phase
from app.go import Color, InvalidSetupError, Point

ORIGINAL = dialect.ORIGINAL
OURS = dialect.ALL


def waiting(speaks=OURS, rules: str = "chinese", komi=None) -> game.GameState:
    return game.new_game("g1", "creator", 9, game.PRIVATE, "Invite1", rules=rules, komi=komi, speaks=speaks)


def heads() -> bool:
    return True


def test_colours_chosen_before_the_opponent_arrives_seat_both_when_it_joins() -> None:
    state = waiting(ORIGINAL)
    chosen = game.choose_color(state, "creator", ColorPref.WHITE)
    assert chosen.state is not None and chosen.deliveries == []  # kept, nobody told yet
    state = chosen.state
    assert state.phase is Phase.WAITING and state.color_prefs == {"creator": "White"}
    joined = game.join(state, "friend", ORIGINAL)
    state = joined.state
    assert state is not None and state.phase is Phase.COLORS  # the friend has not chosen yet
    assert [d.payload["type"] for d in joined.deliveries] == ["GameReady"]
    seated = game.choose_color(state, "friend", ColorPref.ANY, coin=heads)
    assert seated.state is not None and seated.state.phase is Phase.PLAYING
    colours = {d.clients[0]: d.payload["yourColor"] for d in seated.deliveries}
    assert colours == {"creator": "WHITE", "friend": "BLACK"}


def test_a_seated_player_asking_for_a_colour_again_is_told_its_own() -> None:
    state = game.choose_color(waiting(), "creator", ColorPref.BLACK).state
    state = game.join(state, "friend").state
    state = game.choose_color(state, "friend", ColorPref.WHITE).state
    again = game.choose_color(state, "friend", ColorPref.BLACK)
    assert again.state is None  # nothing changes
    assert [(d.clients, d.payload["yourColor"]) for d in again.deliveries] == [(("friend",), "WHITE")]


@pytest.mark.parametrize(("creator", "joiner", "rules"), [
    (OURS, OURS, "japanese"),
    (ORIGINAL, OURS, "original"),
    (OURS, ORIGINAL, "original"),
    (frozenset({Extension.REJECTIONS}), frozenset({Extension.REJECTIONS}), "japanese"),
    (frozenset({Extension.SCORING, Extension.RESUME}), OURS, "original"),
])
def test_a_game_falls_back_to_the_original_rules_for_a_client_that_cannot_hear_a_refusal(
        creator, joiner, rules) -> None:
    state = waiting(creator, rules="japanese", komi=0.5)
    joined = game.join(state, "friend", joiner).state
    assert joined is not None
    assert (joined.rules, joined.komi) == (rules, 0.5)


def test_the_original_rules_are_never_chosen_by_a_player() -> None:
    with pytest.raises(InvalidSetupError):
        waiting(rules="original")


def seated(black_speaks, white_speaks) -> game.GameState:
    state = game.new_game("g2", "b", 9, speaks=black_speaks)
    state = game.join(state, "w", white_speaks).state
    state = game.choose_color(state, "b", ColorPref.BLACK).state
    state = game.choose_color(state, "w", ColorPref.WHITE).state
    assert state is not None and state.phase is Phase.PLAYING
    return state


def two_passes(state: game.GameState) -> game.Decision:
    state = game.make_move(state, "b", "r1", Color.BLACK, Point(2, 2)).state
    state = game.make_move(state, "w", "r2", Color.WHITE, None).state
    return game.make_move(state, "b", "r3", Color.BLACK, None)


def test_between_original_clients_two_passes_end_the_game_with_the_servers_count() -> None:
    decision = two_passes(seated(ORIGINAL, ORIGINAL))
    assert decision.state is not None and decision.state.phase is Phase.OVER
    kinds = [d.payload["type"] for d in decision.deliveries]
    assert kinds == ["MoveMade", "GameOver"]
    over = decision.deliveries[-1].payload
    # 81 points less komi 6.5: the original client's own komi, so the count it shows agrees.
    assert (over["result"], over["reason"]) == ("B+74.5", "score")


def test_an_original_opponent_is_taken_to_accept_and_our_player_still_counts() -> None:
    decision = two_passes(seated(OURS, ORIGINAL))
    state = decision.state
    assert state is not None and state.phase is Phase.SCORING and state.accepted == ["WHITE"]
    toggled = game.toggle_dead(state, "b", Point(2, 2)).state
    assert toggled is not None and toggled.accepted == ["WHITE"]  # a change keeps the implied one
    over = game.accept_score(toggled, "b")
    assert over.state is not None and over.state.phase is Phase.OVER
    assert over.deliveries[-1].payload["result"] == "W+7.5"  # Black's only stone marked dead


def test_players_who_speak_the_scoring_extension_both_accept() -> None:
    state = two_passes(seated(OURS, OURS)).state
    assert state is not None and state.phase is Phase.SCORING and state.accepted == []
