"""A second web process and websocket clients; the first web process (the root conftest's
``web``) is shared with the browser tests."""

from __future__ import annotations

import os
from typing import Callable, Iterator

import pytest

from ..support.stack import WebProcess
from ..support.wsclient import WsClient


@pytest.fixture(scope="session")
def second_web(worker, tmp_path_factory) -> Iterator[WebProcess]:
    server = WebProcess(tmp_path_factory.mktemp("web2") / "web.log")
    yield server
    server.stop()


@pytest.fixture
def connect(web: WebProcess) -> Iterator[Callable[..., WsClient]]:
    opened: list[WsClient] = []

    def open_client(url: str | None = None, client_id: str | None = None, identify: bool = True) -> WsClient:
        client = WsClient(url or web.gateway, client_id)
        opened.append(client)
        if identify:
            client.identify()
        return client

    yield open_client
    for client in opened:
        client.close()


assert os.environ["KEY_PREFIX"]  # set by the root conftest before anything imported the app
