"""Players that behave like our page (web/static/js/protocol.js, model.js): a socket that, when
it drops, reconnects with exponential backoff, identifies with the same client id, catches up
with ``Reconnect`` (``sinceVersion``) and resends the move it sent and heard nothing about, with
the same ``reqId``. A move also unanswered for ``silence_s`` on a live socket is resent (the
server answers a resend of an answered request with the recorded answer, never a second judgement).

:class:`Game` plays one public 19x19 game between two pages: Black fills rows 0-8 and White rows
18-10, so no stone is ever captured and every move is legal; :func:`check_games` compares what
each game's clients were told with what Redis holds: every acknowledged move kept, in order,
none doubled.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import time
import uuid
from typing import Any, Awaitable, Callable, Optional

from app import dialect
from app.store import GameStore

from ..support.seating import choosing, pairing, run_async
from ..support.wsclient import Match, Payload, kind

BACKOFF_FIRST_S, BACKOFF_MAX_S = 0.2, 2.0
"""The page's backoff is 0.5 s doubling to 15 s; the tests use a shorter one to stay bounded."""


class Page:
    def __init__(self, url: str, silence_s: float = 5.0) -> None:
        self.url = url
        self.client_id = str(uuid.uuid4())
        self.silence_s = silence_s
        self.ws: Any = None
        self.game_id: Optional[str] = None
        self.version = 0
        self.replies: dict[str, asyncio.Future[Payload]] = {}
        self.waiters: list[tuple[Match, asyncio.Future[tuple[Payload, float]]]] = []
        self.pending: Optional[Payload] = None
        self.connected = asyncio.Event()
        self.reconnects = 0
        self.resends = 0
        self.closing = False
        self._supervisor: Optional[asyncio.Task[None]] = None

    async def start(self) -> None:
        await self._connect(first=True)
        self._supervisor = asyncio.get_running_loop().create_task(self._supervise())

    async def _open(self) -> Any:
        from websockets.asyncio.client import connect

        return await connect(self.url, open_timeout=5, max_queue=None, ping_interval=None)

    async def _connect(self, first: bool = False) -> None:
        delay = BACKOFF_FIRST_S
        while True:
            ws = None
            try:
                ws = await self._open()
                await ws.send(json.dumps({"type": "Identify", "clientId": self.client_id,
                                          "extensions": dialect.names(dialect.ALL)}))
                await self._until(ws, kind("IdentityAcknowledged"))
                if self.game_id is not None:
                    req = f"back-{uuid.uuid4().hex[:8]}"
                    await ws.send(json.dumps({"type": "Reconnect", "gameId": self.game_id, "reqId": req,
                                              "sinceVersion": self.version}))
                    await self._until(ws, lambda e: e.get("type") == "Reconnected" and e.get("replyTo") == req)
                self.ws = ws
                if not first:
                    self.reconnects += 1
                self.connected.set()
                if self.pending is not None:
                    self.resends += 1
                    await ws.send(json.dumps(self.pending))
                return
            except Exception:  # noqa: BLE001  (refused, reset, timed out: try again later)
                if ws is not None:
                    try:
                        await asyncio.wait_for(ws.close(), 1)
                    except Exception:  # noqa: BLE001
                        pass
                    _abort(ws)
                if self.closing:
                    raise
                await asyncio.sleep(delay)
                delay = min(delay * 2, BACKOFF_MAX_S)

    async def _until(self, ws: Any, match: Match, timeout: float = 10.0) -> None:
        """Read (during the handshake of a connection) until an event ``match``es."""
        deadline = time.monotonic() + timeout
        while True:
            frame = await asyncio.wait_for(ws.recv(), max(0.01, deadline - time.monotonic()))
            event = json.loads(frame)
            self._handle(event)
            if match(event):
                return

    async def _supervise(self) -> None:
        while not self.closing:
            try:
                async for frame in self.ws:
                    self._handle(json.loads(frame))
            except Exception:  # noqa: BLE001
                pass
            if self.closing:
                return
            self.connected.clear()
            _abort(self.ws)  # the dropped socket's transport, which nobody closes otherwise
            await self._connect()

    def _handle(self, event: Payload) -> None:
        version = event.get("version")
        if isinstance(version, int) and event.get("gameId", self.game_id) == self.game_id:
            self.version = max(self.version, version)
        reply_to = event.get("replyTo")
        if reply_to in self.replies and event.get("type") in ("MoveMade", "MoveRejected"):
            future = self.replies.pop(reply_to)
            if not future.done():
                future.set_result(event)
        for i, (match, future) in enumerate(self.waiters):
            if not future.done() and match(event):
                del self.waiters[i]
                future.set_result((event, time.perf_counter()))
                break

    # -- the interface of tests/support/seating.py ---------------------------------------------
    def expect(self, match: Match) -> asyncio.Future[tuple[Payload, float]]:
        future: asyncio.Future[tuple[Payload, float]] = asyncio.get_running_loop().create_future()
        self.waiters.append((match, future))
        return future

    async def send(self, payload: Payload) -> None:
        await self.ws.send(json.dumps(payload))

    # -- moves ----------------------------------------------------------------------------------
    async def move(self, player: str, x: int, y: int) -> tuple[Payload, float]:
        """Play until answered; (the answer, seconds from the first send to the answer)."""
        assert self.game_id is not None
        req_id = str(uuid.uuid4())
        frame = {"type": "MakeMove", "gameId": self.game_id, "reqId": req_id, "player": player,
                 "coord": {"x": x, "y": y}}
        future: asyncio.Future[Payload] = asyncio.get_running_loop().create_future()
        self.replies[req_id] = future
        self.pending = frame
        started = time.perf_counter()
        try:
            if self.connected.is_set():
                try:
                    await self.ws.send(json.dumps(frame))
                except Exception:  # noqa: BLE001  (the supervisor resends it after reconnecting)
                    pass
            while True:
                try:
                    answer = await asyncio.wait_for(asyncio.shield(future), self.silence_s)
                    return answer, time.perf_counter() - started
                except asyncio.TimeoutError:
                    if self.connected.is_set():
                        self.resends += 1
                        try:
                            await self.ws.send(json.dumps(frame))
                        except Exception:  # noqa: BLE001
                            pass
        finally:
            self.pending = None

    async def close(self) -> None:
        self.closing = True
        if self._supervisor is not None:
            self._supervisor.cancel()
        if self.ws is not None:
            try:
                await asyncio.wait_for(self.ws.close(), 1)
            except Exception:  # noqa: BLE001
                pass
            _abort(self.ws)


def _abort(ws: Any) -> None:
    transport = getattr(ws, "transport", None)
    if transport is not None and not transport.is_closing():
        transport.abort()


def points(color: str) -> list[tuple[int, int]]:
    rows = range(0, 9) if color == "BLACK" else range(18, 9, -1)
    return [(x, y) for y in rows for x in range(19)]


def sgf_point(color: str, x: int, y: int) -> str:
    return f"{color[0]}{chr(ord('a') + x)}{chr(ord('a') + y)}"


class Game:
    def __init__(self, url: str, silence_s: float = 5.0) -> None:
        self.black = Page(url, silence_s)
        self.white = Page(url, silence_s)
        self.game_id = ""
        self.acknowledged: list[str] = []
        self.rejected: list[Payload] = []
        self.latencies: list[float] = []
        self._next = {"BLACK": iter(points("BLACK")), "WHITE": iter(points("WHITE"))}

    async def seat(self) -> None:
        await self.black.start()
        await self.white.start()
        self.game_id = await run_async(pairing(self.black, self.white, 19), timeout=20)
        self.black.game_id = self.white.game_id = self.game_id
        await run_async(choosing(self.black, self.white, self.game_id), timeout=20)

    async def play(self, moves: int, pace_s: float = 0.0, stop: Optional[asyncio.Event] = None) -> None:
        """``moves`` more moves, alternating, each after the previous one was answered (and
        ``pace_s`` later), or until ``stop`` is set."""
        for _ in range(moves):
            if stop is not None and stop.is_set():
                return
            color = "BLACK" if len(self.acknowledged) % 2 == 0 else "WHITE"
            page = self.black if color == "BLACK" else self.white
            x, y = next(self._next[color])
            answer, took = await page.move(color, x, y)
            if answer["type"] == "MoveMade":
                self.acknowledged.append(sgf_point(color, x, y))
                self.latencies.append(took)
            else:
                self.rejected.append(answer)
                raise AssertionError(f"{self.game_id}: move {x},{y} rejected: {answer}")
            if pace_s:
                await asyncio.sleep(pace_s)

    @property
    def pages(self) -> tuple[Page, Page]:
        return self.black, self.white

    async def close(self) -> None:
        await self.black.close()
        await self.white.close()


async def seat_all(url: str, count: int, silence_s: float = 5.0) -> list[Game]:
    """``count`` games seated one after the other (public pairing takes the first waiter)."""
    games = []
    for _ in range(count):
        game = Game(url, silence_s)
        await game.seat()
        games.append(game)
    return games


def check_games(store: GameStore, games: list[Game]) -> dict[str, int]:
    """Every acknowledged move is in Redis, in order, and nothing else; returns totals."""
    for game in games:
        state = store.load(game.game_id)
        assert state is not None, f"game {game.game_id} is gone"
        assert state.moves == game.acknowledged, (
            f"{game.game_id}: stored {len(state.moves)} moves, acknowledged {len(game.acknowledged)}; "
            f"first difference at {next((i for i, (a, b) in enumerate(zip(state.moves, game.acknowledged)) if a != b), min(len(state.moves), len(game.acknowledged)))}")
        assert len(set(state.moves)) == len(state.moves), f"{game.game_id}: a move is doubled"
    return {
        "games": len(games),
        "moves": sum(len(g.acknowledged) for g in games),
        "reconnects": sum(p.reconnects for g in games for p in g.pages),
        "resends": sum(p.resends for g in games for p in g.pages),
    }


async def play_through(url: str, store: GameStore, fault: Callable[[], Awaitable[None]], games: int = 10,
                       warm: int = 4, moves: int = 26, pace_s: float = 0.02) -> dict[str, int]:
    """A scenario: ``games`` games seated through ``url``, each plays ``warm`` moves, then
    ``moves`` more every ``pace_s``; 0.3 s after those begin (moves in flight) ``fault`` strikes.
    Once every game has played them all, :func:`check_games`; the pages are closed whatever happens."""
    seated = await seat_all(url, games)
    try:
        await asyncio.gather(*(g.play(warm) for g in seated))
        playing = [asyncio.create_task(g.play(moves, pace_s=pace_s)) for g in seated]
        await asyncio.sleep(0.3)
        await fault()
        await asyncio.gather(*playing)
        return check_games(store, seated)
    finally:
        await asyncio.gather(*(g.close() for g in seated))


def run(coroutine: Any, timeout_s: float = 100) -> Any:
    """Run a scenario's coroutine to its end, bounded, on an event loop of its own thread: the
    session may hold another loop on this one (Playwright's sync API does, for the browser tests)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, asyncio.wait_for(coroutine, timeout_s)).result()
