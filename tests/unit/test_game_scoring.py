"""The count: what the AI agrees to, and agreement to a count the player actually saw. Pure."""

from __future__ import annotations

import pytest

from app import game
from app.choices import Strength
from app.go import Color, Point


def bot_game_at_the_count() -> game.GameState:
    state = game.new_game("g3", "human", 9)
    state = game.attach_bot(state, Color.WHITE, Strength.ONE_STAR).state
    assert state is not None
    for color, who, point in [(Color.BLACK, "human", Point(2, 2)), (Color.WHITE, game.BOT, Point(6, 6)),
                              (Color.BLACK, "human", None), (Color.WHITE, game.BOT, None)]:
        state = game.make_move(state, who, None, color, point).state
        assert state is not None
    assert state.phase is game.Phase.SCORING and state.dead == []
    return state


def test_the_ai_does_not_accept_its_own_living_stones_marked_dead() -> None:
    state = bot_game_at_the_count()
    marked = game.toggle_dead(state, "human", Point(6, 6)).state  # the AI's only stone
    assert marked is not None and marked.accepted == []
    asked = game.accept_score(marked, "human").state
    assert asked is not None and asked.phase is game.Phase.SCORING and asked.accepted == ["BLACK"]
    # Marking its own stone dead only costs the human: the AI agrees to that.
    unmarked = game.toggle_dead(asked, "human", Point(6, 6)).state
    own = game.toggle_dead(unmarked, "human", Point(2, 2)).state
    assert own is not None and own.accepted == ["WHITE"]
    over = game.accept_score(own, "human")
    assert over.state is not None and over.state.phase is game.Phase.OVER


def test_agreement_to_a_count_that_changed_since_is_refused() -> None:
    state = bot_game_at_the_count()
    seen = state.version
    changed = game.toggle_dead(state, "human", Point(2, 2)).state
    assert changed is not None
    with pytest.raises(game.Rejected) as refused:
        game.accept_score(changed, "human", seen_version=seen)
    assert refused.value.reason == "stale_count"
    assert [d.payload["version"] for d in refused.value.then] == [changed.version]
    assert game.accept_score(changed, "human", seen_version=changed.version).state is not None
