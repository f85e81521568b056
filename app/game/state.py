"""One game's state, its stored form, and the board replayed from its moves."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field, fields
from typing import Optional

from app import choices, go
from app import clock as clocks
from app.dialect import Extension
from app.events import Json
from app.go import Color, Move, Point

PUBLIC = "Public"
PRIVATE = "Private"
BOT = "bot"
"""The seat value of the AI opponent (never a client id: those are UUIDs)."""


class Phase(str, enum.Enum):
    WAITING = "waiting"
    """For an opponent to join."""
    COLORS = "colors"
    """Both players are here; they are choosing colours."""
    PLAYING = "playing"
    SCORING = "scoring"
    """Two passes ended play; players agree on dead stones."""
    OVER = "over"


class ColorPref(str, enum.Enum):
    BLACK = "Black"
    WHITE = "White"
    ANY = "Any"



def encode_move(move: Move) -> str:
    """``Bdp`` (SGF letters: column, row from the top) or ``W`` for a pass: compact in Redis."""
    if move.point is None:
        return move.color.letter
    return move.color.letter + chr(97 + move.point.x) + chr(97 + move.point.y)


def decode_move(text: str) -> Move:
    color = Color.BLACK if text[0] == "B" else Color.WHITE
    if len(text) == 1:
        return Move(color, None)
    return Move(color, Point(ord(text[1]) - 97, ord(text[2]) - 97))


@dataclass
class GameState:
    game_id: str
    board_size: int
    creator: str
    visibility: str = PUBLIC
    rules: str = "chinese"
    komi: float = 7.5
    handicap: int = 0
    invite: Optional[str] = None
    players: list[str] = field(default_factory=list)
    """Client ids (or ``bot``) in the order they joined."""
    black: Optional[str] = None
    white: Optional[str] = None
    bot_strength: Optional[int] = None
    """The AI's strength in stars (``app.choices.Strength``), for a game against it."""
    color_prefs: dict[str, str] = field(default_factory=dict)
    phase: Phase = Phase.WAITING
    moves: list[str] = field(default_factory=list)
    version: int = 0
    dead: list[tuple[int, int]] = field(default_factory=list)
    suggested_dead: list[tuple[int, int]] = field(default_factory=list)
    """The server's (or engine's) suggestion, which the AI accepts and no more of its stones."""
    accepted: list[str] = field(default_factory=list)
    undo_requested_by: Optional[str] = None
    claimable_by: Optional[str] = None
    """The colour that may claim the win because its opponent left."""
    time_control: Json = field(default_factory=lambda: {"kind": "none"})
    clock: Optional[Json] = None
    """The server's clock (``app.clock.ClockState`` as JSON), from the start of play."""
    result: Optional[str] = None
    end_reason: Optional[str] = None
    speaks: dict[str, list[str]] = field(default_factory=dict)
    """The protocol extensions each human player's client declared (``app.dialect``)."""
    public_url: Optional[str] = None
    """Base of the invitation link, as the creator reached us; ``None``: the configured one."""
    created_at: float = 0.0
    updated_at: float = 0.0
    moved_at: float = 0.0
    """When the last move (or pass) was played: what the live games list shows."""
    listed: bool = False
    """A private game its creator lists among the live games (public games always are)."""
    rematch_offered_by: Optional[str] = None
    """The colour that offers a rematch of this finished game."""
    rematch_declined_by: Optional[str] = None
    rematch_game: Optional[str] = None
    """The id of the rematch, once accepted."""

    # -- persistence ---------------------------------------------------------------------------
    def to_json(self) -> Json:
        # A shallow view, serialised at once: dataclasses.asdict deep-copies every list and was
        # the largest single cost of a move task (profiled).
        data = {f.name: getattr(self, f.name) for f in _FIELDS}
        data["phase"] = self.phase.value
        return data

    @classmethod
    def from_json(cls, data: Json) -> GameState:
        data = dict(data)
        data["phase"] = Phase(data["phase"])
        data["dead"] = [tuple(p) for p in data.get("dead", [])]
        data["suggested_dead"] = [tuple(p) for p in data.get("suggested_dead", [])]
        if "bot_level" in data:
            strength = choices.strength_of_stored(None, data.pop("bot_level"))
            data["bot_strength"] = None if strength is None else int(strength)
        return cls(**data)

    # -- derived -------------------------------------------------------------------------------
    def rule_set(self) -> go.RuleSet:
        return go.preset(self.rules).with_komi(self.komi)

    def board(self) -> go.Game:
        """The position, rebuilt from moves that were judged when they were made."""
        return _replay(self)

    def seat_of(self, client_id: str) -> Optional[Color]:
        if self.black == client_id:
            return Color.BLACK
        if self.white == client_id:
            return Color.WHITE
        return None

    def seated(self, color: Color) -> Optional[str]:
        return self.black if color is Color.BLACK else self.white

    def opponent_of(self, client_id: str) -> Optional[str]:
        others = [p for p in self.players if p != client_id]
        return others[0] if others else None

    def human_players(self) -> tuple[str, ...]:
        return tuple(p for p in self.players if p != BOT)

    def speaks_extension(self, client_id: str, extension: Extension) -> bool:
        return extension.value in self.speaks.get(client_id, ())

    def implied_acceptances(self, board: go.Board) -> list[str]:
        """The colours taken to accept the count without saying so: players whose client does
        not speak the scoring extension (they never send AcceptScore), and the AI, unless its
        opponent marked dead some of its stones that the suggestion did not."""
        marked_beyond = set(self.dead) - set(self.suggested_dead)
        accepting = []
        for color in Color:
            seated = self.seated(color)
            if seated is None:
                continue
            if seated == BOT:
                own_marked = any(board[Point(x, y)] is color for x, y in marked_beyond)
                if not own_marked:
                    accepting.append(color.value)
            elif not self.speaks_extension(seated, Extension.SCORING):
                accepting.append(color.value)
        return accepting

    @property
    def has_bot(self) -> bool:
        return BOT in self.players

    def control(self) -> clocks.TimeControl:
        return clocks.TimeControl.from_json(self.time_control)

    @property
    def has_clock(self) -> bool:
        return self.clock is not None and self.time_control.get("kind", "none") != "none"

    def clock_state(self) -> Optional[clocks.ClockState]:
        """The running clock; ``None`` in untimed games (which then skip all clock work)."""
        return clocks.ClockState.from_json(self.clock) if self.has_clock else None

    def clocks_json(self, now: float) -> Optional[Json]:
        state = self.clock_state()
        return None if state is None else clocks.wire(self.control(), state, now)

    def first_to_move(self) -> Color:
        return Color.WHITE if self.handicap else Color.BLACK

    @property
    def turn(self) -> int:
        """The 1-based number of the next move, as the protocol counts."""
        return len(self.moves) + 1


_FIELDS = fields(GameState)

# A replayed board per game, reused while its moves are a prefix of the state's: in a game in
# progress each task then replays one move instead of the whole game.
_BOARDS: dict[str, tuple[tuple[object, ...], tuple[str, ...], go.Game]] = {}
_BOARD_CACHE_LIMIT = 512


def _replay(state: GameState) -> go.Game:
    cached = _BOARDS.get(state.game_id)
    if cached is not None:
        setup, moves, board = cached
        n = len(moves)
        # The setup must match too: joining can change a waiting game's rules (to ``original``).
        if setup == _setup(state) and n <= len(state.moves) and tuple(state.moves[:n]) == moves:
            game = board.copy()
            _push_all(game, state.moves[n:])
            _remember(state, game)
            return game.copy()
    game = go.Game(state.board_size, state.rule_set(), state.handicap)
    _push_all(game, state.moves)
    _remember(state, game)
    return game.copy()


def _push_all(game: go.Game, encoded: list[str]) -> None:
    for text in encoded:
        if game.passes_ended_play:
            game.resume()
        game.push(decode_move(text))


def _remember(state: GameState, game: go.Game) -> None:
    if len(_BOARDS) >= _BOARD_CACHE_LIMIT:
        _BOARDS.pop(next(iter(_BOARDS)))
    _BOARDS[state.game_id] = (_setup(state), tuple(state.moves), game)


def _setup(state: GameState) -> tuple[object, ...]:
    return (state.board_size, state.rule_set(), state.handicap)


