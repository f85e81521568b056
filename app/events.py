"""Every wire event, and who receives it: the only place an event's JSON is built.

An event is the JSON object a client receives (``type`` plus camelCase fields, as in
``docs/protocol.md``). A :class:`Delivery` pairs it with its audience: every connection watching
a game (players and spectators) and/or every connection of given clients. Client ids never appear
in a payload (``IdentityAcknowledged`` echoes the connection's own): they are bearer secrets.

The constructors take domain values and return the payload; the game package, the tasks and the
gateway call them and build no event of their own.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from typing import Any, Iterable, Optional

from app.go import Color, Move, Point, Score

Json = dict[str, Any]


@dataclass(frozen=True)
class Delivery:
    payload: Json
    game: Optional[str] = None
    """Deliver to every connection that watches this game."""
    clients: tuple[str, ...] = field(default=())
    """Deliver to every connection of these clients."""


IDLE = "Idle"
"""``IdleStatusProvided.status``: nothing runs (no engine process; no worker seen lately)."""
BOOTING = "Booting"
"""It is starting."""
ONLINE = "Online"
"""It runs and answers."""
STATUSES = {"idle": IDLE, "booting": BOOTING, "online": ONLINE}
"""The statuses as our page reads them (rendered into it by ``web.pages``)."""


def event_id() -> str:
    return str(uuid.uuid4())


# -- values -------------------------------------------------------------------------------------


def coord(point: Optional[Point]) -> Optional[Json]:
    return None if point is None else {"x": point.x, "y": point.y}


def move_json(move: Move, turn: int) -> Json:
    return {"player": move.color.value, "coord": coord(move.point), "turn": turn}


def moves_json(moves: Iterable[Move]) -> list[Json]:
    return [move_json(m, i) for i, m in enumerate(moves, start=1)]


def points_json(points: Iterable[Point]) -> list[Json]:
    return [{"x": p.x, "y": p.y} for p in points]


def pairs_json(points: Iterable[tuple[int, int]]) -> list[Json]:
    return [{"x": x, "y": y} for x, y in points]


def score_json(score: Score) -> Json:
    return {
        "black": score.black,
        "white": score.white,
        "komi": score.komi,
        "scoring": score.scoring.value,
        "blackStones": score.black_stones,
        "whiteStones": score.white_stones,
        "blackTerritory": points_json(score.black_territory_points),
        "whiteTerritory": points_json(score.white_territory_points),
        "blackPrisoners": score.black_prisoners,
        "whitePrisoners": score.white_prisoners,
        "result": score.result,
    }


def iso_time(stamp: float) -> str:
    """``2026-11-25T20:01:02.123Z``: what the original client parses with ``Date.parse``."""
    moment = datetime.datetime.fromtimestamp(stamp, datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


# -- connection and lobby -----------------------------------------------------------------------


def error(code: str, message: str, reply_to: Optional[str] = None) -> Json:
    return {"type": "Error", "code": code, "message": message, "replyTo": reply_to}


def identity_acknowledged(client_id: str) -> Json:
    return {"type": "IdentityAcknowledged", "clientId": client_id}


def idle_status(status: str, since: str, engine: Json, game_id: Optional[str] = None) -> Json:
    """The original's service status, with the AI engine's own as the ``engine`` extension."""
    payload: Json = {"type": "IdleStatusProvided", "status": status, "since": since, "engine": engine}
    if game_id is not None:
        payload["gameId"] = game_id
    return payload


def wait_for_opponent(game_id: str, visibility: str, link: Optional[str], version: int) -> Json:
    return {"type": "WaitForOpponent", "gameId": game_id, "eventId": event_id(), "visibility": visibility,
            "link": link, "version": version}


def game_ready(game_id: str, board_size: int, version: int) -> Json:
    return {"type": "GameReady", "gameId": game_id, "eventId": event_id(), "boardSize": board_size,
            "version": version}


def private_game_rejected(invite: Optional[str]) -> Json:
    return {"type": "PrivateGameRejected", "gameId": invite, "eventId": event_id()}


def bot_attached(game_id: str, bot_color: Color, board_size: int, version: int) -> Json:
    return {"type": "BotAttached", "gameId": game_id, "player": bot_color.value, "boardSize": board_size,
            "version": version}


def your_color(game_id: str, color: Color, version: int) -> Json:
    return {"type": "YourColor", "gameId": game_id, "yourColor": color.value, "version": version}


# -- play ---------------------------------------------------------------------------------------


def move_made(game_id: str, move: Move, turn: int, player_up: Color, version: int,
              captured: Iterable[Point] = (), clocks: Optional[Json] = None,
              reply_to: Optional[str] = None) -> Json:
    return {
        "type": "MoveMade",
        "gameId": game_id,
        "replyTo": reply_to,
        "eventId": event_id(),
        "player": move.color.value,
        "coord": coord(move.point),
        "captured": points_json(captured),
        "turn": turn,
        "playerUp": player_up.value,
        "clocks": clocks,
        "version": version,
    }


def move_rejected(game_id: str, reply_to: Optional[str], player: Optional[str], point: Optional[Point],
                  reason: str, message: str = "") -> Json:
    return {"type": "MoveRejected", "gameId": game_id, "replyTo": reply_to, "eventId": event_id(),
            "player": player, "coord": coord(point), "reason": reason, "message": message}


def scoring_phase(game_id: str, dead: Iterable[tuple[int, int]], accepted: Iterable[str], score: Score,
                  version: int) -> Json:
    return {"type": "ScoringPhase", "gameId": game_id, "eventId": event_id(), "dead": pairs_json(dead),
            "accepted": list(accepted), "score": score_json(score), "version": version}


def game_over(game_id: str, result: str, reason: str, version: int, score: Optional[Score] = None) -> Json:
    payload: Json = {"type": "GameOver", "gameId": game_id, "eventId": event_id(), "result": result,
                     "reason": reason, "version": version}
    if score is not None:
        payload["score"] = score_json(score)
    return payload


# -- absence ------------------------------------------------------------------------------------


def opponent_quit(game_id: str, version: int) -> Json:
    return {"type": "OpponentQuit", "gameId": game_id, "version": version}


def opponent_absent(game_id: str, absent: Color, claimable_by: Color, version: int) -> Json:
    return {"type": "OpponentAbsent", "gameId": game_id, "player": absent.value,
            "claimableBy": claimable_by.value, "version": version}


def opponent_returned(game_id: str, returned: Color, version: int) -> Json:
    return {"type": "OpponentReturned", "gameId": game_id, "player": returned.value, "version": version}


# -- undo ---------------------------------------------------------------------------------------


def undo_requested(game_id: str, player: Color, version: int) -> Json:
    return {"type": "UndoRequested", "gameId": game_id, "player": player.value, "version": version}


def undo_rejected(game_id: str, player: Optional[str], reason: str) -> Json:
    return {"type": "UndoRejected", "gameId": game_id, "player": player, "reason": reason}


def move_undone(game_id: str, moves: list[Move], player_up: Color, clocks: Optional[Json],
                version: int) -> Json:
    return {"type": "MoveUndone", "gameId": game_id, "playerUp": player_up.value, "turn": len(moves) + 1,
            "moves": moves_json(moves), "clocks": clocks, "version": version}


# -- reading ------------------------------------------------------------------------------------


def history_provided(game_id: str, reply_to: Optional[str], moves: list[Move], version: int) -> Json:
    return {"type": "HistoryProvided", "gameId": game_id, "replyTo": reply_to, "eventId": event_id(),
            "moves": moves_json(moves), "version": version}


def sync_reply(game_id: str, reply_to: Optional[str], moves: list[Move], player_up: Color, phase: str,
               version: int) -> Json:
    return {"type": "SyncReply", "gameId": game_id, "replyTo": reply_to, "playerUp": player_up.value,
            "turn": len(moves) + 1, "moves": moves_json(moves), "version": version, "phase": phase}


def reconnected(game_id: str, reply_to: Optional[str], player_up: Color, version: int) -> Json:
    return {"type": "Reconnected", "gameId": game_id, "replyTo": reply_to, "eventId": event_id(),
            "playerUp": player_up.value, "version": version}


# -- after the game: rematch (extension ``rematch``) ---------------------------------------------


def rematch_offered(game_id: str, player: Color, version: int) -> Json:
    return {"type": "RematchOffered", "gameId": game_id, "player": player.value, "version": version}


def rematch_declined(game_id: str, player: Color, version: int) -> Json:
    return {"type": "RematchDeclined", "gameId": game_id, "player": player.value, "version": version}


def rematch_started(game_id: str, new_game_id: str, your_color: Color, version: int) -> Json:
    return {"type": "RematchStarted", "gameId": game_id, "newGameId": new_game_id,
            "yourColor": your_color.value, "version": version}


# -- chat (extension ``chat``) ----------------------------------------------------------------------


def chat_line(line_id: str, channel: str, sender: str, text: str, turn: int, stamp: float) -> Json:
    """One line as kept and as sent: ``sender`` is a colour, or a spectator's pseudonym (never an id)."""
    return {"id": line_id, "channel": channel, "from": sender, "text": text, "turn": turn,
            "at": iso_time(stamp)}


def chat_message(game_id: str, line: Json) -> Json:
    return {"type": "ChatMessage", "gameId": game_id, **line}


def chat_history(game_id: str, lines: list[Json]) -> Json:
    return {"type": "ChatHistory", "gameId": game_id, "lines": lines}


# -- live games (extension ``live``) ----------------------------------------------------------------


def live_entry(game_id: str, board_size: int, move_number: int, phase: str, players: Json,
               bot_strength: Optional[int], clocks: Optional[Json], moved_at: float, rules: str) -> Json:
    """One game in progress as the lobby lists it (kept as is in Redis, by ``app.store``)."""
    return {"gameId": game_id, "boardSize": board_size, "moveNumber": move_number, "phase": phase,
            "players": players, "botStrength": bot_strength, "clocks": clocks, "lastMoveAt": iso_time(moved_at),
            "rules": rules}


def live_games(games: list[Json], now: float) -> Json:
    """``now`` lets a client tell how long ago each last move was, whatever its own clock says."""
    return {"type": "LiveGames", "games": games, "now": iso_time(now)}


def listing_changed(game_id: str, listed: bool, version: int) -> Json:
    return {"type": "ListingChanged", "gameId": game_id, "listed": listed, "version": version}
