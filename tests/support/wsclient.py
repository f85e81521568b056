"""The websocket clients of the tests and the benchmarks, and what they share: the frames they
send first and how they name the event they wait for.

* :class:`WsClient`: one real websocket (websocket-client) with a reader thread that records
  every event; a test waits on it from its own thread, on anything received so far or later.
* :class:`AsyncClient`: one websocket of the ``websockets`` asyncio client, for the benchmarks'
  thousands of clients in one event loop; an event is handed to whoever expected it when it
  arrives, stamped with its arrival time, and otherwise dropped.
"""

from __future__ import annotations

import asyncio
import collections
import json
import threading
import time
import uuid
from collections import Counter
from typing import Any, Callable, Optional

import websocket

from app import dialect

Payload = dict[str, Any]
Match = Callable[[Payload], bool]


def kind(event_type: str, **fields: Any) -> Match:
    """Matches an event of type ``event_type`` whose ``fields`` have the values given."""
    return lambda e: e.get("type") == event_type and all(e.get(k) == v for k, v in fields.items())


def identify_frame(client_id: str, extensions: Optional[list[str]] = None) -> Payload:
    """``Identify`` as our own page does (every extension), or with the ``extensions`` given
    (``[]``: an original BUGOUT client)."""
    declared = dialect.names(dialect.ALL) if extensions is None else extensions
    return {"type": "Identify", "clientId": client_id, "extensions": declared}


class WsClient:
    def __init__(self, url: str, client_id: Optional[str] = None, **options: Any) -> None:
        """``options`` go to ``websocket.create_connection`` (``host=``, ``header=[...]``)."""
        self.url = url
        self.client_id = client_id or str(uuid.uuid4())
        self.ws = websocket.WebSocket()
        try:
            self.ws.connect(url, timeout=10, **options)
        except BaseException:
            self.ws.shutdown()  # a refused handshake must not leave its socket to the collector
            raise
        self.ws.settimeout(None)  # the reader waits for events as long as the socket lives
        self.events: list[Payload] = []
        self.raw: list[str] = []
        self.closed_with: Optional[tuple[Optional[int], str]] = None
        self._lock = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                opcode, data = self.ws.recv_data(control_frame=False)
            except (websocket.WebSocketException, OSError) as closed:
                with self._lock:
                    self.closed_with = (getattr(closed, "status_code", None), str(closed))
                    self._lock.notify_all()
                return
            if opcode == websocket.ABNF.OPCODE_CLOSE:
                code = int.from_bytes(data[:2], "big") if len(data) >= 2 else None
                with self._lock:
                    self.closed_with = (code, data[2:].decode(errors="replace"))
                    self._lock.notify_all()
                return
            text = data.decode()
            with self._lock:
                self.raw.append(text)
                self.events.append(json.loads(text))
                self._lock.notify_all()

    # -- sending -------------------------------------------------------------------------------
    def send(self, payload: Payload) -> None:
        self.ws.send(json.dumps(payload))

    def send_raw(self, frame: str | bytes) -> None:
        if isinstance(frame, bytes):
            self.ws.send_binary(frame)
        else:
            self.ws.send(frame)

    def identify(self, extensions: Optional[list[str]] = None) -> Payload:
        """Identify (see :func:`identify_frame`) and wait for the acknowledgement."""
        self.send(identify_frame(self.client_id, extensions))
        return self.wait("IdentityAcknowledged")

    def move(self, game_id: str, player: str, x: Optional[int], y: Optional[int] = None) -> Payload:
        req_id = str(uuid.uuid4())
        coord = None if x is None else {"x": x, "y": y}
        self.send({"type": "MakeMove", "gameId": game_id, "reqId": req_id, "player": player, "coord": coord})
        return self.wait_for(lambda e: e.get("replyTo") == req_id and e["type"] in ("MoveMade", "MoveRejected"))

    # -- waiting -------------------------------------------------------------------------------
    def wait_for(self, match: Match, timeout: float = 10.0, after: int = 0) -> Payload:
        """The first event from index ``after`` on that ``match``es, received so far or within
        ``timeout`` seconds; fails at once if the socket closed without one."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                for event in self.events[after:]:
                    if match(event):
                        return event
                if self.closed_with is not None:  # nothing more can come
                    code, reason = self.closed_with
                    raise AssertionError(f"the connection closed ({code}: {reason!r}) with no matching event; "
                                         f"got {self.events[-10:]}")
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"no matching event in {timeout}s; got {self.events[-10:]}")
                self._lock.wait(min(remaining, 0.5))

    def wait(self, event_type: str, timeout: float = 10.0, after: int = 0, **fields: Any) -> Payload:
        return self.wait_for(kind(event_type, **fields), timeout, after)

    def wait_closed(self, timeout: float = 10.0) -> tuple[Optional[int], str]:
        with self._lock:
            self._lock.wait_for(lambda: self.closed_with is not None, timeout)
            assert self.closed_with is not None, "the server did not close the connection"
            return self.closed_with

    def of_type(self, event_type: str) -> list[Payload]:
        with self._lock:
            return [e for e in self.events if e.get("type") == event_type]

    def mark(self) -> int:
        with self._lock:
            return len(self.events)

    def close(self) -> None:
        try:
            self.ws.close(timeout=1)
        except (websocket.WebSocketException, OSError):
            pass
        finally:
            self.ws.shutdown()
        self._reader.join(timeout=2)


class AsyncClient:
    """One websocket of the ``websockets`` asyncio client, whose reader stamps every frame on
    arrival and hands it to a waiter: by ``replyTo`` to :meth:`expect_reply`, else to the first
    :meth:`expect` it matches. An event nobody expects is dropped (but the last few are kept for
    error messages): expect an event before sending what brings it. A closed socket fails every
    waiter. Every frame sent keeps to the protocol's rate limit (docs/protocol.md) on this side,
    as a real client must; ``Error`` events are counted by code in ``errors``."""

    RATE, BURST = 18.0, 30.0  # frames a second, and at once: under the server's 20 and 40

    def __init__(self, ws: Any, client_id: Optional[str] = None, timeout: float = 20.0) -> None:
        self.ws = ws
        self.client_id = client_id or str(uuid.uuid4())
        self.timeout = timeout
        self.replies: dict[str, asyncio.Future[tuple[Payload, float]]] = {}
        self.waiters: list[tuple[Match, asyncio.Future[tuple[Payload, float]]]] = []
        self.recent: collections.deque[Payload] = collections.deque(maxlen=5)
        self.errors: Counter[str] = Counter()
        self.tokens, self.stamp = self.BURST, time.perf_counter()
        self.throttled = 0
        self.paced = False  # pace() was called for the next frame already
        self.reader = asyncio.get_running_loop().create_task(self._read())

    @classmethod
    async def open(cls, url: str, compression: Optional[str] = "deflate", identify: bool = True,
                   extensions: Optional[list[str]] = None, timeout: float = 20.0,
                   retry_until: Optional[float] = None, **connect_options: Any) -> "AsyncClient":
        """Connect (``timeout`` for the handshake and, later, for each :meth:`request`), retrying
        until ``time.perf_counter()`` reaches ``retry_until`` while nothing listens yet; then
        :meth:`identify` unless told not to. ``connect_options`` go to ``websockets``' ``connect``."""
        from websockets.asyncio.client import connect

        # As a browser: browsers never send pings (the server pings, every 25 s). websockets
        # would ping every 20 s by default, which at a thousand sockets is most of what an idle
        # server does, so a bench would charge the server for traffic no real client sends.
        connect_options.setdefault("ping_interval", None)
        while True:
            try:
                ws = await connect(url, compression=compression, max_queue=None, open_timeout=timeout,
                                   **connect_options)
                break
            except (OSError, asyncio.TimeoutError) as refused:
                if retry_until is None:
                    raise
                if time.perf_counter() > retry_until:
                    raise RuntimeError(f"the web did not accept {url}: {refused!r}") from refused
                await asyncio.sleep(0.01)
        client = cls(ws, timeout=timeout)
        if identify:
            await client.identify(extensions)
        return client

    @property
    def is_open(self) -> bool:
        return not self.reader.done()

    async def _read(self) -> None:
        try:
            async for frame in self.ws:
                arrived = time.perf_counter()
                event = json.loads(frame)
                self.recent.append(event)
                reply_to = event.get("replyTo")
                if event.get("type") == "Error":
                    self.errors[event.get("code", "?")] += 1
                if reply_to is not None:
                    future = self.replies.pop(reply_to, None)
                    if future is not None:
                        if not future.done():
                            future.set_result((event, arrived))
                        continue
                if any(future.done() for _, future in self.waiters):  # timed out or cancelled
                    self.waiters = [(m, f) for m, f in self.waiters if not f.done()]
                for i, (match, future) in enumerate(self.waiters):
                    if match(event):
                        del self.waiters[i]
                        future.set_result((event, arrived))
                        break
        except Exception as closed:  # noqa: BLE001  (a closed socket fails every waiter)
            self._fail(closed)
            return
        self._fail(ConnectionError("the server closed the connection"))

    def _fail(self, reason: BaseException) -> None:
        for future in [*self.replies.values(), *(f for _, f in self.waiters)]:
            if not future.done():
                future.set_exception(reason)
        self.replies.clear()
        self.waiters.clear()

    def expect(self, match: Match) -> asyncio.Future[tuple[Payload, float]]:
        """The next event that ``match``es, and when it arrived."""
        future: asyncio.Future[tuple[Payload, float]] = asyncio.get_running_loop().create_future()
        self.waiters.append((match, future))
        return future

    def expect_reply(self, req_id: str) -> asyncio.Future[tuple[Payload, float]]:
        """The answer to request ``req_id`` (its ``replyTo``), and when it arrived."""
        future: asyncio.Future[tuple[Payload, float]] = asyncio.get_running_loop().create_future()
        self.replies[req_id] = future
        return future

    async def pace(self) -> None:
        """Wait, if need be, until the protocol's rate limit lets this client send a frame."""
        now = time.perf_counter()
        self.tokens = min(self.BURST, self.tokens + (now - self.stamp) * self.RATE)
        self.stamp = now
        if self.tokens < 1:
            self.throttled += 1
            await asyncio.sleep((1 - self.tokens) / self.RATE)
            self.tokens, self.stamp = 1.0, time.perf_counter()
        self.tokens -= 1

    async def send(self, payload: Payload) -> None:
        if not self.paced:  # every frame counts against the server's limit
            await self.pace()
        self.paced = False
        await self.ws.send(json.dumps(payload, separators=(",", ":")))

    async def request(self, payload: Payload, match: Match, timeout: Optional[float] = None) -> Payload:
        """Send ``payload`` and return the first event that ``match``es."""
        future = self.expect(match)
        await self.send(payload)
        limit = self.timeout if timeout is None else timeout
        try:
            event, _ = await asyncio.wait_for(future, limit)
        except asyncio.TimeoutError:
            raise RuntimeError(f"no answer to {payload['type']} in {limit:g}s; "
                               f"last events: {list(self.recent)}") from None
        return event

    async def identify(self, extensions: Optional[list[str]] = None) -> Payload:
        """Identify (see :func:`identify_frame`) and wait for the acknowledgement."""
        return await self.request(identify_frame(self.client_id, extensions), kind("IdentityAcknowledged"))

    async def close(self, timeout: float = 2.0) -> None:
        """Close the socket; waiters nobody will read any more are cancelled first (no
        "exception never retrieved" when the reader fails them)."""
        for future in [*self.replies.values(), *(f for _, f in self.waiters)]:
            if not future.done():
                future.cancel()
        self.replies.clear()
        self.waiters.clear()
        try:
            await asyncio.wait_for(self.ws.close(), timeout)
        except Exception:  # noqa: BLE001
            pass
        self.reader.cancel()
