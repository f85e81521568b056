"""Game records in SGF (FF[4]), read and written with sgfmill.

Kept outside :mod:`app.go` so that the rules core stays standard-library only. Coordinates: SGF
points are (column, row from the top), which sgfmill turns into (row from the bottom, column).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional

from sgfmill import sgf, sgf_moves  # type: ignore[import-untyped]

from app.go import Color, Game, Move, Point, RuleSet, fixed_handicap, preset

_RU_OF_PRESET = {"chinese": "Chinese", "japanese": "Japanese", "tromp-taylor": "Tromp-Taylor",
                 "original": "BUGOUT original: no ko rule, suicide allowed, area counting"}
_PRESET_OF_RU = {ru.lower(): name for name, ru in _RU_OF_PRESET.items()} | {"nz": "tromp-taylor"}
_SGF_COLOR = {Color.BLACK: "b", Color.WHITE: "w"}
_COLOR_OF_SGF = {"b": Color.BLACK, "w": Color.WHITE}


@dataclass(frozen=True)
class GameRecord:
    size: int
    komi: float
    rules: str = "chinese"
    handicap: int = 0
    setup_black: tuple[Point, ...] = ()
    setup_white: tuple[Point, ...] = ()
    moves: tuple[Move, ...] = ()
    black_name: Optional[str] = None
    white_name: Optional[str] = None
    result: Optional[str] = None
    extra: dict[str, str] = field(default_factory=dict, compare=False)
    comments: dict[int, str] = field(default_factory=dict, compare=False)
    """``C[]`` comments by node: 0 the root, ``n`` the node of the ``n``-th move (chat lines
    said after that move, ``app.game.chat.sgf_comments``)."""

    def rule_set(self) -> RuleSet:
        base = preset(self.rules) if self.rules in _RU_OF_PRESET else preset("chinese")
        return base.with_komi(self.komi)

    def replay(self, *, trusted: bool = False) -> Game:
        """Rebuild the game; raises :class:`app.go.IllegalMoveError` on an illegal move.

        Old records often leave out a pass, so that one colour moves twice in a row; the
        missing pass is put back rather than the record refused.
        """
        game = Game(self.size, self.rule_set())
        handicap = set(fixed_handicap(self.size, self.handicap)) if self.handicap else set()
        black = set(self.setup_black)
        if black or self.setup_white:
            first = self.moves[0].color if self.moves else (Color.WHITE if black else Color.BLACK)
            game.setup(black | handicap, self.setup_white, to_move=first)
        elif self.moves:
            game.to_move = self.moves[0].color
            game.setup(to_move=self.moves[0].color)
        step = game.push if trusted else game.play
        for move in self.moves:
            if move.color is not game.to_move and not game.passes_ended_play:
                step(Move(game.to_move, None))
            step(move)
        return game


def _to_sgf_point(point: Point, size: int) -> tuple[int, int]:
    return size - 1 - point.y, point.x


def _from_sgf_point(row_col: tuple[int, int], size: int) -> Point:
    row, col = row_col
    return Point(col, size - 1 - row)


def record_of(game: Game, black_name: Optional[str] = None, white_name: Optional[str] = None) -> GameRecord:
    return GameRecord(
        size=game.size,
        komi=game.komi,
        rules=game.rules.name,
        handicap=len(game.handicap_stones),
        setup_black=game.handicap_stones,
        moves=tuple(game.moves),
        black_name=black_name,
        white_name=white_name,
        result=game.outcome.result if game.outcome else None,
    )


def dumps(record: GameRecord) -> bytes:
    """The record as SGF bytes (UTF-8)."""
    doc = sgf.Sgf_game(size=record.size)
    root = doc.get_root()
    root.set("KM", record.komi)
    root.set("RU", _RU_OF_PRESET.get(record.rules, record.rules))
    if record.handicap:
        root.set("HA", record.handicap)
    if record.setup_black or record.setup_white:
        root.set_setup_stones(
            [_to_sgf_point(p, record.size) for p in record.setup_black],
            [_to_sgf_point(p, record.size) for p in record.setup_white],
        )
    if record.black_name:
        root.set("PB", record.black_name)
    if record.white_name:
        root.set("PW", record.white_name)
    if record.result:
        root.set("RE", record.result)
    for key, value in record.extra.items():
        root.set_raw(key, value.encode())
    if record.comments.get(0):
        root.set("C", record.comments[0])
    for turn, move in enumerate(record.moves, start=1):
        node = doc.extend_main_sequence()
        point = None if move.point is None else _to_sgf_point(move.point, record.size)
        node.set_move(_SGF_COLOR[move.color], point)
        if record.comments.get(turn):
            node.set("C", record.comments[turn])
    beyond = [text for turn, text in sorted(record.comments.items()) if turn > len(record.moves)]
    if beyond:  # said after moves an undo took back: kept on the last node
        last = doc.get_last_node()
        last.set("C", "\n".join(filter(None, [last.get("C") if last.has_property("C") else "", *beyond])))
    serialised: bytes = doc.serialise()
    return serialised


def loads(data: bytes) -> GameRecord:
    """Parse SGF bytes. Raises ``ValueError`` for a file that is not a usable Go record."""
    doc = sgf.Sgf_game.from_bytes(data)
    size = doc.get_size()
    root = doc.get_root()
    board, plays = sgf_moves.get_setup_and_moves(doc)
    black: list[Point] = []
    white: list[Point] = []
    for colour, row_col in board.list_occupied_points():
        (black if colour == "b" else white).append(_from_sgf_point(row_col, size))
    moves = tuple(
        Move(_COLOR_OF_SGF[colour], None if rc is None else _from_sgf_point(rc, size))
        for colour, rc in plays
    )

    def text(key: str) -> Optional[str]:
        return root.get(key) if root.has_property(key) else None

    ru = (text("RU") or "").strip().lower()
    return GameRecord(
        size=size,
        komi=doc.get_komi(),
        rules=_PRESET_OF_RU.get(ru, "chinese"),
        handicap=doc.get_handicap() or 0,
        setup_black=tuple(sorted(black)),
        setup_white=tuple(sorted(white)),
        moves=moves,
        black_name=text("PB"),
        white_name=text("PW"),
        result=text("RE"),
    )
