"""Every bad frame gets an Error with a code and changes nothing; floods are cut off; fuzzing
never kills the server or changes a game."""

from __future__ import annotations

import json
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from web.messages import COMMAND_TYPES, MAX_FRAME_BYTES

from .flows import seated_game

GAME = "7c9e6679-7425-40de-944b-e07fc1f90ae7"


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        ("this is not json", "bad_json"),
        ("[1, 2, 3]", "bad_frame"),
        ('{"no": "type"}', "bad_frame"),
        ('{"type": 7}', "bad_frame"),
        ('{"type": "LaunchMissiles"}', "unknown_type"),
        ('{"type": "MakeMove"}', "invalid"),
        ('{"type": "MakeMove", "gameId": "not-a-uuid", "coord": null}', "invalid"),
        ('{"type": "MakeMove", "gameId": "%s", "coord": {"x": "3", "y": 3}}' % GAME, "invalid"),
        ('{"type": "MakeMove", "gameId": "%s", "coord": {"x": 30, "y": 3}}' % GAME, "invalid"),
        ('{"type": "MakeMove", "gameId": "%s", "player": "RED", "coord": null}' % GAME, "invalid"),
        ('{"type": "ChooseColorPref", "colorPref": "Purple"}', "invalid"),
        ('{"type": "FindPublicGame", "boardSize": 11}', "invalid"),
        ('{"type": "Identify", "clientId": "me"}', "invalid"),
        ("x" * (MAX_FRAME_BYTES + 1), "too_large"),
        (json.dumps({"type": "Beep", "pad": "x" * MAX_FRAME_BYTES}), "too_large"),
    ],
)
def test_each_kind_of_bad_frame_gets_an_error_and_the_connection_stays_open(connect, frame: str, code: str) -> None:
    client = connect()
    client.send_raw(frame)
    assert client.wait("Error")["code"] == code
    client.send({"type": "ProvideIdleStatus"})
    assert client.wait("IdleStatusProvided")["status"] in ("Online", "Idle", "Booting")


def test_binary_garbage_gets_an_error(connect) -> None:
    client = connect()
    client.send_raw(b"\xff\xfe\x00garbage")
    assert client.wait("Error")["code"] == "bad_json"


def test_commands_need_an_identity_first(connect) -> None:
    anonymous = connect(identify=False)
    anonymous.send({"type": "FindPublicGame"})
    assert anonymous.wait("Error")["code"] == "not_identified"
    anonymous.send({"type": "MakeMove", "gameId": GAME, "reqId": "r", "coord": None})
    assert anonymous.wait("Error", replyTo="r")["code"] == "not_identified"
    anonymous.send({"type": "Beep"})  # a keepalive needs no identity
    anonymous.identify()
    mark = anonymous.mark()
    anonymous.send({"type": "Identify", "clientId": str(uuid.uuid4())})
    assert anonymous.wait("Error", after=mark)["code"] == "already_identified"


def test_a_move_off_a_known_board_is_an_error(connect) -> None:
    black, white, game_id = seated_game(connect, 9)
    black.send({"type": "MakeMove", "gameId": game_id, "reqId": "far", "player": "BLACK",
                "coord": {"x": 12, "y": 3}})
    assert black.wait("Error", replyTo="far")["code"] == "off_board"
    assert black.move(game_id, "BLACK", 3, 3)["type"] == "MoveMade"


def test_a_flooding_client_is_throttled_then_disconnected_and_nobody_else_notices(connect) -> None:
    black, white, game_id = seated_game(connect, 9)
    flooder = connect()
    for _ in range(600):
        try:
            flooder.send({"type": "Beep"})
        except Exception:  # noqa: BLE001  (the server may close mid-flood)
            break
    code, _ = flooder.wait_closed()
    assert code == 1008
    assert flooder.of_type("Error")[0]["code"] == "rate_limited"
    assert black.move(game_id, "BLACK", 4, 4)["type"] == "MoveMade"
    assert white.wait("MoveMade")["coord"] == {"x": 4, "y": 4}


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
field_names = st.sampled_from(
    ["gameId", "reqId", "player", "coord", "clientId", "colorPref", "boardSize", "turn", "lastMove",
     "accept", "bot", "x", "y", "sinceVersion"]
)
frames = st.one_of(
    st.text(max_size=200),
    st.builds(
        lambda kind, fields: json.dumps({"type": kind, **fields}),
        st.sampled_from(sorted(COMMAND_TYPES) + ["Bogus"]),
        st.dictionaries(field_names, json_values, max_size=5),
    ),
    json_values.map(json.dumps),
)


def test_fuzzed_frames_never_kill_the_server_or_change_a_game(connect, games) -> None:
    black, white, game_id = seated_game(connect, 9)
    black.move(game_id, "BLACK", 4, 4)
    before = games.load(game_id)
    # Ten connections share the frames, so each stays inside the rate limit (tested above).
    fuzzers = [connect() for _ in range(10)]
    sent = [0]

    @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
    @given(frames)
    def send_one(frame: str) -> None:
        # Frames that name the real game still come from clients that are not seated there.
        fuzzers[sent[0] % len(fuzzers)].send_raw(frame.replace(GAME, game_id))
        sent[0] += 1

    send_one()
    for fuzzer in fuzzers:
        fuzzer.send({"type": "ProvideIdleStatus"})
        fuzzer.wait("IdleStatusProvided", timeout=30)
        assert fuzzer.closed_with is None
    after = games.load(game_id)
    assert (after.moves, after.phase, after.black, after.white) == (before.moves, before.phase, before.black,
                                                                   before.white)
    assert white.move(game_id, "WHITE", 3, 3)["type"] == "MoveMade"
