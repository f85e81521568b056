"""What every game task does: load, decide, save with compare-and-set, retry on conflict."""

from __future__ import annotations

import functools
import logging
import time
import uuid
from typing import Callable, Optional, Sequence

from app import social
from app.attention import deadlines_of
from app.celery_app import celery, settings_of
from app.config import BOT_QUEUE, MOVES_QUEUE
from app.events import Delivery, Json, error
from app.game import (
    Decision,
    EngineMove,
    FlagWatch,
    FollowUp,
    GameState,
    Phase,
    Rejected,
    what_follows,
)
from app.store import SAVED, GameStore, SideWrite

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 200
"""Each failed attempt means another change was saved, so the game moved on; this only bounds
pathological contention."""


@functools.cache
def store() -> GameStore:
    return GameStore.connect(settings_of(celery))


def game_of(client_id: str, game_id: Optional[str]) -> Optional[str]:
    """The game a command is about: given, or the client's current game."""
    found = game_id or store().current_game(client_id)
    if found is None:
        tell_error(client_id, "no_game", "you are not in a game")
    return found


def tell(client_id: str, payload: Json) -> None:
    store().publish([Delivery(payload, clients=(client_id,))])


def tell_error(client_id: str, code: str, message: str, reply_to: Optional[str] = None) -> None:
    tell(client_id, error(code, message, reply_to))


Command = Callable[[GameState], Decision]


def apply(
    game_id: str,
    client_id: str,
    command: Command,
    *,
    req_id: Optional[str] = None,
    writes: Callable[[GameState], Sequence[SideWrite]] = lambda state: (),
    silent: bool = False,
) -> str:
    """Run ``command`` on the stored game until its decision is saved against the version it saw.

    With a ``req_id`` the command is answered once: a request seen before (a task redelivered
    after a worker died, a client resending) gets the recorded reply and changes nothing. With
    ``silent``, a rejection is returned to the caller instead of being told to the client.
    """
    games = store()
    for _ in range(MAX_ATTEMPTS):
        state, seen = games.load_for_request(game_id, client_id, req_id)
        if state is None:
            if silent:
                return "unknown_game"
            tell_error(client_id, "unknown_game", f"no game {game_id} (it may have expired)", req_id)
            return "unknown_game"
        if seen is not None:
            tell(client_id, seen)
            return "duplicate"
        try:
            decision = command(state)
        except Rejected as rejected:
            if silent:
                return rejected.reason
            answer = rejected.answer or error(rejected.reason, rejected.message or
                                              f"{rejected.reason} in game {game_id}", req_id)
            _answer_unchanged(game_id, client_id, req_id, [Delivery(answer, clients=(client_id,)),
                                                           *rejected.then])
            return rejected.reason
        if decision.state is None:
            _answer_unchanged(game_id, client_id, req_id, decision.deliveries)
            return "unchanged"
        found = answer_for(decision, client_id, req_id)
        reply = (games.reply_field(client_id, req_id), found) if req_id and found else None
        # A change keeps the players' "current game" index alive while the game is on (a game
        # that ends must not take the index back from a newer one).
        seated = decision.state.human_players() if decision.state.phase is not Phase.OVER else ()
        now = time.time()
        side_writes = [*writes(decision.state),
                       *(games.seat_client(p, game_id) for p in seated),
                       games.track_activity(decision.state, now),
                       *social.live_writes(games, decision.state, now)]
        pause_for_fault_injection("before_save")
        status = games.save(decision.state, state.version, decision.deliveries, reply, side_writes)
        if status == SAVED:
            pause_for_fault_injection("after_save")
            after_save(decision.state)
            return "saved"
        # CONFLICT: another change came first; ALREADY_ANSWERED: the next round re-announces.
    raise RuntimeError(f"game {game_id}: gave up after {MAX_ATTEMPTS} conflicting saves")


def _answer_unchanged(game_id: str, client_id: str, req_id: Optional[str], replies: Sequence[Delivery]) -> None:
    """Nothing changes (a refusal, or an answer such as a colour asked again): the first reply
    is recorded once for ``req_id``, so a resend gets the same answer."""
    games = store()
    if req_id and replies:
        first = games.remember_reply(game_id, client_id, req_id, replies[0].payload)
        replies = [Delivery(first, clients=(client_id,)), *replies[1:]]
    games.publish(replies)


def answer_for(decision: Decision, client_id: str, req_id: Optional[str]) -> Optional[Json]:
    """What the requester is told again if its request comes back: the event answering it,
    else the first one meant for it (its own colour, say), else the first game event."""
    deliveries = decision.deliveries
    for match in (
        lambda d: req_id is not None and d.payload.get("replyTo") == req_id,
        lambda d: client_id in d.clients,
        lambda d: d.game is not None,
    ):
        found = next((d.payload for d in deliveries if match(d)), None)
        if found is not None:
            return found
    return None


ENGINE_MOVE_TASK = "bugout.bot.play"
"""The AI's move (``tasks.bot``), on the bot queue; sent by name, so the save loop needs no
import of the engine's side."""
FLAG_CHECK_TASK = "bugout.clock.flag_check"


def after_save(state: GameState, now: Optional[float] = None) -> None:
    """Dispatch the work the domain says ``state``, just saved, makes due."""
    dispatch(what_follows(state, store().settings.lag_allowance_s), now)


def dispatch(due: Sequence[FollowUp], now: Optional[float] = None) -> None:
    for follow_up in due:
        if isinstance(follow_up, EngineMove):
            celery.send_task(ENGINE_MOVE_TASK, (follow_up.game_id, follow_up.version), queue=BOT_QUEUE)
        elif isinstance(follow_up, FlagWatch):
            # Only near deadlines get a countdown: on Redis a delayed message held longer than
            # the visibility timeout is delivered again, so far deadlines are left to beat's
            # sweep, which dispatches them again once they come near.
            wait = max(0.0, follow_up.deadline - (time.time() if now is None else now))
            if wait <= deadlines_of(store().settings).flag_horizon_s:
                celery.send_task(FLAG_CHECK_TASK, (follow_up.game_id, follow_up.version),
                                 countdown=wait + 0.05, queue=MOVES_QUEUE)


def request_id(req_id: Optional[str]) -> str:
    """The request id of a command, made up when the client sent none (then no resend is known)."""
    return req_id or f"anon-{uuid.uuid4()}"


def pause_for_fault_injection(point: str) -> None:
    """Tests that kill a worker mid-task set ``FAULT_PAUSE_S`` and ``FAULT_PAUSE_AT``; the pause
    is marked in Redis so the test knows when to strike."""
    settings = settings_of(celery)
    if settings.fault_pause_s > 0 and settings.fault_pause_at == point:
        games = store()
        games.redis.incr(f"{games.keys.prefix}:fault:paused")
        time.sleep(settings.fault_pause_s)
