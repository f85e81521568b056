"""A connection's outbox (``web/outbox.py``) with a stand-in for simple-websocket's ``Server``:
what it sends, and that a close it makes wakes the connection's handler."""

from __future__ import annotations

import socket
import threading
from typing import Iterator, Optional

import pytest

from web.outbox import POLICY_VIOLATION, Outbox, OutboxLimits

LIMITS = OutboxLimits(events=3, bytes=10_000, send_timeout_s=5, socket_buffer=65536)


class FakeServerSocket:
    """What the outbox uses of a simple-websocket ``Server``: ``sock``, ``send``, ``close``,
    ``connected`` and ``event``, the event its ``receive`` waits on."""

    def __init__(self) -> None:
        self.ends = socket.socketpair()
        self.sock = self.ends[0]
        self.sent: list[str] = []
        self.closed_with: Optional[int] = None
        self.connected = True
        self.event = threading.Event()

    def send(self, text: str) -> None:
        self.sent.append(text)

    def close(self, reason: int, message: str) -> None:
        self.closed_with = reason
        self.connected = False


@pytest.fixture
def ws() -> Iterator[FakeServerSocket]:
    fake = FakeServerSocket()
    yield fake
    for end in fake.ends:
        end.close()


def test_events_are_sent_in_order_by_the_writer(ws: FakeServerSocket) -> None:
    outbox = Outbox(ws, LIMITS)
    outbox.start()
    for text in ("a", "b", "c"):
        outbox.deliver(text)
    outbox.stop()
    assert ws.sent == ["a", "b", "c"]


def test_a_close_wakes_the_handler_waiting_for_a_frame(ws: FakeServerSocket) -> None:
    """The handler waits in ``receive`` with only a long backstop; the peer may never answer the
    close (nor send anything), so the outbox itself must wake it."""
    outbox = Outbox(ws, LIMITS)
    outbox.start()
    outbox.abort(POLICY_VIOLATION, "not reading")
    assert ws.event.wait(timeout=30), "the handler was left waiting"
    assert ws.closed_with == POLICY_VIOLATION and outbox.closed


def test_events_past_the_limit_close_the_socket_and_wake_the_handler(ws: FakeServerSocket) -> None:
    outbox = Outbox(ws, LIMITS)  # not started: nothing drains it
    for n in range(LIMITS.events + 1):
        outbox.deliver(f"event {n}")
    outbox.start()
    assert ws.event.wait(timeout=30)
    assert ws.sent == [] and ws.closed_with == POLICY_VIOLATION
