"""A test client that behaves exactly like the original BUGOUT browser.

Read from Terkwood/BUGOUT, ``browser/src/modules/shims/gtp.js`` and ``components/App.js``; only
the behaviour is reproduced here, none of its code:

- it identifies without declaring any extension, asks ``ProvideIdleStatus`` and (for games
  with people) starts nothing until it hears ``Online``, polling every second; while it waits,
  any other message breaks it ("wait-error-halp") and it never starts the game;
- it reads ``since`` as ``Date.now() - Date.parse(since)``;
- it sends ``ChooseColorPref`` once, without a game id, right after its lobby command (before
  any opponent arrived; a friend joining by link, right after ``GameReady``), and then only
  waits for ``YourColor``;
- it takes a ``?join=`` value only if it matches ``^[a-zA-Z0-9]+$`` with 4 to 30 characters;
- it keeps its own board (Sabaki's: any move on an empty point; captures, then a suicided group
  is removed) and lets its player insist on a ko retake or a suicide;
- a move is done when ``MoveMade`` answers its ``reqId``; ``MoveRejected``, ``Error``,
  ``ScoringPhase``, ``GameOver`` and ``GameState`` are not read at all;
- every 5 s (not within 7.5 s of a move) it sends ``ReqSync`` and applies its in-step rule:
  same turn -> nothing; server one move ahead -> adopt that move; one behind -> wait; anything
  else -> a logged critical failure;
- after two passes it counts by itself and sends nothing more (never ``AcceptScore``);
- it keeps no game id across a reload.

Timings are scaled down for tests (``time_scale``); their order and ratios are the original's.
Anything that would leave the real client stuck or broken is recorded in ``failures``.
"""

from __future__ import annotations

import re
import threading
import time
import uuid
from datetime import datetime
from typing import Any, Optional
from urllib.parse import parse_qs, urlparse

from .wsclient import Payload, WsClient

COMPACT_ID = re.compile(r"^[a-zA-Z0-9]+$")
IDLE_POLL_S = 1.0
SYNC_EVERY_S = 5.0
SYNC_DELAY_S = 7.5
OTHER = {"BLACK": "WHITE", "WHITE": "BLACK"}


class SabakiBoard:
    """The original client's own board: no ko rule, captures first, then suicide removal."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.stones: dict[tuple[int, int], str] = {}

    def _chain(self, start: tuple[int, int]) -> tuple[set[tuple[int, int]], int]:
        colour = self.stones[start]
        chain, liberties, todo = {start}, set(), [start]
        while todo:
            x, y = todo.pop()
            for n in ((x + 1, y), (x - 1, y), (x, y + 1), (x, y - 1)):
                if not (0 <= n[0] < self.size and 0 <= n[1] < self.size):
                    continue
                if n not in self.stones:
                    liberties.add(n)
                elif self.stones[n] == colour and n not in chain:
                    chain.add(n)
                    todo.append(n)
        return chain, len(liberties)

    def play(self, player: str, coord: Optional[tuple[int, int]]) -> None:
        if coord is None:
            return
        assert coord not in self.stones, f"the original client never plays on a stone: {coord}"
        self.stones[coord] = player
        x, y = coord
        dead_neighbours = False
        for n in ((x + 1, y), (x - 1, y), (x, y + 1), (x, y - 1)):
            if self.stones.get(n) == OTHER[player]:
                chain, liberties = self._chain(n)
                if liberties == 0:
                    dead_neighbours = True
                    for stone in chain:
                        del self.stones[stone]
        if not dead_neighbours:
            chain, liberties = self._chain(coord)
            if liberties == 0:
                for stone in chain:
                    del self.stones[stone]


class OriginalClient:
    def __init__(self, gateway: str, client_id: Optional[str] = None, time_scale: float = 0.1) -> None:
        self.gateway = gateway
        self.client_id = client_id or str(uuid.uuid4())
        self.scale = time_scale
        self.failures: list[str] = []
        self.idle_seconds: list[float] = []
        self.ws: Optional[WsClient] = None
        self._lock = threading.RLock()
        self._sync_thread: Optional[threading.Thread] = None
        self._stop = threading.Event()
        self._fresh_page()

    # -- page life ----------------------------------------------------------------------------
    def _fresh_page(self) -> None:
        self.game_id: Optional[str] = None
        self.board_size = 19
        self.moves: list[dict[str, Any]] = []
        """The local game tree's main line: ``{"player", "coord", "turn"}``."""
        self.board = SabakiBoard(19)
        self.your_color: Optional[str] = None
        self.scoring = False
        self.delay_until = 0.0
        self.sync_req: Optional[str] = None
        self.sync_activated = False
        self.sync_outcomes: list[str] = []

    def open(self, wait_online: bool = True) -> None:
        """Load the page: connect, identify, and (for a game with people) wait for Online."""
        self.ws = WsClient(self.gateway, self.client_id)
        self.ws.identify(extensions=[])
        if wait_online:
            self.wait_online()

    def reload(self, wait_online: bool = True) -> None:
        """A page reload: the socket closes, and the new page remembers nothing but its id."""
        self.close()
        self._fresh_page()
        self._stop = threading.Event()
        self.open(wait_online)

    def close(self) -> None:
        self._stop.set()
        if self._sync_thread is not None:
            self._sync_thread.join(timeout=5)
            self._sync_thread = None
        if self.ws is not None:
            self.ws.close()

    @property
    def client(self) -> WsClient:
        assert self.ws is not None
        return self.ws

    def wait_online(self, timeout: float = 30.0) -> Payload:
        """``waitForBugoutOnline``: poll ``ProvideIdleStatus`` each second until ``Online``."""
        ws = self.client
        start = ws.mark()
        deadline = time.monotonic() + timeout
        ws.send({"type": "ProvideIdleStatus"})
        next_poll = time.monotonic() + IDLE_POLL_S * self.scale
        seen = start
        while True:
            with ws._lock:
                fresh = ws.events[seen:]
            for event in fresh:
                seen += 1
                if event.get("type") != "IdleStatusProvided":
                    self.failures.append(f"wait-error-halp: {event.get('type')} while waiting for Online")
                    raise AssertionError(f"the original client breaks on {event} while waiting for Online")
                if event["status"] == "Online":
                    return event
                since = Date_parse(event.get("since"))
                self.idle_seconds.append(time.time() - since)
            if time.monotonic() > deadline:
                raise AssertionError(f"never Online; heard {ws.events[start:][-5:]}")
            if time.monotonic() >= next_poll:
                ws.send({"type": "ProvideIdleStatus"})
                next_poll = time.monotonic() + IDLE_POLL_S * self.scale
            time.sleep(0.02)

    # -- the lobby ----------------------------------------------------------------------------
    def _enter(self, command: Payload, colour: Optional[str], colour_after_answer: bool = False) -> Payload:
        ws = self.client
        mark = ws.mark()
        ws.send(command)
        if colour is not None and not colour_after_answer:
            ws.send({"type": "ChooseColorPref", "colorPref": colour})
        answer = ws.wait_for(lambda e: e["type"] in ("WaitForOpponent", "GameReady", "PrivateGameRejected"),
                             after=mark)
        if answer["type"] != "PrivateGameRejected":
            self.game_id = answer["gameId"]
            self._activate_sync()
            if colour is not None and colour_after_answer:
                ws.send({"type": "ChooseColorPref", "colorPref": colour})
        return answer

    def find_public_game(self, colour: str = "Any") -> Payload:
        return self._enter({"type": "FindPublicGame"}, colour)

    def create_private_game(self, board_size: int, colour: str = "Any") -> str:
        """Returns the invitation link."""
        self._set_size(board_size)
        answer = self._enter({"type": "CreatePrivateGame", "boardSize": board_size}, colour)
        assert answer["type"] == "WaitForOpponent" and answer["link"], answer
        return str(answer["link"])

    def join_private_game(self, link: str, colour: str = "Any") -> Payload:
        values = parse_qs(urlparse(link).query).get("join", [])
        compact = values[0] if values else ""
        if not (COMPACT_ID.match(compact) and 4 <= len(compact) <= 30):
            self.failures.append(f"welcome screen instead of joining: {link}")
            raise AssertionError(f"the original client ignores the link {link}")
        return self._enter({"type": "JoinPrivateGame", "gameId": compact}, colour, colour_after_answer=True)

    def wait_ready_and_colour(self, timeout: float = 20.0) -> str:
        ws = self.client
        ready = ws.wait("GameReady", timeout, gameId=self.game_id)
        self._set_size(ready["boardSize"])
        self.your_color = ws.wait("YourColor", timeout, gameId=self.game_id)["yourColor"]
        return self.your_color

    def attach_bot(self, board_size: int, human_colour: str, bot: str = "KataGoOneStar") -> Payload:
        """``setupBotGame``: no Online wait; AttachBot names the bot's colour."""
        self._set_size(board_size)
        ws = self.client
        mark = ws.mark()
        ws.send({"type": "AttachBot", "boardSize": board_size, "player": OTHER[human_colour], "bot": bot})
        attached = ws.wait("BotAttached", after=mark)
        self.game_id = attached["gameId"]
        self.your_color = human_colour
        return attached

    def _set_size(self, size: int) -> None:
        self.board_size = size
        if not self.moves:
            self.board = SabakiBoard(size)

    # -- play ---------------------------------------------------------------------------------
    @property
    def player_up(self) -> str:
        return "BLACK" if not self.moves else OTHER[self.moves[-1]["player"]]

    def _append(self, player: str, coord: Optional[tuple[int, int]]) -> None:
        with self._lock:
            self.board.play(player, coord)
            self.moves.append({"player": player, "coord": None if coord is None else {"x": coord[0], "y": coord[1]},
                               "turn": len(self.moves) + 1})
            last_two = self.moves[-2:]
            if len(last_two) == 2 and all(m["coord"] is None for m in last_two):
                self.scoring = True  # it counts by itself and sends nothing more

    def play(self, x: Optional[int], y: Optional[int] = None, wait: bool = True) -> Optional[Payload]:
        """Click a point (``x`` None: pass). The move is shown at once, sent, and done when
        MoveMade answers it; with ``wait`` False the caller only sends (an insisted illegal move)."""
        assert self.game_id and self.your_color == self.player_up, "not this client's turn"
        coord = None if x is None else (x, y)
        self._append(self.your_color, coord)  # type: ignore[arg-type]
        req_id = str(uuid.uuid4())
        ws = self.client
        mark = ws.mark()
        ws.send({"type": "MakeMove", "gameId": self.game_id, "reqId": req_id, "player": self.your_color,
                 "coord": None if coord is None else {"x": x, "y": y}})
        self.delay_until = time.monotonic() + SYNC_DELAY_S * self.scale
        if not wait:
            return None
        return ws.wait_for(lambda e: e.get("type") == "MoveMade" and e.get("replyTo") == req_id, after=mark)

    def wait_opponent_move(self, timeout: float = 30.0) -> Payload:
        """``listenForMove``: the opponent's MoveMade (or OpponentQuit), else adopted by sync."""
        assert self.your_color
        opponent = OTHER[self.your_color]
        turn = len(self.moves) + 1
        ws = self.client
        event = ws.wait_for(
            lambda e: (e.get("type") == "MoveMade" and e.get("player") == opponent and e.get("gameId") == self.game_id
                       and e.get("turn") == turn) or e.get("type") == "OpponentQuit" or len(self.moves) >= turn,
            timeout)
        with self._lock:
            if event.get("type") == "MoveMade" and len(self.moves) < turn:
                coord = event["coord"]
                self._append(opponent, None if coord is None else (coord["x"], coord["y"]))
                self.delay_until = time.monotonic() + SYNC_DELAY_S * self.scale
        return event

    # -- sync ---------------------------------------------------------------------------------
    def _activate_sync(self) -> None:
        self.sync_activated = True
        self.delay_until = time.monotonic() + SYNC_DELAY_S * self.scale
        if self._sync_thread is None:
            self._sync_thread = threading.Thread(target=self._sync_loop, daemon=True)
            self._sync_thread.start()

    def _sync_loop(self) -> None:
        stop = self._stop
        handled = 0
        while not stop.wait(SYNC_EVERY_S * self.scale):
            ws = self.ws
            if ws is None:
                return
            with ws._lock:
                events = ws.events[handled:]
                handled = len(ws.events)
            for event in events:
                if event.get("type") == "SyncReply" and event.get("replyTo") == self.sync_req:
                    self._process_sync(event)
            if self.sync_activated and not self.scoring and time.monotonic() > self.delay_until:
                with self._lock:
                    self.sync_req = str(uuid.uuid4())
                    last = self.moves[-1] if self.moves else None
                    payload = {"type": "ReqSync", "reqId": self.sync_req, "playerUp": self.player_up,
                               "turn": len(self.moves) + 1, "lastMove": last}
                try:
                    ws.send(payload)
                except Exception:  # noqa: BLE001  (the socket closed under a reload)
                    return

    def _process_sync(self, reply: Payload) -> None:
        with self._lock:
            turn, up = len(self.moves) + 1, self.player_up
            if reply["turn"] == turn and reply["playerUp"] == up:
                self.sync_outcomes.append("in_step")
            elif reply["turn"] - 1 == turn and OTHER[reply["playerUp"]] == up:
                last = reply["moves"][-1]
                coord = last["coord"]
                self._append(last["player"], None if coord is None else (coord["x"], coord["y"]))
                self.sync_outcomes.append("server_ahead")
            elif reply["turn"] + 1 == turn and reply["playerUp"] == OTHER[up]:
                self.sync_outcomes.append("server_behind")
            else:
                self.sync_outcomes.append("critical")
                self.failures.append(f"SYNC: CRITICAL FAILURE local turn {turn} {up}; server {reply}")

    def wait_in_step(self, timeout: float = 30.0) -> None:
        """Until a sync reply finds the server exactly where this client is."""
        deadline = time.monotonic() + timeout
        start = len(self.sync_outcomes)
        while time.monotonic() < deadline:
            if "in_step" in self.sync_outcomes[start:]:
                return
            time.sleep(0.05)
        raise AssertionError(f"never in step with the server: {self.sync_outcomes[start:]}, local {self.moves}")

    def stones(self) -> dict[tuple[int, int], str]:
        with self._lock:
            return dict(self.board.stones)


def Date_parse(since: Any) -> float:  # noqa: N802  (the JavaScript it stands for)
    """``Date.parse``: NaN (here, an assertion) unless ``since`` is an ISO-8601 string."""
    assert isinstance(since, str), f"since must be a timestamp string, got {since!r} (the client shows NaN)"
    return datetime.fromisoformat(since.replace("Z", "+00:00")).timestamp()
