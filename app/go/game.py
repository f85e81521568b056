"""A game of Go under a rule set: turns, ko and superko, suicide, passes, resignation.

``Game.play`` judges untrusted moves and raises a precise :class:`IllegalMoveError`; ``Game.push``
is the fast path for moves that were judged before (rebuilding a stored game), in the spirit of
python-chess's ``push`` next to its checked entry points.
"""

from __future__ import annotations

from typing import Iterable, Optional, Sequence

from . import handicap as handicap_placement
from .board import BLACK, EMPTY, WHITE, WHITE_TO_MOVE_KEY, Board, cell_of
from .errors import (
    GameOverError,
    IllegalMoveError,
    InvalidSetupError,
    KoError,
    NotYourTurnError,
    OccupiedError,
    OffBoardError,
    SuicideError,
    SuperkoError,
)
from .outcome import Outcome, Termination
from .rules import DEFAULT, KoRule, RuleSet
from .scoring import Score, score
from .types import Color, Move, Point

_NO_POINT = -1


class Game:
    """The state of one game: the board, whose turn it is, and everything the ko rules remember."""

    def __init__(self, size: int = 19, rules: RuleSet = DEFAULT, handicap: int = 0) -> None:
        self.board = Board(size)
        self.rules = rules
        self.handicap_stones: tuple[Point, ...] = handicap_placement.fixed_handicap(size, handicap)
        for point in self.handicap_stones:
            self.board.put(self.board.index(point), BLACK)
        self.to_move = Color.WHITE if self.handicap_stones else Color.BLACK
        self.moves: list[Move] = []
        self._prisoners = [0, 0, 0]  # indexed by cell value: stones each colour has taken
        self.consecutive_passes = 0
        self.outcome: Optional[Outcome] = None
        self._ko_index = _NO_POINT
        self._situational = rules.ko is KoRule.SITUATIONAL
        self._superko = rules.ko in (KoRule.POSITIONAL, KoRule.SITUATIONAL)
        self._forbids_ko = rules.ko is not KoRule.NONE
        self._seen: set[int] = {self._position_key(self.board.zobrist_hash, self.to_move)}

    # -- construction --------------------------------------------------------------------------
    @classmethod
    def replay(
        cls,
        moves: Iterable[Move],
        size: int = 19,
        rules: RuleSet = DEFAULT,
        handicap: int = 0,
        *,
        trusted: bool = False,
    ) -> Game:
        """Rebuild a game from its moves; ``trusted`` skips the legality checks."""
        game = cls(size, rules, handicap)
        step = game.push if trusted else game.play
        for move in moves:
            step(move)
        return game

    def setup(self, black: Iterable[Point] = (), white: Iterable[Point] = (),
              to_move: Optional[Color] = None) -> None:
        """Place stones before the first move (SGF ``AB``/``AW``), keeping the ko history true."""
        if self.moves:
            raise InvalidSetupError("setup stones can only be placed before the first move")
        for color, points in ((BLACK, black), (WHITE, white)):
            for point in points:
                if not point.on_board(self.size):
                    raise InvalidSetupError(f"setup stone {point!r} is off the board")
                self.board.put(self.board.index(point), color)
        if to_move is not None:
            self.to_move = to_move
        self._seen = {self._position_key(self.board.zobrist_hash, self.to_move)}

    @property
    def size(self) -> int:
        return self.board.size

    @property
    def captures(self) -> dict[Color, int]:
        """Stones each colour has taken off the board (its prisoners)."""
        return {Color.BLACK: self._prisoners[BLACK], Color.WHITE: self._prisoners[WHITE]}

    @property
    def komi(self) -> float:
        return self.rules.komi

    @property
    def position_hash(self) -> int:
        """A key of the whole position: stones and the player to move."""
        return self.board.zobrist_hash ^ (WHITE_TO_MOVE_KEY if self.to_move is Color.WHITE else 0)

    @property
    def is_over(self) -> bool:
        return self.outcome is not None

    @property
    def passes_ended_play(self) -> bool:
        """Two passes in a row: play has stopped and the game awaits counting (or resumption)."""
        return self.outcome is None and self.consecutive_passes >= 2

    @property
    def last_move(self) -> Optional[Move]:
        return self.moves[-1] if self.moves else None

    def _position_key(self, board_hash: int, to_move: Color) -> int:
        if self._situational and to_move is Color.WHITE:
            return board_hash ^ WHITE_TO_MOVE_KEY
        return board_hash

    # -- judging -------------------------------------------------------------------------------
    def play(self, move: Move) -> list[Point]:
        """Judge and make ``move``; returns the points of the stones it removed."""
        judged = self._judge(move)
        if judged is None:
            self._pass()
            return []
        return self._place(move, *judged)

    def _judge(self, move: Move) -> Optional[tuple[int, int, list[int], list[int], int]]:
        """Raise why ``move`` is illegal; else return what placing it does (``None`` for a pass)."""
        if self.outcome is not None or self.consecutive_passes >= 2:
            raise GameOverError(f"{move!r} after the end of play ({self._where()})")
        if move.color is not self.to_move:
            raise NotYourTurnError(f"{move!r} but {self.to_move.name} is to play ({self._where()})")
        point = move.point
        if point is None:
            return None
        x, y = point
        board = self.board
        size = board.size
        if not (0 <= x < size and 0 <= y < size):
            raise OffBoardError(f"{move!r} is outside the {size}x{size} board")
        index = y * size + x
        if board.cells[index] != EMPTY:
            raise OccupiedError(f"{move!r} on a stone ({self._where()})")
        if index == self._ko_index:
            raise KoError(f"{move!r} retakes the ko at once ({self._where()})")
        cell = BLACK if move.color is Color.BLACK else WHITE
        captured = board.captures_of(index, cell)
        suicided: list[int] = []
        if not captured and board.is_self_atari_suicide(index, cell):
            if not self.rules.suicide_allowed:
                raise SuicideError(f"{move!r} leaves its own stones without liberties ({self._where()})")
            suicided = self._group_if_placed(index, cell)
        new_hash = board.hash_after(index, cell, captured, suicided)
        if self._superko and self._key_after(new_hash, cell) in self._seen:
            kind = "position and player to move" if self._situational else "position"
            raise SuperkoError(f"{move!r} repeats an earlier {kind} ({self._where()})")
        return index, cell, captured, suicided, new_hash

    def push(self, move: Move) -> list[Point]:
        """Make a move that was judged legal before, skipping the checks (fast replay)."""
        point = move.point
        if point is None:
            self._pass(move.color)
            return []
        board = self.board
        index = point.y * board.size + point.x
        cell = cell_of(move.color)
        captured = board.captures_of(index, cell)
        suicided: list[int] = []
        if not captured and board.is_self_atari_suicide(index, cell):
            suicided = self._group_if_placed(index, cell)
        return self._place(move, index, cell, captured, suicided,
                           board.hash_after(index, cell, captured, suicided))

    def legality(self, move: Move) -> Optional[str]:
        """``None`` if ``move`` is legal now, else the reason it is not."""
        try:
            self._judge(move)
        except IllegalMoveError as error:
            return error.reason
        return None

    def is_legal(self, move: Move) -> bool:
        return self.legality(move) is None

    def legal_points(self, color: Optional[Color] = None) -> list[Point]:
        color = color or self.to_move
        board = self.board
        return [
            board.point(i)
            for i, cell in enumerate(board.cells)
            if cell == EMPTY and self.is_legal(Move(color, board.point(i)))
        ]

    # -- ending --------------------------------------------------------------------------------
    def resign(self, color: Color) -> Outcome:
        if self.outcome is not None:
            raise GameOverError(f"{color.name} resigns a game that already ended ({self._where()})")
        self.outcome = Outcome(Termination.RESIGNATION, color.opponent)
        return self.outcome

    def end(self, outcome: Outcome) -> None:
        """Record an ending decided outside the board (agreed score, time, forfeit, annulment)."""
        self.outcome = outcome

    def resume(self) -> None:
        """Go back to play after two passes (a player disputed the count)."""
        if self.outcome is not None:
            raise GameOverError(f"the game already ended {self.outcome.result}")
        self.consecutive_passes = 0

    def score(self, dead: Iterable[Point] = ()) -> Score:
        """Count the board under the game's rules with the given stones taken as dead."""
        return score(self.board, self.rules, dead, self.captures)

    # -- internals -----------------------------------------------------------------------------
    def _pass(self, color: Optional[Color] = None) -> None:
        color = color or self.to_move
        self.moves.append(Move(color, None))
        self.consecutive_passes += 1
        self._ko_index = _NO_POINT
        self.to_move = color.opponent
        if self._situational:
            # The same stones with the other side to move is a situation that now existed.
            self._seen.add(self._position_key(self.board.zobrist_hash, self.to_move))

    def _place(
        self,
        move: Move,
        index: int,
        cell: int,
        captured: Sequence[int],
        suicided: Sequence[int],
        new_hash: int,
    ) -> list[Point]:
        board = self.board
        cells = board.cells
        cells[index] = cell
        for i in captured:
            cells[i] = EMPTY
        for i in suicided:
            cells[i] = EMPTY
        board.zobrist_hash = new_hash
        if captured:
            self._prisoners[cell] += len(captured)
        if suicided:
            self._prisoners[cell ^ 3] += len(suicided)
        self.moves.append(move)
        self.consecutive_passes = 0
        self.to_move = Color.WHITE if cell == BLACK else Color.BLACK
        ko = _NO_POINT
        if len(captured) == 1 and self._forbids_ko:
            # A lone stone whose only liberty is the point it just emptied: the classic ko shape.
            taken, enemy = captured[0], cell ^ 3
            for q in board.neighbours(index):
                if q != taken and cells[q] != enemy:
                    break
            else:
                ko = taken
        self._ko_index = ko
        if self._superko:
            self._seen.add(self._key_after(new_hash, cell))
        if not captured and not suicided:
            return []
        size = board.size
        return [Point(i % size, i // size) for removed in (captured, suicided) for i in removed]

    def _key_after(self, board_hash: int, mover: int) -> int:
        """The superko key of a position reached by a move of ``mover`` (the other side to play)."""
        if self._situational and mover == BLACK:
            return board_hash ^ WHITE_TO_MOVE_KEY
        return board_hash

    def _group_if_placed(self, index: int, cell: int) -> list[int]:
        board = self.board
        board.cells[index] = cell
        try:
            return board.group(index)
        finally:
            board.cells[index] = EMPTY

    def copy(self) -> Game:
        twin = Game.__new__(Game)
        twin.__dict__.update(self.__dict__)
        twin.board = self.board.copy()
        twin.moves = self.moves[:]
        twin._prisoners = self._prisoners[:]
        twin._seen = set(self._seen)
        return twin

    def _where(self) -> str:
        return f"move {len(self.moves) + 1}, {self.size}x{self.size}, {self.rules.name} rules"

    def __repr__(self) -> str:
        return (
            f"<Game {self.size}x{self.size} {self.rules.name} moves={len(self.moves)} "
            f"to_move={self.to_move.name}>\n{self.board}"
        )
