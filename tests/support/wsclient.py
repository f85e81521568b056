"""A real websocket client (websocket-client) that records every event it receives."""

from __future__ import annotations

import json
import threading
import time
import uuid
from typing import Any, Callable, Optional

import websocket

from app import dialect

Payload = dict[str, Any]


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
        """Identify as our own page does (every extension), or with the ``extensions`` given
        (``[]``: an original BUGOUT client)."""
        declared = dialect.names(dialect.ALL) if extensions is None else extensions
        self.send({"type": "Identify", "clientId": self.client_id, "extensions": declared})
        return self.wait("IdentityAcknowledged")

    def move(self, game_id: str, player: str, x: Optional[int], y: Optional[int] = None) -> Payload:
        req_id = str(uuid.uuid4())
        coord = None if x is None else {"x": x, "y": y}
        self.send({"type": "MakeMove", "gameId": game_id, "reqId": req_id, "player": player, "coord": coord})
        return self.wait_for(lambda e: e.get("replyTo") == req_id and e["type"] in ("MoveMade", "MoveRejected"))

    # -- waiting -------------------------------------------------------------------------------
    def wait_for(self, match: Callable[[Payload], bool], timeout: float = 10.0, after: int = 0) -> Payload:
        deadline = time.monotonic() + timeout
        with self._lock:
            while True:
                for event in self.events[after:]:
                    if match(event):
                        return event
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self.closed_with is not None and not remaining:
                    raise AssertionError(f"no matching event in {timeout}s; got {self.events[-10:]}")
                self._lock.wait(min(remaining, 0.5))

    def wait(self, event_type: str, timeout: float = 10.0, after: int = 0, **fields: Any) -> Payload:
        return self.wait_for(
            lambda e: e.get("type") == event_type and all(e.get(k) == v for k, v in fields.items()),
            timeout, after,
        )

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
