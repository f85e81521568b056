"""The rules of Go: standard library only, imported by everything else and importing nothing of it.

>>> game = Game(9)
>>> game.play(Move.play(Color.BLACK, 4, 4))
[]
"""

from .board import MAX_SIZE, MIN_SIZE, Board
from .errors import (
    GameOverError,
    GoError,
    IllegalMoveError,
    InvalidSetupError,
    KoError,
    NotYourTurnError,
    OccupiedError,
    OffBoardError,
    SuicideError,
    SuperkoError,
)
from .game import Game
from .handicap import fixed_handicap, max_handicap
from .outcome import Outcome, Termination
from .rules import (
    CHINESE,
    DEFAULT,
    JAPANESE,
    ORIGINAL,
    PRESETS,
    SELECTABLE,
    TROMP_TAYLOR,
    KoRule,
    RuleSet,
    Scoring,
    preset,
)
from .scoring import Score, score
from .types import Color, Move, Point

__all__ = [
    "Board", "MAX_SIZE", "MIN_SIZE",
    "GameOverError", "GoError", "IllegalMoveError", "InvalidSetupError", "KoError",
    "NotYourTurnError", "OccupiedError", "OffBoardError", "SuicideError", "SuperkoError",
    "Game", "fixed_handicap", "max_handicap", "Outcome", "Termination",
    "CHINESE", "DEFAULT", "JAPANESE", "ORIGINAL", "PRESETS", "SELECTABLE", "TROMP_TAYLOR", "KoRule",
    "RuleSet", "Scoring",
    "preset", "Score", "score", "Color", "Move", "Point",
]
