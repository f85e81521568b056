"""The gateway's side of the extensions around a game: chat, rematch and the live games list.

Chat lines travel on channels of their own (``app.keys.Keys.chat_channel`` for the players',
``kibitz_channel`` for the spectators'), which a connection hears only if it declared ``chat``:
an original client never receives a line. A connection that follows a game hears its players'
channel; one that watches it without a seat also hears the spectators'. The live list is answered
here, from one read of Redis per web process every :data:`LIVE_CACHE_S` whatever the number of
visitors asking (``bench/live_list.py`` measures it).
"""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any, Callable, Optional

from app import events, social
from app.dialect import Extension
from app.events import error
from app.keys import Keys
from app.store import GameStore
from tasks import chat, live, rematch

from . import messages as m

CHAT_RATE = (0.5, 5.0)
"""Chat lines per socket: one every 2 s on average, bursts of 5 (``Error rate_limited`` beyond)."""
LIVE_LIMIT = 20
"""Games in the live list: the latest moves first."""
LIVE_CACHE_S = 3.0
"""How long a web process answers ``ListLiveGames`` from the list it read last."""

_live_lock = threading.Lock()
_live_cache: dict[str, tuple[float, list[events.Json]]] = {}


def chat_channels(keys: Keys, game_id: str) -> list[str]:
    return [keys.chat_channel(game_id), keys.kibitz_channel(game_id)]


def on_follow(c: Any, game_id: str, wait: bool) -> None:
    """A connection that speaks ``chat`` hears the players' lines of the games it follows."""
    if Extension.CHAT in c.speaks:
        c.relay.attach(c.keys.chat_channel(game_id), c, wait=wait)


def on_client_event(c: Any, event: dict[str, Any]) -> None:
    """A rematch begins: its players' connections follow it. A spectator's snapshot (no seat) of a game it asked to watch: it hears the spectators'
    lines too. Only a game that exists gets here, so made-up ids subscribe nothing."""
    game_id = event.get("gameId")
    if event.get("type") == "RematchStarted" and isinstance(event.get("newGameId"), str):
        c.enter(event["newGameId"])  # a player hears its rematch from its first move on
        c.follow(event["newGameId"], wait=False)
    if (event.get("type") == "GameState" and event.get("yourColor") is None and game_id in c.watching
            and Extension.CHAT in c.speaks):
        c.relay.attach(c.keys.kibitz_channel(game_id), c, wait=False)


def live_games(store: GameStore, now: Optional[float] = None) -> events.Json:
    """``LiveGames``: at most :data:`LIVE_LIMIT` games, read at most once per :data:`LIVE_CACHE_S`."""
    stamp = time.time() if now is None else now
    prefix = store.keys.prefix
    with _live_lock:
        cached = _live_cache.get(prefix)
        if cached is None or stamp - cached[0] >= LIVE_CACHE_S:
            cached = (stamp, social.live_games(store, LIVE_LIMIT, stamp))
            _live_cache[prefix] = cached
    return events.live_games(cached[1], cached[0])


def _send_chat(c: Any, cmd: m.SendChat) -> None:
    if not c.chat_limit.allow():
        c.send(error("rate_limited", "chat lines are limited to one every 2 seconds (bursts of 5)"))
        return
    chat.say.delay(c.client_id, cmd.gameId, cmd.text, str(uuid.uuid4()))


def _list_live(c: Any, cmd: m.ListLiveGames) -> None:
    c.send(live_games(c.store))


HANDLERS: dict[type, Callable[[Any, Any], None]] = {
    m.SendChat: _send_chat,
    m.ProvideChat: lambda c, cmd: chat.history.delay(c.client_id, cmd.gameId),
    m.OfferRematch: lambda c, cmd: rematch.offer_rematch.delay(c.client_id, cmd.gameId, cmd.reqId or str(uuid.uuid4()),
                                                               c.address),
    m.AnswerRematch: lambda c, cmd: rematch.answer_rematch.delay(c.client_id, cmd.gameId, cmd.accept,
                                                                 cmd.reqId or str(uuid.uuid4()), c.address),
    m.ListLiveGames: _list_live,
    m.SetListed: lambda c, cmd: live.set_listed.delay(c.client_id, cmd.gameId, cmd.listed, str(uuid.uuid4())),
}
READS: frozenset[type] = frozenset({m.ProvideChat, m.ListLiveGames})
"""Limited with the other reads of whole games (``web.gateway.GAME_READS``)."""
