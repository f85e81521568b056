"""The shipped Caddyfile in front of the web process: HTTPS, the /gateway websocket over wss://,
and the client's real address, scheme and host reaching the app through the proxy."""

from __future__ import annotations

import gzip
import http.client
import subprocess

import pytest
import websocket

from app import sgf

from ..web.flows import choose
from .caddy import DOMAIN, SHIPPED, caddy_binary, caddy_env

pytestmark = pytest.mark.timeout(60)


def test_the_shipped_caddyfile_is_valid_and_tidy(tmp_path) -> None:
    """As production loads it: the domain from bugout.env, Caddy's own ports and ACME."""
    env = caddy_env(tmp_path, BUGOUT_DOMAIN="go.example.org", HOST="127.0.0.1", PORT="5000")
    checked = subprocess.run([caddy_binary(), "validate", "--config", str(SHIPPED), "--adapter", "caddyfile"],
                             env=env, capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0, checked.stderr
    assert "Valid configuration" in checked.stdout + checked.stderr
    assert "not formatted" not in checked.stderr, checked.stderr  # `caddy fmt` would change it


def test_https_serves_the_page_and_plain_http_redirects_to_it(site) -> None:
    status, headers, body = site.caddy.get("/", headers={"Accept-Encoding": "gzip"})
    assert status == 200 and headers.get("content-encoding") == "gzip"  # the `encode` directive
    assert b"<html" in gzip.decompress(body).lower()
    # Automatic HTTPS: the http port only redirects (and would answer ACME challenges).
    plain = http.client.HTTPConnection("127.0.0.1", site.caddy.http_port, timeout=10)
    try:
        plain.request("GET", "/gateway", headers={"Host": DOMAIN})
        answer = plain.getresponse()
        assert answer.status in (301, 308)
        location = answer.getheader("Location") or ""
        assert location.startswith(f"https://{DOMAIN}") and location.endswith("/gateway"), location
    finally:
        plain.close()


def test_a_whole_game_over_wss_through_caddy(site) -> None:
    """A private game by invitation link between two addresses, to the count and GameOver."""
    creator = site.caddy.ws("127.0.0.2")
    friend = site.caddy.ws("127.0.0.3")
    try:
        creator.send({"type": "CreatePrivateGame", "boardSize": 9})
        waiting = creator.wait("WaitForOpponent")
        # The link is built from what Caddy forwarded: https, and the host and port the browser used.
        assert waiting["link"].startswith(f"{site.caddy.site}/?join="), waiting["link"]
        friend.send({"type": "JoinPrivateGame", "gameId": waiting["link"].split("join=")[1]})
        game_id = friend.wait("GameReady")["gameId"]
        creator.wait("GameReady", gameId=game_id)
        choose(creator, friend, game_id)
        black, white = creator, friend
        for player, color, x, y in [(black, "BLACK", 2, 2), (white, "WHITE", 6, 6), (black, "BLACK", 2, 6),
                                    (white, "WHITE", 6, 2), (black, "BLACK", 0, 0)]:
            assert player.move(game_id, color, x, y)["type"] == "MoveMade", (color, x, y)
        mark = black.mark()
        assert white.move(game_id, "WHITE", None)["type"] == "MoveMade"
        assert black.move(game_id, "BLACK", None)["type"] == "MoveMade"
        black.wait("ScoringPhase", gameId=game_id, after=mark)
        black.send({"type": "AcceptScore", "gameId": game_id})
        white.send({"type": "AcceptScore", "gameId": game_id})
        over = black.wait("GameOver", gameId=game_id)
        assert white.wait("GameOver", gameId=game_id)["result"] == over["result"]
        assert over["reason"] == "score"
    finally:
        creator.close()
        friend.close()
    status, headers, body = site.caddy.get(f"/games/{game_id}.sgf", source="127.0.0.2")
    assert status == 200 and sgf.loads(body).result == over["result"]


def test_the_ai_opponent_answers_through_caddy(site) -> None:
    player = site.caddy.ws("127.0.0.7")
    try:
        player.send({"type": "AttachBot", "player": "WHITE", "boardSize": 9})
        game_id = player.wait("BotAttached")["gameId"]
        made = player.move(game_id, "BLACK", 4, 4)
        assert made["type"] == "MoveMade", made
        reply = player.wait_for(lambda e: e["type"] == "MoveMade" and e["gameId"] == game_id
                                and e["player"] == "WHITE", timeout=30)
        assert reply["turn"] == 2
    finally:
        player.close()


def refused(site, source: str, **options) -> int:
    """The HTTP status with which the app refuses a websocket from ``source`` through Caddy."""
    with pytest.raises(websocket.WebSocketBadStatusException) as refusal:
        site.caddy.ws(source, identify=False, **options).close()
    return refusal.value.status_code


def test_the_app_counts_sockets_by_the_clients_own_address(site) -> None:
    """Two sockets per address (this site's limit): the third from 127.0.0.4 is refused, even
    when it claims another address in X-Forwarded-For (Caddy writes the one it saw), while
    127.0.0.5 still gets one. So the app counts the real client, not Caddy."""
    held = [site.caddy.ws("127.0.0.4"), site.caddy.ws("127.0.0.4")]
    try:
        assert refused(site, "127.0.0.4") == 429
        assert refused(site, "127.0.0.4", header=["X-Forwarded-For: 198.51.100.9"]) == 429
        held.append(site.caddy.ws("127.0.0.5"))
        held[-1].send({"type": "ProvideIdleStatus"})
        assert held[-1].wait("IdleStatusProvided")["status"] == "Online"
    finally:
        for client in held:
            client.close()


def test_a_browser_origin_passes_through_caddy_and_another_site_does_not(site) -> None:
    page = site.caddy.ws("127.0.0.6", origin=site.caddy.site)  # what a browser on the page sends
    page.close()
    assert refused(site, "127.0.0.6", origin="https://evil.example") == 403
    # Plain http at the same host is another origin: only what Caddy forwarded counts.
    assert refused(site, "127.0.0.6", origin=f"http://{DOMAIN}:{site.caddy.https_port}") == 403


def test_without_trusted_proxies_every_client_looks_like_caddy(untrusting_site) -> None:
    """The reason for TRUSTED_PROXIES: an app that believes no proxy counts every client as
    127.0.0.1 (two addresses share one limit), thinks the site is plain http (a browser's
    https Origin is refused) and hands out http links."""
    caddy = untrusting_site.caddy
    assert refused(untrusting_site, "127.0.0.2", origin=caddy.site) == 403
    held = [caddy.ws("127.0.0.2", suppress_origin=True), caddy.ws("127.0.0.3", suppress_origin=True)]
    try:
        assert refused(untrusting_site, "127.0.0.4", suppress_origin=True) == 429
        held[0].send({"type": "CreatePrivateGame", "boardSize": 9})
        assert held[0].wait("WaitForOpponent")["link"].startswith(f"http://{DOMAIN}:{caddy.https_port}/")
    finally:
        for client in held:
            client.close()
