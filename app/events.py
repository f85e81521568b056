"""Domain events in their wire form, and who receives them.

An event is the JSON object a client receives (``type`` plus camelCase fields, as in
``docs/protocol.md``). A :class:`Delivery` pairs it with its audience: every connection watching
a game (players and spectators) and/or every connection of given clients. Client ids never appear
in a payload: they are bearer secrets.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass, field
from typing import Any, Iterable, Optional

from app.go import Color, Move, Point

Json = dict[str, Any]


@dataclass(frozen=True)
class Delivery:
    payload: Json
    game: Optional[str] = None
    """Deliver to every connection that watches this game."""
    clients: tuple[str, ...] = field(default=())
    """Deliver to every connection of these clients."""


def event_id() -> str:
    return str(uuid.uuid4())


def coord(point: Optional[Point]) -> Optional[Json]:
    return None if point is None else {"x": point.x, "y": point.y}


def move_json(move: Move, turn: int) -> Json:
    return {"player": move.color.value, "coord": coord(move.point), "turn": turn}


def moves_json(moves: Iterable[Move]) -> list[Json]:
    return [move_json(m, i) for i, m in enumerate(moves, start=1)]


def points_json(points: Iterable[Point]) -> list[Json]:
    return [{"x": p.x, "y": p.y} for p in points]


def iso_time(stamp: float) -> str:
    """``2026-11-25T20:01:02.123Z``: what the original client parses with ``Date.parse``."""
    moment = datetime.datetime.fromtimestamp(stamp, datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def error(code: str, message: str, reply_to: Optional[str] = None) -> Json:
    return {"type": "Error", "code": code, "message": message, "replyTo": reply_to}


def color_name(color: Color) -> str:
    return color.value
