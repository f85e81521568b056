"""The ``/gateway`` websocket: parse and validate, authorize, enqueue, relay.

A connection never waits on a task's result: the answer comes back as an event on Redis, through
this process's relay, to the connection's outbox, and its single writer sends it.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from typing import Any, Callable, Optional

from flask import Blueprint, current_app, g, request
from simple_websocket import ConnectionClosed

from app import dialect, events
from app.config import MOVES_QUEUE, Settings
from app.dialect import Extension
from app.events import error
from app.go import Point
from app.liveness import WorkerBeacons, engine_status
from app.presence import Presence
from app.store import GameStore
from tasks import colors, lobby, moves, sync, undo

from . import messages as m
from . import social
from .extensions import sock
from .forwarded import Origin, origin_allowed, origin_of
from .outbox import POLICY_VIOLATION, Outbox, limits_from
from .relay import Relay

log = logging.getLogger(__name__)

bp = Blueprint("gateway", __name__)

MAX_FOLLOWED = 16
RECEIVE_BACKSTOP_S = 300.0
"""How long a handler waits for a frame before it looks at its outbox again. Only a backstop: a
close wakes it at once (``Outbox``). A short wait here would wake every idle socket for nothing:
every 10 s, 600 idle sockets cost the web process about a third of its idle CPU."""
LOBBY_ANSWERS = frozenset({"WaitForOpponent", "GameReady", "BotAttached", "GameState"})
"""Events that answer a lobby command with the game it made or found."""
PROCESS_STARTED = time.time()


class RateLimit:
    """A token bucket: ``rate`` frames a second on average, bursts up to ``burst``."""

    def __init__(self, rate: float, burst: float) -> None:
        self.rate, self.burst = rate, burst
        self.tokens = burst
        self.stamp = time.monotonic()

    def allow(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


class Connection:
    """One websocket: its identity, the games it follows, its outbox and its writer."""

    def __init__(self, ws: Any, relay: Relay, presence: Presence, store: GameStore, settings: Settings,
                 origin: Optional[Origin] = None) -> None:
        self.ws = ws
        self.origin = origin
        self.public_url = settings.public_url or (origin.base_url if origin else None)
        """Base of invitation links: ``PUBLIC_URL``, else the scheme and host this socket was opened at."""
        self.address = origin.address if origin else None
        """The client's address (behind a trusted proxy, the one it forwarded), for quotas."""
        self.store = store
        self.relay = relay
        self.presence = presence
        self.keys = presence.keys
        self.connection_id = str(uuid.uuid4())
        self.client_id: Optional[str] = None
        self.board_sizes: dict[str, int] = {}
        self.seats: dict[str, str] = {}
        """Games this client is seated in, and its colour: learned from its own events."""
        self.speaks: frozenset[Extension] = dialect.ORIGINAL
        """What the client declared in Identify; nothing: an original BUGOUT client."""
        self.entered: list[str] = []
        """Games this connection entered itself, latest last. A client without ``resume`` hears
        only of these (after a reload it starts afresh: its old games are not its business)."""
        self.awaiting_game = False
        """A lobby command was sent and its game is not known yet."""
        self.following: list[str] = []
        """Game channels this connection hears, oldest first."""
        self.held_colour: Optional[m.ChooseColorPref] = None
        """An original client's colour choice sent before its game was known."""
        self.limit = RateLimit(settings.rate_limit_per_s, settings.rate_limit_burst)
        self.chat_limit = RateLimit(*social.CHAT_RATE)
        self.watching: set[str] = set()
        """Games this connection asked to watch (``WatchGame``)."""
        self.read_limit = RateLimit(settings.read_limit_per_s, settings.read_limit_burst)
        self.over_limit = 0
        self.flood_limit = settings.flood_disconnect_after
        self._last_limit_error = 0.0
        self.outbox = Outbox(ws, limits_from(settings))

    # -- the socket's life ---------------------------------------------------------------------
    def serve(self) -> None:
        self.outbox.start()
        try:
            while not self.outbox.closed:
                frame = self.ws.receive(timeout=RECEIVE_BACKSTOP_S)
                if frame is None:
                    continue
                if not self.limit.allow():
                    self._throttle()
                    continue
                self.handle(frame)
        except ConnectionClosed:
            pass
        finally:
            self._close()

    def _close(self) -> None:
        self.relay.detach(self)
        if self.client_id:
            self.presence.leave(self.client_id, self.connection_id)
        self.outbox.stop()

    def _throttle(self) -> None:
        self.over_limit += 1
        if self.over_limit >= self.flood_limit:
            log.warning("gateway: closing a flooding connection")
            self.outbox.close_after_sending(POLICY_VIOLATION, "too many frames")
            return
        now = time.monotonic()
        if now - self._last_limit_error > 1.0:
            self._last_limit_error = now
            self.send(error("rate_limited", "too many frames; slow down or be disconnected"))

    # -- writing -------------------------------------------------------------------------------
    def send(self, payload: dict[str, Any]) -> None:
        self.outbox.deliver(json.dumps(payload, separators=(",", ":")))

    def deliver(self, text: str) -> None:
        """An event from the relay: queued for this socket's writer, never waited on."""
        self.outbox.deliver(text)

    def on_client_event(self, event: dict[str, Any]) -> bool:
        """Whether this connection takes a client-channel event; one that names a game makes the
        connection follow that game's channel from now on."""
        game_id = event.get("gameId")
        if not isinstance(game_id, str) or event.get("type") == "PrivateGameRejected":
            return True
        if game_id not in self.entered:
            if Extension.RESUME not in self.speaks and not (
                    self.awaiting_game and event.get("type") in LOBBY_ANSWERS):
                return False
            self.enter(game_id)
        if isinstance(event.get("boardSize"), int):
            self.board_sizes[game_id] = event["boardSize"]
        if isinstance(event.get("yourColor"), str):
            self.seats[game_id] = event["yourColor"]
        self.follow(game_id, wait=False)
        social.on_client_event(self, event)
        return True

    def enter(self, game_id: str) -> None:
        """This connection is now about ``game_id`` (a lobby answer, a move, a reconnect)."""
        if game_id in self.entered:
            self.entered.remove(game_id)
        self.entered.append(game_id)
        del self.entered[:-8]
        self.awaiting_game = False
        held, self.held_colour = self.held_colour, None
        if held is not None:
            _choose_colour(self, held)

    def game_of(self, game_id: Optional[str]) -> Optional[str]:
        """The game a command without ``gameId`` is about: for a client that keeps its games
        across reloads, its current game on the server (``None`` here); for an original client,
        the game this connection entered (its old games are not what it means)."""
        if game_id is not None or Extension.RESUME in self.speaks:
            return game_id
        return self.entered[-1] if self.entered else None

    def new_game_request(self) -> str:
        """A request id for a command that creates a game, whose id derives from it: the socket
        follows that game before the task runs, so an AI that moves first is never missed."""
        req_id = _rid()
        self.follow(lobby.game_id_for(self.client_id or "", req_id))
        return req_id

    def lobby_command(self) -> list[str]:
        """Note that a lobby command is under way; the extension names to pass with it."""
        self.awaiting_game = True
        return dialect.names(self.speaks)

    # -- reading -------------------------------------------------------------------------------
    def handle(self, frame: Any) -> None:
        try:
            command = m.parse(frame)
            if command.needs_identity and self.client_id is None:
                raise m.FrameError("not_identified", "send Identify with your clientId first",
                                   getattr(command, "reqId", None))
            if type(command) in GAME_READS and not self.read_limit.allow():
                raise m.FrameError("rate_limited", f"too many {type(command).__name__} (a few a minute are plenty)",
                                   getattr(command, "reqId", None))
            HANDLERS[type(command)](self, command)
        except m.FrameError as bad:
            self.send(error(bad.code, bad.message, bad.reply_to))
        except Exception:  # noqa: BLE001  (one bad frame must not end the connection)
            log.exception("gateway: failed to handle a frame")
            self.send(error("unavailable", "the server could not take this command; try again"))

    def is_seated(self, game_id: str) -> bool:
        """Whether this client plays in ``game_id``: from its own events, else asked of Redis once.

        Moves from clients that are not seated are refused here, so they never reach a worker
        (the worker checks the seat again: this is only the cheap first gate).
        """
        if game_id in self.seats:
            return True
        state = self.store.load(game_id)
        seat = state.seat_of(self.client_id) if state and self.client_id else None
        if seat is not None:
            self.seats[game_id] = seat.value
        return seat is not None

    def follow(self, game_id: str, wait: bool = True) -> None:
        """Hear ``game_id``'s events from now on; past ``MAX_FOLLOWED`` games, the one followed
        longest ago is dropped (a client watches a few games, never thousands)."""
        if game_id in self.following:
            self.following.remove(game_id)
        else:
            self.relay.attach(self.keys.game_channel(game_id), self, wait=wait)
            social.on_follow(self, game_id, wait)
        self.following.append(game_id)
        while len(self.following) > MAX_FOLLOWED:
            dropped = self.following.pop(0)
            self.watching.discard(dropped)
            self.relay.detach(self, [self.keys.game_channel(dropped), *social.chat_channels(self.keys, dropped)])

    def check_on_board(self, game_id: str, coord: Optional[m.Coord], reply_to: Optional[str]) -> None:
        size = self.board_sizes.get(game_id)
        if coord is not None and size is not None and (coord.x >= size or coord.y >= size):
            raise m.FrameError("off_board", f"({coord.x}, {coord.y}) is off the {size}x{size} board", reply_to)

    def identify(self, command: m.Identify) -> None:
        if self.client_id not in (None, command.clientId):
            raise m.FrameError("already_identified", "this connection already has an identity")
        if self.client_id is None:
            self.client_id = command.clientId
            self.speaks = dialect.parse(command.extensions)
            self.relay.attach(self.keys.client_channel(command.clientId), self)
            self.presence.join(command.clientId, self.connection_id)
        self.send(events.identity_acknowledged(command.clientId))


Handler = Callable[[Connection, Any], None]


def _coord(coord: Optional[m.Coord]) -> Optional[dict[str, int]]:
    return None if coord is None else {"x": coord.x, "y": coord.y}


def _make_move(c: Connection, cmd: m.MakeMove) -> None:
    c.check_on_board(cmd.gameId, cmd.coord, cmd.reqId)
    if not c.is_seated(cmd.gameId):
        point = None if cmd.coord is None else Point(cmd.coord.x, cmd.coord.y)
        c.send(events.move_rejected(cmd.gameId, cmd.reqId, cmd.player, point, "not_a_player",
                                    "you are not seated in this game"))
        return
    c.follow(cmd.gameId)
    c.enter(cmd.gameId)
    moves.make_move.delay(cmd.gameId, c.client_id, cmd.reqId or str(uuid.uuid4()), cmd.player, _coord(cmd.coord),
                          time.time())


def _toggle_dead(c: Connection, cmd: m.ToggleDead) -> None:
    c.check_on_board(cmd.gameId, cmd.coord, None)
    moves.toggle_dead.delay(c.client_id, cmd.gameId, _coord(cmd.coord), _rid())


def _rid() -> str:
    """A request id for a command the protocol gives none: a redelivered task then changes
    nothing twice."""
    return str(uuid.uuid4())


def _reconnect(c: Connection, cmd: m.Reconnect) -> None:
    c.follow(cmd.gameId)
    c.enter(cmd.gameId)
    sync.reconnect.delay(c.client_id, cmd.gameId, cmd.reqId, cmd.sinceVersion)


def _watch(c: Connection, cmd: m.WatchGame) -> None:
    # Followed when its snapshot arrives (a client event naming the game), so a made-up id
    # subscribes nothing; the snapshot's version lets the page catch up on what came between.
    c.enter(cmd.gameId)
    c.watching.add(cmd.gameId)
    sync.watch_game.delay(c.client_id, cmd.gameId)


def _beep(c: Connection, cmd: m.Beep) -> None:
    """The original's keepalive: the connection is beaten with all the others already."""


def _idle_status(c: Connection, cmd: m.ProvideIdleStatus) -> None:
    """Whether the service that plays people answers (a ``moves`` worker beat lately), with the
    AI engine's own state as the ``engine`` extension (answered here, no task)."""
    service = WorkerBeacons(c.presence.redis, c.keys).status(MOVES_QUEUE, PROCESS_STARTED)
    c.send(events.idle_status(service.status, service.since, engine_status(c.presence.redis, c.keys)))


def _choose_colour(c: Connection, cmd: m.ChooseColorPref) -> None:
    game_id = c.game_of(cmd.gameId)
    if game_id is None and Extension.RESUME not in c.speaks:
        # An original client chooses before its game is known: keep it until then.
        c.held_colour = cmd
        return
    colors.choose_color_pref.delay(c.client_id, cmd.colorPref, game_id, _rid())


HANDLERS: dict[type, Handler] = {
    m.Identify: Connection.identify,
    m.Beep: _beep,
    m.ProvideIdleStatus: _idle_status,
    m.FindPublicGame: lambda c, cmd: lobby.find_public_game.delay(c.client_id, cmd.boardSize, c.lobby_command(),
                                                                  c.address),
    m.CreatePrivateGame: lambda c, cmd: lobby.create_private_game.delay(
        c.client_id, cmd.setup_json(), c.new_game_request(), c.lobby_command(), c.public_url, c.address),
    m.JoinPrivateGame: lambda c, cmd: lobby.join_private_game.delay(c.client_id, cmd.gameId, c.lobby_command(),
                                                                    _rid()),
    m.AttachBot: lambda c, cmd: lobby.attach_bot.delay(
        c.client_id, cmd.player, cmd.bot, cmd.setup_json(), c.new_game_request(), c.lobby_command(), c.address),
    m.ChooseColorPref: _choose_colour,
    m.MakeMove: _make_move,
    m.QuitGame: lambda c, cmd: moves.quit_game.delay(c.client_id, c.game_of(cmd.gameId), _rid()),
    m.Resign: lambda c, cmd: moves.resign.delay(c.client_id, c.game_of(cmd.gameId), _rid()),
    m.ClaimWin: lambda c, cmd: moves.claim_win.delay(c.client_id, c.game_of(cmd.gameId), _rid()),
    m.ToggleDead: _toggle_dead,
    m.AcceptScore: lambda c, cmd: moves.accept_score.delay(c.client_id, cmd.gameId, _rid(), cmd.version),
    m.UndoMove: lambda c, cmd: undo.undo_move.delay(c.client_id, c.game_of(cmd.gameId), _rid()),
    m.AnswerUndo: lambda c, cmd: undo.answer_undo.delay(c.client_id, cmd.accept, c.game_of(cmd.gameId), _rid()),
    m.ReqSync: lambda c, cmd: sync.req_sync.delay(
        c.client_id, cmd.reqId, cmd.playerUp, cmd.turn,
        cmd.lastMove.model_dump() if cmd.lastMove else None, c.game_of(cmd.gameId)),
    m.Reconnect: _reconnect,
    m.ProvideHistory: lambda c, cmd: sync.provide_history.delay(c.client_id, cmd.gameId, cmd.reqId),
    m.WatchGame: _watch,
    m.ProvideGameState: lambda c, cmd: sync.game_state.delay(c.client_id, cmd.gameId),
    **social.HANDLERS,
}


GAME_READS: frozenset[type] = frozenset({m.Reconnect, m.ReqSync, m.ProvideHistory, m.ProvideGameState, m.WatchGame,
                                         *social.READS})
"""Commands that make a worker read and serialise a whole game: limited apart from moves."""


@bp.before_request
def _refuse_other_sites() -> Optional[tuple[str, int]]:
    """A page of another site must not play with its visitor's browser (cross-site websocket
    hijacking): refused before the upgrade."""
    state = current_app.extensions["bugout"]
    own = origin_of(request.environ, state.trusted_proxies)
    if not origin_allowed(request.headers.get("Origin"), own, state.allowed_origins):
        log.info("gateway: refused a socket from another site's page")
        return "this site's pages only", 403
    held = state.sockets_by_address
    if held[own.address] >= state.settings.sockets_per_address:
        log.warning("gateway: an address holds %d sockets already; refused another", held[own.address])
        return "too many connections from your address", 429
    held[own.address] += 1
    g.origin = own
    return None


@bp.teardown_request
def _release_address(_: Optional[BaseException]) -> None:
    origin = g.pop("origin", None)
    if origin is not None:
        held = current_app.extensions["bugout"].sockets_by_address
        held[origin.address] -= 1
        if held[origin.address] <= 0:
            del held[origin.address]


@sock.route("/gateway", bp=bp)
def gateway(ws: Any) -> None:
    state = current_app.extensions["bugout"]
    Connection(ws, state.relay(), state.presence(), state.store(), state.settings, g.origin).serve()
