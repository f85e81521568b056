"""The choices offered to a creator have one home; the AI's strengths keep the original's names."""

from __future__ import annotations

import pytest

from app import choices, game
from app.choices import Strength, UnknownStrength
from app.go import Color


@pytest.mark.parametrize("strength", list(Strength))
def test_each_strength_is_found_by_its_original_bot_name(strength: Strength) -> None:
    assert Strength.from_bot_name(strength.bot_name) is strength


def test_an_unknown_bot_name_is_refused_with_the_names_there_are() -> None:
    with pytest.raises(UnknownStrength, match="KataGoOneStar, KataGoTwoStars"):
        Strength.from_bot_name("KataGoFiveStars")


def test_a_game_against_the_ai_shows_its_strength_in_stars() -> None:
    state = game.new_game("choices-game", "human", board_size=9)
    played = game.attach_bot(state, Color.WHITE, Strength.THREE_STARS).state
    assert played is not None
    assert game.GameState.from_json(played.to_json()).bot_strength == 3
    assert game.snapshot(played, "human")["botStrength"] == 3


@pytest.mark.parametrize("level, stars", [(1, 1), (4, 2), (6, 3), (7, 3), (8, 4), (10, 4)])
def test_a_game_stored_with_a_gnugo_level_reads_as_the_nearest_strength(level: int, stars: int) -> None:
    state = game.new_game("legacy-game", "human", board_size=9)
    stored = state.to_json()
    del stored["bot_strength"]
    stored["bot_level"] = level
    assert game.GameState.from_json(stored).bot_strength == stars


def test_the_original_rules_are_not_a_choice() -> None:
    assert "original" not in choices.RULE_PRESETS
    assert choices.BOARD_SIZES == (9, 13, 19)
