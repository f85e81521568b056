"""Public pairing, private invitations and colour choice, through a real worker."""

from __future__ import annotations

from collections import Counter

import pytest

from app import game
from tasks import colors, lobby

from .flows import paired_public

pytestmark = pytest.mark.usefixtures("worker")


def test_public_pairing_gives_both_players_the_same_game(new_player) -> None:
    a, b = new_player(), new_player()
    lobby.find_public_game.delay(a.client_id, 13)
    waiting = a.wait("WaitForOpponent")
    assert waiting["visibility"] == "Public" and waiting["link"] is None
    lobby.find_public_game.delay(b.client_id, 13)
    ready_a = a.wait("GameReady")
    ready_b = b.wait("GameReady")
    assert ready_a["gameId"] == ready_b["gameId"] == waiting["gameId"]
    assert ready_a["boardSize"] == 13
    assert not b.events("WaitForOpponent")


def test_a_client_is_never_paired_with_itself(new_player, games) -> None:
    a = new_player()
    lobby.find_public_game.delay(a.client_id, 9)
    first = a.wait("WaitForOpponent")
    lobby.find_public_game.delay(a.client_id, 9)
    a.wait_for(lambda p: p["type"] == "WaitForOpponent" and p is not first)
    assert len(a.events("WaitForOpponent")) == 2
    assert {e["gameId"] for e in a.events("WaitForOpponent")} == {first["gameId"]}
    assert not a.events("GameReady")
    assert games.load(first["gameId"]).phase is game.Phase.WAITING
    lobby.find_public_game.delay(new_player().client_id, 9)  # pairs it, so the queue is left clean
    a.wait("GameReady")


def test_board_sizes_have_separate_queues(new_player) -> None:
    a, b, c = new_player(), new_player(), new_player()
    lobby.find_public_game.delay(a.client_id, 9)
    a.wait("WaitForOpponent")
    lobby.find_public_game.delay(b.client_id, 19)
    b.wait("WaitForOpponent")
    lobby.find_public_game.delay(c.client_id, 9)
    assert c.wait("GameReady")["boardSize"] == 9
    assert not b.events("GameReady")
    lobby.find_public_game.delay(new_player().client_id, 19)
    b.wait("GameReady")


def test_private_game_by_link_then_the_link_is_used_up(new_player, games) -> None:
    creator, friend, latecomer = new_player(), new_player(), new_player()
    lobby.create_private_game.delay(creator.client_id, {"boardSize": 9})
    waiting = creator.wait("WaitForOpponent")
    assert waiting["visibility"] == "Private"
    link = waiting["link"]
    assert link.startswith("http://bugout.test/?join=")
    compact_id = link.split("join=")[1]
    assert len(compact_id) >= 16  # 128 random bits, URL-safe
    assert compact_id not in waiting["gameId"]
    lobby.join_private_game.delay(friend.client_id, compact_id)
    assert friend.wait("GameReady")["gameId"] == waiting["gameId"]
    assert creator.wait("GameReady")["boardSize"] == 9
    lobby.join_private_game.delay(latecomer.client_id, compact_id)
    assert latecomer.wait("PrivateGameRejected")["gameId"] == compact_id
    assert games.load(waiting["gameId"]).players == [creator.client_id, friend.client_id]


def test_a_bad_invitation_is_rejected(new_player) -> None:
    stranger = new_player()
    lobby.join_private_game.delay(stranger.client_id, "not-a-real-invitation")
    assert stranger.wait("PrivateGameRejected")["gameId"] == "not-a-real-invitation"


def test_the_creator_can_come_back_to_the_same_link(new_player) -> None:
    creator, friend = new_player(), new_player()
    lobby.create_private_game.delay(creator.client_id, {"boardSize": 19})
    waiting = creator.wait("WaitForOpponent")
    compact_id = waiting["link"].split("join=")[1]
    lobby.join_private_game.delay(creator.client_id, compact_id)  # a reload opens the link again
    creator.wait_for(lambda p: p["type"] == "WaitForOpponent" and p is not waiting)
    assert {e["link"] for e in creator.events("WaitForOpponent")} == {waiting["link"]}
    lobby.join_private_game.delay(friend.client_id, compact_id)
    friend.wait("GameReady")


def test_an_expired_invitation_is_rejected(new_player, games) -> None:
    creator, friend = new_player(), new_player()
    lobby.create_private_game.delay(creator.client_id, {"boardSize": 9})
    compact_id = creator.wait("WaitForOpponent")["link"].split("join=")[1]
    games.redis.delete(games.keys.invite(compact_id))  # what the TTL does after a day
    lobby.join_private_game.delay(friend.client_id, compact_id)
    friend.wait("PrivateGameRejected")


@pytest.mark.parametrize(
    ("first", "second", "first_gets"),
    [("Black", "White", "BLACK"), ("White", "Black", "WHITE"), ("Any", "White", "BLACK"),
     ("Black", "Any", "BLACK"), ("White", "Any", "WHITE"), ("Any", "Black", "WHITE")],
)
def test_compatible_preferences_are_honoured(new_player, first: str, second: str, first_gets: str) -> None:
    a, b = new_player(), new_player()
    game_id = paired_public(a, b)
    colors.choose_color_pref.delay(a.client_id, first)
    colors.choose_color_pref.delay(b.client_id, second)
    assert a.wait("YourColor", gameId=game_id)["yourColor"] == first_gets
    assert b.wait("YourColor", gameId=game_id)["yourColor"] != first_gets


def test_conflicting_preferences_are_settled_by_a_fair_coin(new_player, games) -> None:
    outcomes: Counter[str] = Counter()
    for _ in range(16):
        a, b = new_player(), new_player()
        game_id = paired_public(a, b)
        colors.choose_color_pref.delay(a.client_id, "Black")
        colors.choose_color_pref.delay(b.client_id, "Black")
        mine = a.wait("YourColor", gameId=game_id)["yourColor"]
        theirs = b.wait("YourColor", gameId=game_id)["yourColor"]
        assert {mine, theirs} == {"BLACK", "WHITE"}
        outcomes[mine] += 1
    # Both sides of the coin come up (the chance that 16 fair tosses all agree is 1 in 32768).
    assert outcomes["BLACK"] > 0 and outcomes["WHITE"] > 0


def test_the_coin_is_the_domains_and_both_faces_seat_differently() -> None:
    state = game.new_game("g", "a", 9)
    state = game.join(state, "b").state
    for pref in ("Any", "Black", "White"):
        heads = game.choose_color(game.choose_color(state, "a", game.ColorPref(pref)).state, "b",
                                  game.ColorPref(pref), coin=lambda: True).state
        tails = game.choose_color(game.choose_color(state, "a", game.ColorPref(pref)).state, "b",
                                  game.ColorPref(pref), coin=lambda: False).state
        assert (heads.black, tails.black) == ("a", "b")
