"""The game aggregate: seats, settings, moves, phase and version of one game. Pure.

Every command is a function ``(state, ...) -> Decision``: the new state to save (or ``None`` when
nothing changes) and the events to deliver. Tasks load the state, call one of these, and save the
decision atomically; nothing here touches Redis, Celery or Flask.

Each change of state increments ``version`` once, and every event it causes carries that version,
so a client can tell what it missed.
"""

from __future__ import annotations

import enum
import secrets
import time
from dataclasses import dataclass, field, fields, replace
from typing import Callable, Iterable, Optional

from app import clock as clocks
from app import choices, dialect, go
from app.dialect import Extension
from app.events import Delivery, Json, coord, event_id, moves_json, points_json
from app.go import Color, IllegalMoveError, Move, Point
from app.go.life import suggest_dead

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


class Rejected(Exception):
    """A command that cannot be applied: the client gets an Error with ``reason`` (and
    ``reply`` after it, if any) and nothing changes."""

    def __init__(self, reason: str, reply: Optional[Delivery] = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.reply = reply


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
_BOARDS: dict[str, tuple[tuple[str, ...], go.Game]] = {}
_BOARD_CACHE_LIMIT = 512


def _replay(state: GameState) -> go.Game:
    cached = _BOARDS.get(state.game_id)
    if cached is not None:
        moves, board = cached
        n = len(moves)
        if n <= len(state.moves) and tuple(state.moves[:n]) == moves and board.size == state.board_size:
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
    _BOARDS[state.game_id] = (tuple(state.moves), game)


@dataclass
class Decision:
    state: Optional[GameState]
    """The state to save, or ``None`` when nothing changes."""
    deliveries: list[Delivery] = field(default_factory=list)


Coin = Callable[[], bool]


def fair_coin() -> bool:
    """``True`` for heads; from ``secrets``, unlike the original whose coin always fell one way."""
    return secrets.randbelow(2) == 1


# -- lobby ------------------------------------------------------------------------------------


def new_game(
    game_id: str,
    creator: str,
    board_size: int = 19,
    visibility: str = PUBLIC,
    invite: Optional[str] = None,
    rules: str = "chinese",
    komi: Optional[float] = None,
    handicap: int = 0,
    now: Optional[float] = None,
    time_control: Optional[clocks.TimeControl] = None,
    speaks: Iterable[Extension] = frozenset(Extension),
    public_url: Optional[str] = None,
) -> GameState:
    """A game waiting for its second player, created by a client that speaks ``speaks``.
    Raises ``go.InvalidSetupError`` (or ``clock.InvalidTimeControl``) for bad settings."""
    if rules not in choices.RULE_PRESETS:
        raise go.InvalidSetupError(f"unknown rule preset {rules!r}; choose one of {', '.join(choices.RULE_PRESETS)}")
    speaks = frozenset(speaks)
    rule_set = go.preset(rules)
    if komi is None and Extension.REJECTIONS not in speaks:
        komi = go.ORIGINAL.komi  # an original creator plays the original's rules and komi
    if komi is not None:
        rule_set = rule_set.with_komi(komi)
    go.Game(board_size, rule_set, handicap)  # validates size, handicap and komi
    stamp = time.time() if now is None else now
    state = GameState(
        game_id=game_id,
        board_size=board_size,
        creator=creator,
        visibility=visibility,
        rules=rule_set.name,
        komi=rule_set.komi,
        handicap=handicap,
        invite=invite,
        players=[creator],
        time_control=(time_control or clocks.TimeControl.none()).to_json(),
        speaks={creator: dialect.names(speaks)},
        public_url=public_url,
        created_at=stamp,
        updated_at=stamp,
    )
    _fit_rules_to_players(state)
    return state


def _fit_rules_to_players(state: GameState) -> None:
    """A game with a seated client that cannot hear a refusal is played under the ``original``
    rules (every move on an empty point stands), keeping its komi: otherwise that client, which
    lets its player insist on a ko retake or a suicide, would wait forever for its move."""
    if state.rules == go.ORIGINAL.name:
        return
    if any(not state.speaks_extension(p, Extension.REJECTIONS) for p in state.human_players()):
        state.rules = go.ORIGINAL.name


def _start_clock(new: GameState, now: float) -> None:
    if new.time_control.get("kind", "none") != "none":
        new.clock = clocks.start(new.control(), new.first_to_move().value, now).to_json()


def _changed(state: GameState, now: Optional[float] = None) -> GameState:
    new = replace(
        state,
        players=list(state.players),
        color_prefs=dict(state.color_prefs),
        speaks=dict(state.speaks),
        moves=list(state.moves),
        dead=list(state.dead),
        suggested_dead=list(state.suggested_dead),
        accepted=list(state.accepted),
        version=state.version + 1,
        updated_at=time.time() if now is None else now,
    )
    return new


def waiting_event(state: GameState, link: Optional[str]) -> Delivery:
    return Delivery(
        {
            "type": "WaitForOpponent",
            "gameId": state.game_id,
            "eventId": event_id(),
            "visibility": state.visibility,
            "link": link,
            "version": state.version,
        },
        clients=(state.creator,),
    )


def join(state: GameState, client_id: str, speaks: Iterable[Extension] = frozenset(Extension),
         now: Optional[float] = None) -> Decision:
    """The second player arrives: both get GameReady, and choose colours (the creator may have
    already: its choice was kept)."""
    if state.phase is not Phase.WAITING:
        raise Rejected("game_started")
    if client_id in state.players:
        raise Rejected("same_client")
    new = _changed(state, now)
    new.players.append(client_id)
    new.speaks[client_id] = dialect.names(speaks)
    _fit_rules_to_players(new)
    new.phase = Phase.COLORS
    return Decision(new, [ready_event(new, new.human_players())])


def come_back(state: GameState, client_id: str, speaks: Iterable[Extension] = frozenset(Extension)) -> Decision:
    """A player opens its game's invitation link again (a reload: the link is still in the
    address bar). Before the first move it is simply back: GameReady again, then its colour.
    A client that keeps its games (``resume``) always is. An original client cannot resume a
    game under way (it starts from an empty board and its sync follows one move at most), so it
    leaves it, as it would by starting a new game, and is told the link is used up."""
    if client_id not in state.players:
        raise Rejected("not_a_player")
    if state.phase is Phase.OVER:
        raise Rejected("game_over")
    if state.phase is Phase.COLORS or not state.moves or Extension.RESUME in frozenset(speaks):
        return Decision(None, [ready_event(state, (client_id,))])
    left = quit_game(state, client_id)
    rejected = Delivery({"type": "PrivateGameRejected", "gameId": state.invite, "eventId": event_id()},
                        clients=(client_id,))
    return Decision(left.state, [rejected, *left.deliveries])


def ready_event(state: GameState, clients: tuple[str, ...]) -> Delivery:
    ready = {
        "type": "GameReady",
        "gameId": state.game_id,
        "eventId": event_id(),
        "boardSize": state.board_size,
        "version": state.version,
    }
    return Delivery(ready, clients=clients)


def attach_bot(state: GameState, bot_color: Color, strength: choices.Strength,
               now: Optional[float] = None) -> Decision:
    """Seat the AI opponent against the creator; play starts at once."""
    if state.phase is not Phase.WAITING:
        raise Rejected("game_started")
    new = _changed(state, now)
    _start_clock(new, new.updated_at)
    new.players.append(BOT)
    new.bot_strength = int(strength)
    if bot_color is Color.WHITE:
        new.black, new.white = state.creator, BOT
    else:
        new.black, new.white = BOT, state.creator
    new.phase = Phase.PLAYING
    deliveries = [
        Delivery(
            {"type": "BotAttached", "gameId": new.game_id, "player": bot_color.value,
             "boardSize": new.board_size, "version": new.version},
            clients=(state.creator,),
        ),
        your_color(new, state.creator, bot_color.opponent),
    ]
    return Decision(new, deliveries)


def your_color(state: GameState, client_id: str, color: Color) -> Delivery:
    return Delivery({"type": "YourColor", "gameId": state.game_id, "yourColor": color.value,
                     "version": state.version}, clients=(client_id,))


def choose_color(state: GameState, client_id: str, pref: ColorPref, coin: Coin = fair_coin,
                 now: Optional[float] = None) -> Decision:
    """Record a preference; when both players have one, seat them and tell each their colour.

    A preference may come before the opponent arrives (the original client sends its choice
    once, right after creating or seeking a game): it is kept until the game is ready.
    Compatible preferences are honoured; equal ones, or both ``Any``, are settled by the coin.
    """
    if client_id not in state.players:
        raise Rejected("not_a_player")
    seat = state.seat_of(client_id)
    if seat is not None:
        # Asked again by a seated player (a page that came back to its game): its colour again.
        return Decision(None, [your_color(state, client_id, seat)])
    if state.phase not in (Phase.WAITING, Phase.COLORS):
        raise Rejected("colors_already_chosen")
    new = _changed(state, now)
    new.color_prefs[client_id] = pref.value
    if new.phase is Phase.WAITING or len(new.color_prefs) < 2:
        return Decision(new)
    return Decision(new, _seat_by_preference(new, coin))


def colours_by_coin(state: GameState, coin: Coin = fair_coin, now: Optional[float] = None) -> Decision:
    """Players who did not choose a colour in time are taken to want ``Any``: the game starts
    (a public opponent who never chooses must not hold the other in the lobby for a day)."""
    if state.phase is not Phase.COLORS:
        raise Rejected("colors_already_chosen")
    new = _changed(state, now)
    for player in new.players:
        new.color_prefs.setdefault(player, ColorPref.ANY.value)
    return Decision(new, _seat_by_preference(new, coin))


def _seat_by_preference(new: GameState, coin: Coin) -> list[Delivery]:
    """Seat both players by their preferences, start play, and tell each their colour."""
    first, second = new.players[0], new.players[1]
    a, b = ColorPref(new.color_prefs[first]), ColorPref(new.color_prefs[second])
    if a is ColorPref.BLACK and b is not ColorPref.BLACK or a is ColorPref.ANY and b is ColorPref.WHITE:
        first_is_black = True
    elif a is ColorPref.WHITE and b is not ColorPref.WHITE or a is ColorPref.ANY and b is ColorPref.BLACK:
        first_is_black = False
    else:
        first_is_black = coin()
    new.black, new.white = (first, second) if first_is_black else (second, first)
    new.phase = Phase.PLAYING
    _start_clock(new, new.updated_at)
    return [your_color(new, client, color)
            for client, color in ((new.black, Color.BLACK), (new.white, Color.WHITE)) if client is not None]


# -- play -------------------------------------------------------------------------------------


def move_rejected(state: GameState, client_id: str, req_id: Optional[str], player: Optional[str],
                  point: Optional[Point], reason: str, message: str = "") -> Delivery:
    return Delivery(
        {
            "type": "MoveRejected",
            "gameId": state.game_id,
            "replyTo": req_id,
            "eventId": event_id(),
            "player": player,
            "coord": coord(point),
            "reason": reason,
            "message": message,
        },
        clients=(client_id,),
    )


def make_move(
    state: GameState,
    client_id: str,
    req_id: Optional[str],
    claimed: Optional[Color],
    point: Optional[Point],
    now: Optional[float] = None,
    lag_allowance_s: float = 0.0,
) -> Decision:
    """Judge a move (``point`` ``None`` is a pass) by the seat of ``client_id``, arrived at ``now``.

    The ``claimed`` colour from the client is only checked, never trusted. With a clock, the
    mover is charged from the previous move to ``now``, less ``lag_allowance_s``; a move that
    arrives after its flag fell is refused and the game is lost on time.
    """
    seat = state.seat_of(client_id)
    claimed_name = claimed.value if claimed else None

    def reject(reason: str, message: str = "") -> Decision:
        return Decision(None, [move_rejected(state, client_id, req_id, claimed_name, point, reason, message)])

    if seat is None:
        reason = "not_a_player" if client_id not in state.players else "not_started"
        return reject(reason, "you are not seated in this game")
    if claimed is not None and claimed is not seat:
        return reject("not_a_player", f"you play {seat.value}, not {claimed.value}")
    if state.phase is Phase.OVER:
        return reject("game_over", f"the game ended {state.result}")
    if state.phase not in (Phase.PLAYING, Phase.SCORING):
        return reject("not_started", "colours are not chosen yet")
    board = state.board()
    resumed = state.phase is Phase.SCORING
    new = _changed(state, now)
    arrived = new.updated_at
    clock = state.clock_state()
    deliveries: list[Delivery] = []
    if resumed:
        board.resume()
        new.phase = Phase.PLAYING
        new.dead, new.accepted = [], []
        if clock is not None:
            clock = clocks.resume(clock, arrived, to_move=seat.value)
        if board.to_move is not seat:
            # Resuming out of turn: the other side's turn is taken as a pass, as in the record.
            implied_pass = Move(board.to_move, None)
            board.play(implied_pass)
            new.moves.append(encode_move(implied_pass))
            deliveries.append(Delivery({
                "type": "MoveMade", "gameId": new.game_id, "replyTo": None, "eventId": event_id(),
                "player": implied_pass.color.value, "coord": None, "captured": [],
                "turn": len(new.moves), "playerUp": seat.value, "version": new.version,
            }, game=new.game_id))
    move = Move(seat, point)
    try:
        captured = board.play(move)
    except IllegalMoveError as illegal:
        return reject(illegal.reason, str(illegal))
    if clock is not None:
        clock = clocks.charge(state.control(), clock, seat.value, arrived, lag_allowance_s)
        new.clock = clock.to_json()
        if clock.flagged:
            late = move_rejected(state, client_id, req_id, claimed_name, point, "game_over",
                                 f"{seat.value}'s time ran out before this move arrived")
            lost = _finish(new, f"{seat.opponent.letter}+T", "timeout")
            return Decision(lost.state, [late, *lost.deliveries])
    new.moves.append(encode_move(move))
    new.undo_requested_by = None
    made = {
        "type": "MoveMade",
        "gameId": new.game_id,
        "replyTo": req_id,
        "eventId": event_id(),
        "player": seat.value,
        "coord": coord(point),
        "captured": points_json(captured),
        "turn": len(new.moves),
        "playerUp": board.to_move.value,
        "clocks": new.clocks_json(arrived),
        "version": new.version,
    }
    deliveries.append(Delivery(made, game=new.game_id))
    if board.passes_ended_play:
        new.phase = Phase.SCORING
        if clock is not None:
            new.clock = clocks.stop(clock).to_json()
        new.dead = sorted(tuple(p) for p in suggest_dead(board.board))  # type: ignore[misc]
        new.suggested_dead = list(new.dead)
        new.accepted = new.implied_acceptances(board.board)
        if len(new.accepted) == 2:
            # Nobody here takes part in the count (original clients, the AI): the server's
            # count is the result, so the game ends and its record gets one.
            over = _finish_by_count(new, board)
            return Decision(over.state, [*deliveries, *over.deliveries])
        deliveries.append(scoring_event(new, board))
    return Decision(new, deliveries)


def time_out(state: GameState, now: float, lag_allowance_s: float = 0.0) -> Decision:
    """The running side's flag fell with no move: the game is lost on time."""
    clock = state.clock_state()
    if state.phase is not Phase.PLAYING or clock is None:
        raise Rejected("no_clock_running")
    fallen = clocks.flag_if_fallen(state.control(), clock, now, lag_allowance_s)
    if not fallen.flagged:
        raise Rejected("flag_not_fallen")
    new = _changed(state, now)
    new.clock = fallen.to_json()
    loser = Color(fallen.flagged)
    return _finish(new, f"{loser.opponent.letter}+T", "timeout")


def flag_deadline(state: GameState, lag_allowance_s: float = 0.0) -> Optional[float]:
    clock = state.clock_state()
    if state.phase is not Phase.PLAYING or clock is None:
        return None
    return clocks.flag_deadline(state.control(), clock, lag_allowance_s)


def scoring_event(state: GameState, board: go.Game) -> Delivery:
    score = board.score(Point(*p) for p in state.dead)
    return Delivery(
        {
            "type": "ScoringPhase",
            "gameId": state.game_id,
            "eventId": event_id(),
            "dead": [{"x": x, "y": y} for x, y in state.dead],
            "accepted": list(state.accepted),
            "score": score_json(score),
            "version": state.version,
        },
        game=state.game_id,
    )


def score_json(score: go.Score) -> Json:
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


def _seated_player(state: GameState, client_id: str) -> Color:
    seat = state.seat_of(client_id)
    if seat is None:
        raise Rejected("not_a_player")
    return seat


def toggle_dead(state: GameState, client_id: str, point: Point) -> Decision:
    """Mark or unmark the whole group at ``point`` as dead; any acceptance is withdrawn."""
    _seated_player(state, client_id)
    if state.phase is not Phase.SCORING:
        raise Rejected("not_scoring")
    board = state.board()
    if not point.on_board(state.board_size) or board.board[point] is None:
        raise Rejected("not_a_stone")
    group = {(p.x, p.y) for p in map(board.board.point, board.board.group(board.board.index(point)))}
    new = _changed(state)
    dead = set(new.dead)
    dead = dead - group if group <= dead else dead | group
    new.dead = sorted(dead)
    new.accepted = new.implied_acceptances(board.board)
    return Decision(new, [scoring_event(new, board)])


def accept_score(state: GameState, client_id: str, seen_version: Optional[int] = None) -> Decision:
    """Agree to the count the player saw (``seen_version``, when its client says: a marking
    changed since is not what it agreed to); when both players have, the game is over."""
    seat = _seated_player(state, client_id)
    if state.phase is not Phase.SCORING:
        raise Rejected("not_scoring")
    if seen_version is not None and seen_version != state.version:
        current = scoring_event(state, state.board())
        raise Rejected("stale_count", Delivery(current.payload, clients=(client_id,)))
    new = _changed(state)
    board = state.board()
    for color in (seat.value, *new.implied_acceptances(board.board)):
        if color not in new.accepted:
            new.accepted.append(color)
    if len(new.accepted) < 2:
        return Decision(new, [scoring_event(new, board)])
    return _finish_by_count(new, board)


def _finish_by_count(new: GameState, board: go.Game) -> Decision:
    score = board.score(Point(*p) for p in new.dead)
    return _finish(new, score.result, "score", extra={"score": score_json(score)})


def _finish(new: GameState, result: str, reason: str, extra: Optional[Json] = None) -> Decision:
    new.phase = Phase.OVER
    new.result, new.end_reason = result, reason
    new.undo_requested_by = None
    new.claimable_by = None
    payload = {
        "type": "GameOver",
        "gameId": new.game_id,
        "eventId": event_id(),
        "result": result,
        "reason": reason,
        "version": new.version,
        **(extra or {}),
    }
    return Decision(new, [Delivery(payload, game=new.game_id)])


def resign(state: GameState, client_id: str) -> Decision:
    seat = _seated_player(state, client_id)
    if state.phase not in (Phase.PLAYING, Phase.SCORING):
        raise Rejected("game_over" if state.phase is Phase.OVER else "not_started")
    new = _changed(state)
    return _finish(new, f"{seat.opponent.letter}+R", "resignation")


def quit_game(state: GameState, client_id: str) -> Decision:
    """The player leaves. A waiting game is cancelled; a game under way is forfeited."""
    if client_id not in state.players:
        raise Rejected("not_a_player")
    if state.phase is Phase.OVER:
        raise Rejected("game_over")
    new = _changed(state)
    opponent = state.opponent_of(client_id)
    deliveries = []
    if opponent is not None and opponent != BOT:
        deliveries.append(Delivery({"type": "OpponentQuit", "gameId": state.game_id, "version": new.version},
                                   clients=(opponent,)))
    if state.phase is Phase.WAITING or (state.phase is Phase.COLORS):
        decision = _finish(new, "Void", "cancelled")
    else:
        seat = state.seat_of(client_id)
        winner = seat.opponent if seat else Color.BLACK
        decision = _finish(new, f"{winner.letter}+F", "quit")
    decision.deliveries[:0] = deliveries
    return decision


# -- absence ----------------------------------------------------------------------------------


def moves_by(state: GameState, color: Color) -> int:
    return sum(1 for m in state.moves if m[0] == color.letter)


def cancel_wait(state: GameState) -> Decision:
    """A waiting game whose creator went away."""
    if state.phase is not Phase.WAITING:
        raise Rejected("game_started")
    return _finish(_changed(state), "Void", "abandoned")


def player_absent(state: GameState, absent: Color) -> Decision:
    """``absent`` has been gone too long: a game barely begun is annulled; otherwise the
    opponent is told and may claim the win (a player who comes back first just continues)."""
    if state.phase not in (Phase.PLAYING, Phase.SCORING):
        raise Rejected("not_playing")
    present = state.seated(absent.opponent)
    # A present player who cannot hear OpponentAbsent (an original client) is told the only way
    # it understands that its game is over: OpponentQuit.
    tell_quit = (present is not None and present != BOT
                 and not state.speaks_extension(present, Extension.ABSENCE))
    told = [Delivery({"type": "OpponentQuit", "gameId": state.game_id, "version": state.version + 1},
                     clients=(present,))] if tell_quit and present is not None else []
    if moves_by(state, Color.BLACK) < 2 or moves_by(state, Color.WHITE) < 2:
        annulled = _finish(_changed(state), "Void", "abandoned")
        return Decision(annulled.state, [*told, *annulled.deliveries])
    claimant = absent.opponent.value
    if tell_quit:
        won = _finish(_changed(state), f"{absent.opponent.letter}+F", "abandoned")
        return Decision(won.state, [*told, *won.deliveries])
    if state.claimable_by == claimant:
        raise Rejected("already_claimable")
    new = _changed(state)
    new.claimable_by = claimant
    payload = {"type": "OpponentAbsent", "gameId": new.game_id, "player": absent.value,
               "claimableBy": claimant, "version": new.version}
    return Decision(new, [Delivery(payload, game=new.game_id)])


def player_returned(state: GameState) -> Decision:
    if state.claimable_by is None:
        raise Rejected("nobody_absent")
    new = _changed(state)
    returned = Color(state.claimable_by).opponent.value
    new.claimable_by = None
    payload = {"type": "OpponentReturned", "gameId": new.game_id, "player": returned, "version": new.version}
    return Decision(new, [Delivery(payload, game=new.game_id)])


def claim_win(state: GameState, client_id: str) -> Decision:
    seat = _seated_player(state, client_id)
    if state.phase not in (Phase.PLAYING, Phase.SCORING) or state.claimable_by != seat.value:
        raise Rejected("nothing_to_claim")
    return _finish(_changed(state), f"{seat.letter}+F", "abandoned")


# -- undo -------------------------------------------------------------------------------------


def _moves_view(state: GameState) -> list[Move]:
    return [decode_move(m) for m in state.moves]


def _undone(new: GameState, count: int) -> Decision:
    del new.moves[len(new.moves) - count :]
    new.undo_requested_by = None
    board = new.board()
    clock = new.clock_state()
    if clock is not None and not clock.flagged:
        # The clock now runs for whoever is to move after the take-back.
        new.clock = clocks.resume(clocks.stop(clock), new.updated_at, to_move=board.to_move.value).to_json()
    payload = {
        "type": "MoveUndone",
        "gameId": new.game_id,
        "playerUp": board.to_move.value,
        "turn": new.turn,
        "moves": moves_json(board.moves),
        "clocks": new.clocks_json(new.updated_at),
        "version": new.version,
    }
    return Decision(new, [Delivery(payload, game=new.game_id)])


def undo_rejected(state: GameState, client_id: str, player: Optional[str], reason: str) -> Delivery:
    return Delivery(
        {"type": "UndoRejected", "gameId": state.game_id, "player": player, "reason": reason},
        clients=(client_id,),
    )


def request_undo(state: GameState, client_id: str) -> Decision:
    """Against the AI: take back its reply and the player's move at once. Between humans: ask."""
    seat = state.seat_of(client_id)
    if seat is None:
        return Decision(None, [undo_rejected(state, client_id, None, "not_a_player")])
    if state.phase is not Phase.PLAYING:
        return Decision(None, [undo_rejected(state, client_id, seat.value, "not_playing")])
    moves = _moves_view(state)
    own = [i for i, m in enumerate(moves) if m.color is seat]
    if not own:
        return Decision(None, [undo_rejected(state, client_id, seat.value, "nothing_to_undo")])
    if state.has_bot:
        if len(moves) >= 2 and moves[-1].color is not seat and moves[-2].color is seat:
            return _undone(_changed(state), 2)
        return Decision(None, [undo_rejected(state, client_id, seat.value, "bot_to_move")])
    if state.undo_requested_by is not None:
        return Decision(None, [undo_rejected(state, client_id, seat.value, "undo_pending")])
    new = _changed(state)
    new.undo_requested_by = seat.value
    payload = {"type": "UndoRequested", "gameId": state.game_id, "player": seat.value, "version": new.version}
    return Decision(new, [Delivery(payload, game=state.game_id)])


def answer_undo(state: GameState, client_id: str, accept: bool) -> Decision:
    """The opponent of the requester accepts (moves are taken back to the requester's turn)
    or refuses (the requester gets UndoRejected)."""
    seat = _seated_player(state, client_id)
    requester = state.undo_requested_by
    if requester is None or requester == seat.value:
        raise Rejected("no_undo_request")
    new = _changed(state)
    requester_color = Color(requester)
    if not accept:
        new.undo_requested_by = None
        asker = state.seated(requester_color)
        return Decision(new, [undo_rejected(state, asker, requester, "refused")] if asker else [])
    moves = _moves_view(state)
    last_own = max(i for i, m in enumerate(moves) if m.color is requester_color)
    return _undone(new, len(moves) - last_own)


# -- reading ----------------------------------------------------------------------------------


def snapshot(state: GameState, viewer: Optional[str] = None, link: Optional[str] = None,
             now: Optional[float] = None) -> Json:
    """The whole game as one ``GameState`` event; ``yourColor`` only for a seated viewer."""
    board = state.board()
    seat = state.seat_of(viewer) if viewer else None
    score = None
    if state.phase is Phase.SCORING:
        score = score_json(board.score(Point(*p) for p in state.dead))
    return {
        "type": "GameState",
        "gameId": state.game_id,
        "version": state.version,
        "phase": state.phase.value,
        "boardSize": state.board_size,
        "rules": state.rules,
        "komi": state.komi,
        "handicap": state.handicap,
        "handicapStones": points_json(board.handicap_stones),
        "visibility": state.visibility,
        "link": link if viewer == state.creator and state.phase is Phase.WAITING else None,
        "playerUp": board.to_move.value,
        "turn": state.turn,
        "moves": moves_json(board.moves),
        "stones": {c.value: points_json(board.board.stones(c)) for c in Color},
        "captures": {c.value: n for c, n in board.captures.items()},
        "players": {
            c.value: (None if state.seated(c) is None else ("bot" if state.seated(c) == BOT else "human"))
            for c in Color
        },
        "botStrength": state.bot_strength,
        "yourColor": seat.value if seat else None,
        "dead": [{"x": x, "y": y} for x, y in state.dead],
        "accepted": list(state.accepted),
        "score": score,
        "undoRequestedBy": state.undo_requested_by,
        "claimableBy": state.claimable_by,
        "timeControl": state.time_control,
        "clocks": state.clocks_json(time.time() if now is None else now),
        "result": state.result,
        "endReason": state.end_reason,
    }


def history(state: GameState, req_id: Optional[str], client_id: str) -> Delivery:
    board = state.board()
    return Delivery(
        {
            "type": "HistoryProvided",
            "gameId": state.game_id,
            "replyTo": req_id,
            "eventId": event_id(),
            "moves": moves_json(board.moves),
            "version": state.version,
        },
        clients=(client_id,),
    )


def sync_reply(state: GameState, req_id: Optional[str], client_id: str) -> Delivery:
    board = state.board()
    return Delivery(
        {
            "type": "SyncReply",
            "gameId": state.game_id,
            "replyTo": req_id,
            "playerUp": board.to_move.value,
            "turn": state.turn,
            "moves": moves_json(board.moves),
            "version": state.version,
            "phase": state.phase.value,
        },
        clients=(client_id,),
    )


def lost_own_move(state: GameState, client_id: str, player: Color, turn: int) -> bool:
    """Whether the client's last move (``player`` at ``turn``) is its own that never arrived.

    This is how the original recovered moves lost in flight: the client believes it played move
    ``n`` while the server's game has only ``n - 1`` moves and awaits exactly that player.
    """
    if state.phase is not Phase.PLAYING or state.seat_of(client_id) is not player:
        return False
    return turn == len(state.moves) + 1 and state.board().to_move is player
