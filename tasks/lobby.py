"""Lobby: public matchmaking per board size, private invitations, games against the AI."""

from __future__ import annotations

import functools
import secrets
import string
import time
import uuid
from typing import Optional

from app import dialect, events, game
from app.celery_app import celery
from app.choices import BOARD_SIZES, Strength, UnknownStrength
from app.clock import TimeControl
from app.config import BOT_QUEUE
from app.dialect import Extension
from app.events import Delivery, Json
from app.game import PRIVATE, PUBLIC
from app.go import InvalidSetupError
from app.liveness import WorkerBeacons
from app.quotas import Quotas

from . import moves
from .common import after_save, apply, store, tell, tell_error

COMPACT_ID_ALPHABET = string.ascii_letters + string.digits
COMPACT_ID_LENGTH = 22
"""22 letters or digits: 131 random bits. The original client accepts only ``^[a-zA-Z0-9]+$``,
4 to 30 characters, in ``?join=``; anything else shows its welcome screen instead."""


def invitation_link(state: game.GameState) -> Optional[str]:
    """The link a friend opens to join ``state``, at the base the gateway chose for it
    (``PUBLIC_URL``, else where the creator reached us)."""
    if not state.invite:
        return None
    base = state.public_url or store().settings.public_url or "http://localhost:5000"
    return f"{base.rstrip('/')}/?join={state.invite}"


def new_compact_id() -> str:
    """Unguessable, unlike the original's Hashids of the game id."""
    return "".join(secrets.choice(COMPACT_ID_ALPHABET) for _ in range(COMPACT_ID_LENGTH))


@functools.cache
def quotas() -> Quotas:
    games = store()
    settings = games.settings
    return Quotas(games.redis, games.keys, settings.games_per_client, settings.games_per_address,
                  settings.game_ttl_s, settings.ai_games_per_client, settings.ai_games_per_address)


def _refused(client_id: str, address: Optional[str], game_id: Optional[str] = None,
             against_ai: bool = False) -> bool:
    """Whether a new game is refused (the client told why); a redelivered creation never is."""
    if game_id is not None and store().load(game_id) is not None:
        return False
    refusal = quotas().refuse_new_game(client_id, address, against_ai=against_ai)
    if refusal is not None:
        tell_error(client_id, refusal.code, refusal.message)
        return True
    return False


def _speaks(extensions: Optional[list[str]]) -> frozenset[Extension]:
    """The client's declared extensions (``None``, from callers inside the server: all)."""
    return dialect.ALL if extensions is None else dialect.parse(extensions)


def leave_previous_game(client_id: str, speaks: frozenset[Extension], keep: Optional[str] = None) -> None:
    """A client that cannot return to a game after a reload (no ``resume`` extension) leaves
    the game it was in when it starts another: a waiting game is cancelled, a game under way is
    forfeited and the opponent told, instead of both waiting for a player who cannot come back."""
    if Extension.RESUME in speaks:
        return
    previous = store().current_game(client_id)
    if previous is not None and previous != keep:
        moves.leave(client_id, previous, silent=True)


def game_id_for(client_id: str, req_id: Optional[str]) -> str:
    """A new game's id: derived from the request, so a redelivered request finds its game."""
    if req_id is None:
        return str(uuid.uuid4())
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"bugout:{client_id}:{req_id}"))


def _private_game(
    game_id: str,
    client_id: str,
    invite: Optional[str],
    setup: Optional[Json],
    speaks: frozenset[Extension],
    public_url: Optional[str] = None,
    context: str = "",
) -> Optional[game.GameState]:
    """A new private game from the creator's ``setup`` (``web.messages.NewGame.setup_json``:
    ``boardSize``, ``rules``, ``komi``, ``handicap``, ``timeControl``, each optional), or ``None``
    after telling the client what is wrong."""
    setup = setup or {}
    try:
        time_control = setup.get("timeControl")
        control = TimeControl.from_json(time_control) if time_control else None
        return game.new_game(game_id, client_id, int(setup.get("boardSize", 19)), PRIVATE, invite,
                             str(setup.get("rules", "chinese")), setup.get("komi"), int(setup.get("handicap", 0)),
                             time_control=control, speaks=speaks, public_url=public_url)
    except (InvalidSetupError, ValueError, TypeError) as bad:
        tell_error(client_id, "bad_settings", f"{context}{bad}")
        return None


def _already_created(client_id: str, game_id: str) -> str:
    """A redelivered creation: announce the game that the first delivery made."""
    state = store().load(game_id)
    if state is not None:
        store().publish([game.waiting_event(state, invitation_link(state))]
                        if state.phase is game.Phase.WAITING else
                        [Delivery(game.snapshot(state, client_id), clients=(client_id,))])
    return "duplicate"


@celery.task(name="bugout.lobby.find_public_game")
def find_public_game(client_id: str, board_size: int = 19, extensions: Optional[list[str]] = None,
                     address: Optional[str] = None) -> str:
    """``address``: the client's, for the per-address quota (the gateway knows it)."""
    if board_size not in BOARD_SIZES:
        tell_error(client_id, "bad_board_size", f"public games are {BOARD_SIZES}, not {board_size}")
        return "bad_board_size"
    games = store()
    if _announce_pending(client_id):
        return "pending"
    speaks = _speaks(extensions)
    leave_previous_game(client_id, speaks)
    if _refused(client_id, address):
        return "refused"
    for _ in range(10):
        waiting = game.new_game(str(uuid.uuid4()), client_id, board_size, PUBLIC, speaks=speaks)
        outcome, game_id = games.find_public(board_size, client_id, waiting)
        quotas().count_new_game(game_id, client_id, address)
        if outcome == "queued":
            games.publish([game.waiting_event(waiting, None)])
            return "queued"
        if outcome == "waiting":
            state = games.load(game_id)
            if state is not None:
                games.publish([game.waiting_event(state, None)])
            return "waiting"
        result = apply(game_id, client_id, lambda s: game.join(s, client_id, speaks), silent=True)
        if result == "saved":
            return "paired"
        # The waiting player left between the pairing and the join: look again.
    tell_error(client_id, "lobby_busy", "could not find a public game; try again")
    return "lobby_busy"


@celery.task(name="bugout.lobby.create_private_game")
def create_private_game(
    client_id: str,
    setup: Optional[Json] = None,
    req_id: Optional[str] = None,
    extensions: Optional[list[str]] = None,
    public_url: Optional[str] = None,
    address: Optional[str] = None,
) -> str:
    """A game waiting for a friend. ``setup``: the creator's settings (``_private_game``);
    ``public_url``: the base of the invitation link, as the gateway chose it; ``address``: the
    client's, for the per-address quota."""
    games = store()
    compact_id = new_compact_id()
    game_id = game_id_for(client_id, req_id)
    if _refused(client_id, address, game_id):
        return "refused"
    speaks = _speaks(extensions)
    state = _private_game(game_id, client_id, compact_id, setup, speaks, public_url)
    if state is None:
        return "bad_settings"
    leave_previous_game(client_id, speaks, keep=game_id)
    created = games.create(
        state,
        [game.waiting_event(state, invitation_link(state))],
        writes=[games.invite_write(compact_id, state.game_id), games.seat_client(client_id, state.game_id)],
    )
    if not created:
        return _already_created(client_id, game_id)
    quotas().count_new_game(game_id, client_id, address)
    return state.game_id


def _announce_pending(client_id: str) -> bool:
    """A client already waiting for, or just paired into, a game gets that game again rather
    than a second one (a redelivered FindPublicGame, or a second click)."""
    games = store()
    current = games.current_game(client_id)
    state = games.load(current) if current else None
    if state is None or client_id not in state.players:
        return False
    if state.phase is game.Phase.WAITING and state.visibility == PUBLIC:
        games.publish([game.waiting_event(state, None)])
        return True
    if state.phase is game.Phase.COLORS:
        games.publish([game.ready_event(state, (client_id,))])
        return True
    return False


def _private_rejected(client_id: str, compact_id: str) -> str:
    tell(client_id, events.private_game_rejected(compact_id))
    return "rejected"


@celery.task(name="bugout.lobby.join_private_game")
def join_private_game(client_id: str, compact_id: str, extensions: Optional[list[str]] = None,
                      req_id: Optional[str] = None) -> str:
    """``req_id`` (one per frame, from the gateway): a redelivered join is answered as before,
    never taken for a player opening the link again."""
    games = store()
    # A used invitation is gone, but the friend who used it may ask again (a redelivery).
    game_id = games.resolve_invite(compact_id) or games.current_game(client_id)
    state = games.load(game_id) if game_id else None
    if state is not None and state.invite != compact_id:
        state = None
    if state is None:
        return _private_rejected(client_id, compact_id)
    if state.creator == client_id and state.phase is game.Phase.WAITING:
        # The creator came back to their own link (a reload): keep waiting, same link.
        games.publish([game.waiting_event(state, invitation_link(state))])
        return "waiting"
    speaks = _speaks(extensions)
    if client_id in state.players:
        # Already joined: a redelivery gets its first answer; a player opening the link again
        # comes back to the game, or leaves it if it cannot.
        result = apply(state.game_id, client_id, lambda s: game.come_back(s, client_id, speaks),
                       req_id=req_id, silent=True)
        return "joined" if result in ("saved", "unchanged", "duplicate") else _private_rejected(client_id, compact_id)
    leave_previous_game(client_id, speaks, keep=state.game_id)
    result = apply(
        state.game_id,
        client_id,
        lambda s: game.join(s, client_id, speaks),
        req_id=req_id,
        writes=lambda s: [games.use_invite(compact_id)],
        silent=True,
    )
    return "joined" if result == "saved" else _private_rejected(client_id, compact_id)


@celery.task(name="bugout.lobby.attach_bot")
def attach_bot(
    client_id: str,
    bot_color: str = "WHITE",
    bot: str = "KataGoOneStar",
    setup: Optional[Json] = None,
    req_id: Optional[str] = None,
    extensions: Optional[list[str]] = None,
    address: Optional[str] = None,
) -> str:
    """A game against the AI (``bot``, one of the original's names), created and started at once."""
    from app.go import Color

    games = store()
    game_id = game_id_for(client_id, req_id)
    try:
        strength = Strength.from_bot_name(bot)
    except UnknownStrength as unknown:
        tell_error(client_id, "bad_settings", f"cannot start a bot game: {unknown}")
        return "bad_settings"
    if not WorkerBeacons(games.redis, games.keys).alive(BOT_QUEUE) and games.load(game_id) is None:
        tell_error(client_id, "ai_unavailable",
                   "the AI is not available on this server now: no bot worker with an engine answers "
                   "(start the Procfile's bot line, with GNU Go installed (Debian package 'gnugo') or the "
                   "engines of ENGINES_FILE)")
        return "ai_unavailable"
    if _refused(client_id, address, game_id, against_ai=True):
        return "refused"
    speaks = _speaks(extensions)
    state = _private_game(game_id, client_id, None, setup, speaks, context="cannot start a bot game: ")
    if state is None:
        return "bad_settings"
    leave_previous_game(client_id, speaks, keep=game_id)
    decision = game.attach_bot(state, Color(bot_color), strength)
    assert decision.state is not None
    writes = [games.seat_client(client_id, game_id), games.track_activity(decision.state, time.time())]
    if not games.create(decision.state, decision.deliveries, writes=writes):
        return _already_created(client_id, game_id)
    quotas().count_new_game(game_id, client_id, address)
    after_save(decision.state)  # the bot may have the first move
    return game_id
