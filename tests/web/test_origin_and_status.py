"""Invitation links from the request that opened the socket, and the idle status of the service."""

from __future__ import annotations

import os
import signal
import time
import uuid
from typing import Iterator

import pytest
import redis

from app.keys import Keys
from app.liveness import STALE_S, WorkerBeacons
from web.forwarded import origin_of, parse_proxies

from ..support.original_client import Date_parse
from ..support.stack import WebProcess
from ..support.wsclient import WsClient

# -- pure: what is believed of the forwarded headers ------------------------------------------


def environ(peer: str, **headers: str) -> dict[str, object]:
    env: dict[str, object] = {"REMOTE_ADDR": peer, "wsgi.url_scheme": "http", "HTTP_HOST": "10.0.0.5:5000"}
    env.update({f"HTTP_{k.upper()}": v for k, v in headers.items()})
    return env


PROXY = parse_proxies("127.0.0.1, ::1")


def test_forwarded_headers_are_believed_only_from_a_trusted_proxy() -> None:
    forged = environ("203.0.113.9", x_forwarded_for="198.51.100.1", x_forwarded_proto="https",
                     x_forwarded_host="evil.example")
    origin = origin_of(forged, PROXY)
    assert (origin.address, origin.base_url) == ("203.0.113.9", "http://10.0.0.5:5000")
    proxied = environ("127.0.0.1", x_forwarded_for="198.51.100.1", x_forwarded_proto="https",
                      x_forwarded_host="go.example.org")
    origin = origin_of(proxied, PROXY)
    assert (origin.address, origin.base_url) == ("198.51.100.1", "https://go.example.org")


def test_the_client_address_is_the_nearest_one_no_trusted_proxy_wrote() -> None:
    # The client claims an address of its own; the proxy appends the one it saw.
    chain = environ("::1", x_forwarded_for="10.9.9.9, 198.51.100.7")
    assert origin_of(chain, PROXY).address == "198.51.100.7"
    only_proxies = environ("127.0.0.1", x_forwarded_for="127.0.0.1")
    assert origin_of(only_proxies, PROXY).address == "127.0.0.1"


def test_a_malformed_host_gives_no_link_base() -> None:
    assert origin_of(environ("127.0.0.1", host="a b/c"), frozenset()).base_url is None
    assert origin_of(environ("127.0.0.1", x_forwarded_proto="gopher"), PROXY).scheme == "http"


# -- through the gateway ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def unconfigured_web(worker, tmp_path_factory) -> Iterator[WebProcess]:
    """A web process with no PUBLIC_URL, behind a proxy on 127.0.0.1."""
    server = WebProcess(tmp_path_factory.mktemp("web-origin") / "web.log",
                        env={"PUBLIC_URL": "", "TRUSTED_PROXIES": "127.0.0.1"})
    yield server
    server.stop()


def link_for(gateway: str, **options: object) -> str:
    client = WsClient(gateway, suppress_origin=True, **options)  # a tool, not a page of the site
    try:
        client.identify()
        client.send({"type": "CreatePrivateGame", "boardSize": 9})
        return str(client.wait("WaitForOpponent")["link"])
    finally:
        client.close()


def test_without_public_url_the_link_uses_the_host_the_creator_reached(unconfigured_web) -> None:
    link = link_for(unconfigured_web.gateway, host="play.example.org:8443")
    assert link.startswith("http://play.example.org:8443/?join="), link


def test_behind_a_trusted_proxy_the_link_uses_the_forwarded_scheme_and_host(unconfigured_web) -> None:
    link = link_for(unconfigured_web.gateway,
                    header=["X-Forwarded-Proto: https", "X-Forwarded-Host: go.example.org"])
    assert link.startswith("https://go.example.org/?join="), link


def test_public_url_when_set_names_every_link(web) -> None:
    link = link_for(web.gateway, header=["X-Forwarded-Host: elsewhere.example"])
    assert link.startswith("http://bugout.test/?join="), link  # PUBLIC_URL in the test environment


# -- the idle status describes the service, not the AI engine ---------------------------------


@pytest.fixture(scope="module")
def lonely_web(tmp_path_factory) -> Iterator[tuple[WebProcess, WorkerBeacons]]:
    """A web process on a key prefix of its own, where no worker has ever beaten."""
    prefix = f"{os.environ['KEY_PREFIX']}-lonely-{uuid.uuid4().hex[:6]}"
    server = WebProcess(tmp_path_factory.mktemp("web-lonely") / "web.log", env={"KEY_PREFIX": prefix})
    client = redis.Redis.from_url(os.environ["REDIS_URL"], decode_responses=True)
    yield server, WorkerBeacons(client, Keys(prefix))
    server.stop()
    for key in client.scan_iter(match=f"{prefix}*"):
        client.delete(key)
    client.close()


def idle_status(gateway: str) -> dict:
    client = WsClient(gateway)
    try:
        client.send({"type": "ProvideIdleStatus"})
        return client.wait("IdleStatusProvided")
    finally:
        client.close()


def test_the_status_follows_the_workers_beats(lonely_web) -> None:
    server, beacons = lonely_web
    starting = idle_status(server.gateway)
    assert starting["status"] == "Booting"  # a web process just started, no worker seen yet
    Date_parse(starting["since"])
    last_seen = time.time() - STALE_S - 30
    beacons.beat("moves@gone", ["moves"], now=last_seen)
    idle = idle_status(server.gateway)
    assert idle["status"] == "Idle"
    assert abs(Date_parse(idle["since"]) - last_seen) < 0.01
    beacons.beat("moves@here", ["moves"])
    assert idle_status(server.gateway)["status"] == "Online"
    beacons.leave("moves@here", ["moves"])
    assert idle_status(server.gateway)["status"] == "Idle"


def test_a_bot_worker_alone_does_not_make_the_service_online(lonely_web) -> None:
    server, beacons = lonely_web
    beacons.leave("moves@here", ["moves"])
    beacons.beat("bot@here", ["bot"])
    assert idle_status(server.gateway)["status"] == "Idle"


@pytest.fixture(scope="module", params=["moves", "worker"])
def stack_without_ai(request: pytest.FixtureRequest, tmp_path_factory) -> Iterator[WebProcess]:
    """A web process on a key prefix of its own, and either a worker for people only and no bot
    worker, or the Procfile's one worker on a machine without the engine (which then leaves the
    AI's queue alone)."""
    from ..support import processes

    prefix = f"{os.environ['KEY_PREFIX']}-noai-{uuid.uuid4().hex[:6]}"
    logs = tmp_path_factory.mktemp("no-ai")
    no_engine = {"GNUGO_BINARY": str(logs / "gnugo")} if request.param == "worker" else {}
    worker = processes.start(request.param, {"KEY_PREFIX": prefix, **no_engine}, log=logs / "worker.log")
    server = WebProcess(logs / "web.log", env={"KEY_PREFIX": prefix})
    client = redis.Redis.from_url(os.environ["REDIS_URL"], decode_responses=True)
    beacons = WorkerBeacons(client, Keys(prefix))
    try:
        deadline = time.monotonic() + 60
        while not beacons.alive("moves"):  # the worker's first beat: it consumes from now on
            assert time.monotonic() < deadline and worker.poll() is None, (logs / "worker.log").read_text()[-2000:]
            time.sleep(0.05)
        yield server
    finally:
        server.stop()
        processes.kill(worker, signal.SIGTERM)
        for key in client.scan_iter(match=f"{prefix}*"):
            client.delete(key)
        client.close()


def test_without_a_bot_worker_the_ai_is_unavailable_and_people_still_play(stack_without_ai) -> None:
    player = WsClient(stack_without_ai.gateway)
    try:
        player.identify()
        player.send({"type": "ProvideIdleStatus"})
        status = player.wait("IdleStatusProvided")
        assert status["status"] == "Online" and status["engine"]["available"] is False
        player.send({"type": "AttachBot", "player": "WHITE", "boardSize": 9, "bot": "KataGoOneStar"})
        refused = player.wait("Error")
        assert refused["code"] == "ai_unavailable" and "gnugo" in refused["message"]
        assert player.of_type("BotAttached") == []
        player.send({"type": "CreatePrivateGame", "boardSize": 9})
        assert player.wait("WaitForOpponent")["link"]
    finally:
        player.close()
