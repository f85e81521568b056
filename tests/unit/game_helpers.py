"""Shared helpers for the pure tests of the game aggregate (``app.game``): seating players, playing
moves written the way Go books write them, setting up a position from a diagram, and reading what
a decision delivered to whom. No Redis, no Celery, no network.

Moves are written ``"B c3"`` / ``"W pass"``: columns ``a``, ``b``, ``c``... from the left (no
``i``), rows counted from 1 at the bottom, as Go books and GTP label a board. Diagrams are drawn
row 0 (the protocol's ``y == 0``) at the top: ``X`` black, ``O`` white, ``.`` empty, ``*`` the
point the test plays next.
"""

from __future__ import annotations

import itertools
import json
from typing import Any, Iterable, Optional, Sequence, Union

from app import dialect, game
from app.choices import Strength
from app.clock import TimeControl
from app.dialect import Extension
from app.events import Delivery, Json
from app.game import ColorPref, Decision, GameState, Phase
from app.go import Color, Point

from ..diagrams import normal, parse

B, W = Color.BLACK, Color.WHITE
OURS = dialect.ALL
ORIGINAL = dialect.ORIGINAL

# Client ids are bearer secrets shaped like UUIDs: no payload may ever contain one.
ALICE = "a11ce000-5f1c-4e2b-9d3a-7c9e66790001"
BOB = "b0b00000-8e21-4c19-a6f1-2e6a9f0c0002"
CAROL = "ca401000-3b7d-4f0a-8c55-5a8c0d6f0003"
"""A stranger: a spectator, or anyone not in the game."""
CLIENT_IDS = (ALICE, BOB, CAROL)

T0 = 1000.0
"""The instant the tests' games are created and their colours chosen."""

_game_ids = itertools.count(1)


def fresh_id() -> str:
    """Every test game gets its own id: ``app.game`` keeps a replayed board per game id."""
    return f"game-{next(_game_ids)}"


def heads() -> bool:
    return True


def tails() -> bool:
    return False


def untossed() -> bool:
    raise AssertionError("the coin was tossed although the preferences were compatible")


# -- games ---------------------------------------------------------------------------------------


def waiting(creator: str = ALICE, size: int = 9, speaks: Iterable[Extension] = OURS, now: float = T0,
            **settings: Any) -> GameState:
    """A new game waiting for its second player."""
    return game.new_game(fresh_id(), creator, board_size=size, speaks=speaks, now=now, **settings)


def seated(black: str = ALICE, white: str = BOB, size: int = 9,
           speaks: tuple[Iterable[Extension], Iterable[Extension]] = (OURS, OURS), now: float = T0,
           **settings: Any) -> GameState:
    """Black created the game and White joined; both chose their colour at ``now``: play began."""
    state = waiting(black, size, speaks[0], now, **settings)
    state = settled(game.join(state, white, speaks[1], now=now))
    state = settled(game.choose_color(state, black, ColorPref.BLACK, now=now))
    state = settled(game.choose_color(state, white, ColorPref.WHITE, now=now))
    assert state.phase is Phase.PLAYING and (state.black, state.white) == (black, white)
    return state


def against_ai(bot: Color = W, strength: Strength = Strength.TWO_STARS, human: str = ALICE, size: int = 9,
               now: float = T0, **settings: Any) -> GameState:
    """Alice plays the AI, which sits at ``bot``."""
    return settled(game.attach_bot(waiting(human, size, OURS, now, **settings), bot, strength, now=now))


def settled(decision: Decision) -> GameState:
    """The state a decision saves (a command that changed something)."""
    assert decision.state is not None
    return decision.state


# -- moves ---------------------------------------------------------------------------------------

COLUMNS = "abcdefghjklmnopqrstuvwxyz"


def at(vertex: str, size: int = 9) -> Point:
    """``"c3"`` on a ``size`` board: column c, third row from the bottom."""
    return Point(COLUMNS.index(vertex[0].lower()), size - int(vertex[1:]))


def spelled(spec: str, size: int) -> tuple[Color, Optional[Point]]:
    letter, where = spec.split()
    color = {"B": B, "W": W}[letter]
    return color, (None if where == "pass" else at(where, size))


def move(state: GameState, spec: str, now: Optional[float] = None, req_id: Optional[str] = None,
         by: Optional[str] = None) -> Decision:
    """One ``"B c3"`` sent by the player seated at that colour (or ``by``), claiming that colour."""
    color, point = spelled(spec, state.board_size)
    client = by if by is not None else state.seated(color)
    assert client is not None
    return game.make_move(state, client, req_id, color, point, now=now)


def play(state: GameState, *specs: str, now: Optional[float] = None) -> GameState:
    """Each move made (a move refused, or lost on time, fails the test)."""
    for spec in specs:
        decision = move(state, spec, now=now)
        assert [d.payload["type"] for d in decision.deliveries][:1] == ["MoveMade"], f"{spec}: {sent(decision)}"
        state = settled(decision)
    return state


def position(diagram: str, to_move: Color = B, **seating: Any) -> tuple[GameState, Optional[Point]]:
    """A game between Alice (Black) and Bob (White) whose board is ``diagram``, reached by real
    moves (alternating; a side out of stones passes), with ``to_move`` to play; also the point
    marked ``*``. Placing the stones of a legal position in any order captures nothing."""
    board, target = parse(diagram)
    state = seated(size=board.size, **seating)
    blacks, whites = board.stones(B), board.stones(W)
    steps: list[tuple[Color, Optional[Point]]] = []
    for i in range(max(len(blacks), len(whites))):
        steps.append((B, blacks[i] if i < len(blacks) else None))
        steps.append((W, whites[i] if i < len(whites) else None))
    while steps and steps[-1][1] is None:
        steps.pop()
    next_up = W if steps and steps[-1][0] is B else B
    if next_up is not to_move:
        steps.append((next_up, None))
    for color, point in steps:
        client = state.seated(color)
        assert client is not None
        state = settled(game.make_move(state, client, None, color, point, now=T0))
    assert board_of(state) == normal(diagram)
    return state, target


def board_of(state: GameState) -> str:
    """The position drawn as a diagram (compare with ``normal(expected)``)."""
    return str(state.board().board)


def stored(state: GameState) -> str:
    """The state as it would be saved, to check that a refusal changed nothing."""
    return json.dumps(state.to_json(), sort_keys=True)


# -- deliveries ----------------------------------------------------------------------------------

GAME = "game"
"""The audience of a delivery to every connection watching the game."""


def sent(decision: Union[Decision, Sequence[Delivery]]) -> list[tuple[str, Union[str, tuple[str, ...]]]]:
    """Each delivery as ``(event type, audience)``: :data:`GAME`, or the tuple of clients. Checks
    on the way that a game delivery names the decision's game and that no payload names a client."""
    deliveries = decision.deliveries if isinstance(decision, Decision) else decision
    out: list[tuple[str, Union[str, tuple[str, ...]]]] = []
    for delivery in deliveries:
        assert_no_client_ids(delivery.payload)
        assert (delivery.game is None) != (not delivery.clients), f"one audience per delivery: {delivery}"
        if delivery.game is not None:
            assert delivery.game == delivery.payload["gameId"]
            out.append((delivery.payload["type"], GAME))
        else:
            out.append((delivery.payload["type"], delivery.clients))
    return out


def assert_no_client_ids(payload: Json) -> None:
    text = json.dumps(payload)
    for client in CLIENT_IDS:
        assert client not in text, f"a client id in {payload}"


def versions(decision: Decision) -> list[int]:
    """The ``version`` of each delivered payload that carries one."""
    return [d.payload["version"] for d in decision.deliveries if "version" in d.payload]


def bare(payload: Json) -> Json:
    """A payload without its random ``eventId``, to compare whole."""
    return {k: v for k, v in payload.items() if k != "eventId"}


def payload_of(decision: Decision, kind: str) -> Json:
    found = [d.payload for d in decision.deliveries if d.payload["type"] == kind]
    assert len(found) == 1, f"{len(found)} {kind} in {sent(decision)}"
    return found[0]


def coords(*points: Point) -> list[Json]:
    return [{"x": p.x, "y": p.y} for p in points]


def fischer(main_s: float = 60, increment_s: float = 5) -> TimeControl:
    return TimeControl.fischer(main_s, increment_s)


def byoyomi(main_s: float = 10, periods: int = 3, period_s: float = 5) -> TimeControl:
    return TimeControl.byoyomi(main_s, periods, period_s)
