"""A stranger must not be able to stop the web process or starve other players
(docs/security.md): each test here failed on the code before its fix."""

from __future__ import annotations

import base64
import json
import os
import socket
import struct
import threading
import time
import urllib.error
import urllib.request
import uuid
from typing import Iterator

import pytest
import websocket

from app import dialect

from ..support.stack import WebProcess
from ..support.wsclient import WsClient
from .flows import seated_game


class SilentSocket:
    """A websocket client that opens, says a few frames, and then never reads: its receive
    window is tiny, so what the server sends piles up on the server's side."""

    def __init__(self, port: int) -> None:
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1024)
        self.sock.connect(("127.0.0.1", port))
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall((f"GET /gateway HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                           f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                           "Sec-WebSocket-Version: 13\r\n\r\n").encode())
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = self.sock.recv(1)
            assert chunk, "the server closed during the handshake"
            head += chunk
        assert head.startswith(b"HTTP/1.1 101"), head

    def send(self, payload: dict) -> None:
        data = json.dumps(payload).encode()
        mask = os.urandom(4)
        header = bytes([0x81]) + (bytes([0x80 | len(data)]) if len(data) < 126
                                  else bytes([0x80 | 126]) + struct.pack("!H", len(data)))
        self.sock.sendall(header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def read_to_the_end(self) -> tuple[list[dict], bytes]:
        """Everything the server sent until it ended the connection, parsed frame by frame:
        (the JSON events, the close frame's payload). Fails on a garbled frame (one that
        starts inside another that was cut short does not parse)."""
        self.sock.settimeout(30)
        data = b""
        try:
            while True:
                chunk = self.sock.recv(65536)
                if not chunk:
                    break
                data += chunk
        except ConnectionResetError:
            pass
        events, close, at = [], b"", 0
        while at < len(data):
            opcode, length = data[at] & 0x0F, data[at + 1] & 0x7F
            at += 2
            if length == 126:
                length, at = struct.unpack("!H", data[at:at + 2])[0], at + 2
            elif length == 127:
                length, at = struct.unpack("!Q", data[at:at + 8])[0], at + 8
            payload, at = data[at:at + length], at + length
            if len(payload) < length:
                # A send that timed out stops mid-frame and the connection is cut right there
                # (the client sees 1006); a frame started inside a cut one would have failed to
                # parse above.
                break
            if opcode == 0x1:
                events.append(json.loads(payload))
            elif opcode == 0x8:
                close = payload
                break
        return events, close

    def close(self) -> None:
        self.sock.close()


@pytest.fixture(scope="module")
def small_outbox_web(worker, tmp_path_factory) -> Iterator[WebProcess]:
    server = WebProcess(tmp_path_factory.mktemp("web-outbox") / "web.log",
                        env={"OUTBOX_EVENTS": "20", "OUTBOX_BYTES": "8192",
                             "SEND_TIMEOUT_S": "2", "SOCKET_BUFFER": "4096",
                             # the silent socket asks for 30 whole games: let the reads through
                             "READ_LIMIT_BURST": "100"})
    yield server
    server.stop()


def test_a_socket_that_never_reads_is_dropped_and_everyone_else_keeps_playing(small_outbox_web, games) -> None:
    opened: list[WsClient] = []

    def connect() -> WsClient:
        client = WsClient(small_outbox_web.gateway)
        opened.append(client)
        client.identify()
        return client

    # Earlier tests (the fuzzer's random FindPublicGame) may have left 19x19 waiters whose
    # sockets closed, which only beat's sweep removes: a fresh lobby.
    games.redis.delete(games.keys.lobby(19))
    silent = None
    try:
        black, white, game_id = seated_game(connect, 19)
        silent = SilentSocket(small_outbox_web.port)
        silent.send({"type": "Identify", "clientId": str(uuid.uuid4()), "extensions": dialect.names(dialect.ALL)})
        silent.send({"type": "WatchGame", "gameId": game_id})
        white.send({"type": "ProvideGameState", "gameId": game_id})
        white.wait("GameState", gameId=game_id)  # the watcher's WatchGame went before this
        points = [(x, y) for y in range(19) for x in range(19)]
        for turn in range(120):
            mover, color = (black, "BLACK") if turn % 2 == 0 else (white, "WHITE")
            x, y = points[turn]
            assert mover.move(game_id, color, x, y)["type"] == "MoveMade"
            if turn == 60:
                for _ in range(30):  # whole game states: far more than its buffers hold
                    silent.send({"type": "ProvideGameState", "gameId": game_id})
        # Everyone else still hears every move: the relay outlived the silent socket...
        assert white.wait("MoveMade", gameId=game_id, turn=120)
        # The 30 whole games were asked for at move 60; their answers may still be on their way.
        deadline = time.monotonic() + 30
        while "not reading" not in small_outbox_web.log.read_text():
            assert time.monotonic() < deadline, "the silent socket was never dropped"
            time.sleep(0.1)
        # ...and a new watcher is served too.
        late = connect()
        late.send({"type": "WatchGame", "gameId": game_id})
        late.wait("GameState", gameId=game_id)
        black.move(game_id, "BLACK", 18, 18)
        assert late.wait("MoveMade", gameId=game_id, turn=121)
        # What it was sent before it was dropped arrived whole, and the close says why.
        events, close = silent.read_to_the_end()
        assert events and all(isinstance(e, dict) and "type" in e for e in events)
        assert close[:2] == struct.pack("!H", 1008) or close == b""
    finally:
        if silent is not None:
            silent.close()
        for client in opened:
            client.close()


def test_a_burst_of_health_checks_leaves_the_gateway_serving(web) -> None:
    """Each check once broadcast a Celery ping from the web process; 30 at once stopped it."""
    failures: list[BaseException] = []

    def check() -> None:
        try:
            report = json.loads(urllib.request.urlopen(f"{web.base}/healthz", timeout=30).read())
            assert report["status"] == "ok" and report["workers"] >= 1
        except BaseException as failure:  # noqa: BLE001
            failures.append(failure)

    threads = [threading.Thread(target=check) for _ in range(60)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    player = WsClient(web.gateway)
    try:
        player.identify()
        player.send({"type": "CreatePrivateGame", "boardSize": 9})
        assert player.wait("WaitForOpponent")["link"]
    finally:
        player.close()


def test_a_page_of_another_site_cannot_open_the_socket(web) -> None:
    assert upgrade_status(web.port, origin="https://evil.example") == 403
    own = WsClient(web.gateway, origin=f"http://127.0.0.1:{web.port}")  # the site's own page
    configured = WsClient(web.gateway, origin="http://bugout.test")  # PUBLIC_URL's
    tool = WsClient(web.gateway, suppress_origin=True)  # not a browser: no Origin
    for client in (own, configured, tool):
        client.identify()
        client.close()


def test_record_paths_that_are_not_game_ids_never_reach_redis(web) -> None:
    for path in ("x:events", "..%2F..%2Fetc", "7c9e6679-7425-40de-944b-e07fc1f90ae7:events", "a" * 300,
                 str(uuid.uuid4())):
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"{web.base}/games/{path}.sgf")
        missing.value.close()
        assert missing.value.code == 404


def test_watching_a_made_up_game_subscribes_nothing(connect, web) -> None:
    spectator = connect()
    for _ in range(10):  # the burst of game reads a socket may make
        spectator.send({"type": "WatchGame", "gameId": str(uuid.uuid4())})
    spectator.wait_for(lambda e: len(spectator.of_type("Error")) >= 10, timeout=30)
    assert {e["code"] for e in spectator.of_type("Error")} == {"unknown_game"}
    channels = redis_channels(f"{os.environ['KEY_PREFIX']}:ch:game:*")
    assert channels == [] or all("ch:game:" in c for c in channels)
    watched = {c.rsplit(":", 1)[1] for c in channels}
    assert not watched & {e.get("gameId") for e in spectator.events}


def redis_channels(pattern: str) -> list[str]:
    import redis

    client = redis.Redis.from_url(os.environ["REDIS_URL"], decode_responses=True)
    try:
        return list(client.pubsub_channels(pattern))
    finally:
        client.close()


def test_reads_of_whole_games_are_limited_apart_from_moves(connect) -> None:
    """Each Reconnect once made the moves worker read and parse a game's whole history."""
    black, white, game_id = seated_game(connect, 9)
    spammer = black  # a player may reconnect: only not forty times a second
    for i in range(30):  # within the limit on frames; far beyond the one on game reads
        spammer.send({"type": "Reconnect", "gameId": game_id, "reqId": f"spam-{i}", "sinceVersion": 0})
    spammer.wait_for(lambda e: e.get("replyTo") == "spam-29", timeout=30)
    limited = [e for e in spammer.of_type("Error") if e["code"] == "rate_limited" and e["replyTo"]]
    assert len(limited) >= 15 and len(spammer.of_type("Reconnected")) <= 15
    assert white.move(game_id, "WHITE", 3, 3)["type"] == "MoveRejected"  # Black's turn: judged at once
    assert black.move(game_id, "BLACK", 3, 3)["type"] == "MoveMade"


def upgrade_status(port: int, origin: str | None = None) -> int:
    """The answer to a websocket upgrade, read as plain HTTP (a refusal comes before the upgrade)."""
    import http.client

    headers = {"Upgrade": "websocket", "Connection": "Upgrade", "Sec-WebSocket-Version": "13",
               "Sec-WebSocket-Key": base64.b64encode(os.urandom(16)).decode()}
    if origin:
        headers["Origin"] = origin
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", "/gateway", headers=headers)
        return connection.getresponse().status
    finally:
        connection.close()


@pytest.fixture(scope="module")
def three_per_address_web(worker, tmp_path_factory) -> Iterator[WebProcess]:
    server = WebProcess(tmp_path_factory.mktemp("web-per-address") / "web.log",
                        env={"SOCKETS_PER_ADDRESS": "3"})
    yield server
    server.stop()


def test_one_address_cannot_take_every_socket(three_per_address_web) -> None:
    web = three_per_address_web
    held = [WsClient(web.gateway) for _ in range(3)]
    try:
        assert upgrade_status(web.port) == 429
        held.pop().close()
        deadline = time.monotonic() + 30
        while True:  # the server lets go of the closed socket's place when its request ends
            try:
                held.append(WsClient(web.gateway))
                break
            except websocket.WebSocketBadStatusException as refused:
                assert refused.status_code == 429
                assert time.monotonic() < deadline, "the closed socket's place was never given back"
                time.sleep(0.1)
        held[-1].identify()
    finally:
        for client in held:
            client.close()


def test_a_client_gets_a_clear_error_past_its_open_games(connect) -> None:
    hoarder = connect()
    for _ in range(10):
        hoarder.send({"type": "CreatePrivateGame", "boardSize": 9})
    hoarder.wait_for(lambda e: len(hoarder.of_type("WaitForOpponent")) >= 10, timeout=30)
    hoarder.send({"type": "CreatePrivateGame", "boardSize": 9})
    refused = hoarder.wait("Error")
    assert refused["code"] == "too_many_games" and "10 games" in refused["message"]
    hoarder.send({"type": "QuitGame", "gameId": hoarder.of_type("WaitForOpponent")[0]["gameId"]})
    hoarder.wait("GameOver")
    hoarder.send({"type": "CreatePrivateGame", "boardSize": 9})
    hoarder.wait_for(lambda e: len(hoarder.of_type("WaitForOpponent")) >= 11, timeout=30)
