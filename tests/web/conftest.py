"""The real web app, started the Procfile way (gunicorn + gevent) on free ports, with the
embedded Celery worker behind it."""

from __future__ import annotations

import os
import socket
import time
import urllib.request
from pathlib import Path
from typing import Callable, Iterator

import pytest

from ..support import processes
from ..support.wsclient import WsClient


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class WebProcess:
    def __init__(self, log: Path) -> None:
        self.port = free_port()
        self.log = log
        self.process = processes.start("web", {"PORT": str(self.port)}, log=log)
        self.base = f"http://127.0.0.1:{self.port}"
        self.gateway = f"ws://127.0.0.1:{self.port}/gateway"
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(self.base + "/", timeout=1).read()
                return
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise AssertionError(f"web did not start: {log.read_text()[-3000:]}")
                time.sleep(0.05)

    def stop(self) -> None:
        processes.kill(self.process, 15)


@pytest.fixture(scope="session")
def web(worker, tmp_path_factory) -> Iterator[WebProcess]:
    server = WebProcess(tmp_path_factory.mktemp("web") / "web.log")
    yield server
    server.stop()


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
