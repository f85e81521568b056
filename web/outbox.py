"""What a connection is sent: one writer per socket, bounded by events and bytes, never blocking
whoever hands it an event.

The relay's single reader hands events of every game to every connection of this process; it
must never wait on one client. So ``deliver`` only queues (or, past the limits, marks the
connection to be dropped), and the connection's own writer sends. A reader that stops reading
fills its backlog: the backlog is dropped and the socket closed with 1008, and its client
catches up by version when it comes back. Sends go through :class:`WholeFrames`, so a frame is
written whole (simple-websocket writes with ``socket.send``, which under gevent may write only
part of it), one writer at a time, within a deadline.
"""

from __future__ import annotations

import logging
import queue
import socket
import threading
from dataclasses import dataclass
from typing import Any, Union

from simple_websocket import ConnectionClosed

from app.config import Settings

log = logging.getLogger(__name__)

POLICY_VIOLATION = 1008


@dataclass(frozen=True)
class OutboxLimits:
    """What a socket may hold back (``Settings.outbox_*``, ``send_timeout_s``, ``socket_buffer``)."""

    events: int
    bytes: int
    send_timeout_s: float
    socket_buffer: int


@dataclass(frozen=True)
class _Close:
    code: int
    reason: str


class SendTimeout(OSError):
    pass


class WholeFrames:
    """Wraps the socket under a websocket: ``send`` writes every byte (``sendall``), one caller at
    a time (the writer, the library's reader answering pings, a close), within a deadline."""

    def __init__(self, sock: Any, timeout_s: float) -> None:
        self._sock = sock
        self._lock = threading.Lock()
        self._timeout_s = timeout_s

    def send(self, data: bytes) -> int:
        with self._lock:
            _within(self._timeout_s, lambda: self._sock.sendall(data))
        return len(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


def _within(timeout_s: float, action: Any) -> None:
    """Run ``action`` with a deadline: gevent's Timeout where gevent runs the sockets (the
    Procfile's web process); plain blocking otherwise (development servers, tests in threads)."""
    try:
        from gevent import Timeout
        from gevent.monkey import is_module_patched
    except ImportError:  # pragma: no cover
        action()
        return
    if not is_module_patched("socket"):
        action()
        return
    with Timeout(timeout_s, SendTimeout(f"the peer took nothing for {timeout_s} s")):
        action()


class Outbox:
    def __init__(self, ws: Any, limits: OutboxLimits, name: str = "") -> None:
        self.ws = ws
        self.limits = limits
        self.name = name
        try:
            ws.sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, limits.socket_buffer)
        except (OSError, AttributeError):
            pass  # not a TCP socket (a test double): nothing to bound
        ws.sock = WholeFrames(ws.sock, limits.send_timeout_s)
        self._queue: queue.Queue[Union[str, _Close, None]] = queue.Queue()
        self._lock = threading.Lock()
        self._events = 0
        self._bytes = 0
        self._dropping = False
        self.closed = False
        self._writer = threading.Thread(target=self._write, name="ws-writer", daemon=True)

    def start(self) -> None:
        self._writer.start()

    def deliver(self, text: str) -> None:
        """Queue ``text``; never blocks, never raises, never touches the socket."""
        if self.closed:
            return
        with self._lock:
            over = self._events + 1 > self.limits.events or self._bytes + len(text) > self.limits.bytes
            if not over:
                self._events += 1
                self._bytes += len(text)
        if over:
            log.warning("gateway: a connection is not reading (%d events, %d bytes queued); closing it",
                        self._events, self._bytes)
            self.abort(POLICY_VIOLATION, "not reading")
            return
        self._queue.put(text)

    def close_after_sending(self, code: int, reason: str) -> None:
        """Close once what is already queued is sent (the Error that says why, say)."""
        self.closed = True
        self._queue.put(_Close(code, reason))

    def abort(self, code: int, reason: str) -> None:
        """Drop the backlog and close."""
        self.closed = True
        self._dropping = True
        self._queue.put(_Close(code, reason))

    def stop(self) -> None:
        """The connection is over: the writer sends what is queued (a close frame that says why,
        say) and ends. Waited for, within the send deadline: whatever closes the socket after
        this (the library, the server) must not cut that close frame off."""
        self.closed = True
        self._queue.put(None)
        if self._writer.is_alive() and self._writer is not threading.current_thread():
            self._writer.join(timeout=self.limits.send_timeout_s + 1)

    def _write(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            try:
                if isinstance(item, _Close):
                    self.ws.close(reason=item.code, message=item.reason)
                    self._wake_reader()
                    return
                with self._lock:
                    self._events -= 1
                    self._bytes -= len(item)
                if self._dropping:
                    continue
                self.ws.send(item)
            except (ConnectionClosed, OSError) as gone:
                log.info("gateway: writer stops: %s", gone)
                self.closed = True
                self._drop_socket()
                return

    def _wake_reader(self) -> None:
        """The connection's handler, waiting in ``receive``, learns at once that the socket is
        closed: simple-websocket wakes it only when a frame arrives or the peer goes, and a
        client that stopped reading may never answer the close."""
        event = getattr(self.ws, "event", None)
        if event is not None:
            event.set()

    def _drop_socket(self) -> None:
        """End the TCP connection (every descriptor of it: the library holds a duplicate)."""
        try:
            self.ws.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.ws.connected = False


def limits_from(settings: Settings) -> OutboxLimits:
    return OutboxLimits(events=settings.outbox_events, bytes=settings.outbox_bytes,
                        send_timeout_s=settings.send_timeout_s, socket_buffer=settings.socket_buffer)
