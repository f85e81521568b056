"""The deployment of deploy/: Caddy in front of the web process, the systemd units, the install
script, and backups. Each test starts what it needs on free ports and stops it, even on failure."""

from __future__ import annotations

from typing import Iterator

import pytest

from ..support.stack import WebProcess
from .caddy import Caddy


class Site:
    """The Procfile's web line behind the shipped Caddyfile."""

    def __init__(self, web: WebProcess, caddy: Caddy) -> None:
        self.web, self.caddy = web, caddy


def site_with(tmp_path_factory, name: str, **web_env: str) -> Iterator[Site]:
    home = tmp_path_factory.mktemp(name)
    web = WebProcess(home / "web.log", env={"PUBLIC_URL": "", **web_env})
    try:
        caddy = Caddy(home, web.port)
    except BaseException:
        web.stop()
        raise
    try:
        yield Site(web, caddy)
    finally:
        caddy.stop()
        web.stop()


@pytest.fixture(scope="module")
def site(worker, tmp_path_factory) -> Iterator[Site]:
    """As deployed: the app believes Caddy's forwarded headers (TRUSTED_PROXIES=127.0.0.1, as
    bugout.env says), with no PUBLIC_URL (so links show what the proxy forwarded) and a limit of
    two sockets per address (to see which address the app counts)."""
    yield from site_with(tmp_path_factory, "site", TRUSTED_PROXIES="127.0.0.1", SOCKETS_PER_ADDRESS="2")


@pytest.fixture(scope="module")
def untrusting_site(worker, tmp_path_factory) -> Iterator[Site]:
    """The same, but the app trusts no proxy: every client looks like Caddy, on plain http."""
    yield from site_with(tmp_path_factory, "untrusting", TRUSTED_PROXIES="", SOCKETS_PER_ADDRESS="2")
