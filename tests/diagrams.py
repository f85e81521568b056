"""Positions written as ASCII diagrams, the way Go books print them.

``X`` black, ``O`` white, ``.`` empty, and ``*`` the point about to be played (empty). Row 0 is
the top row, as in the protocol.
"""

from __future__ import annotations

from app.go import Board, Color, Game, Point, RuleSet
from app.go.rules import DEFAULT


def parse(diagram: str) -> tuple[Board, Point | None]:
    rows = [r.replace(" ", "") for r in diagram.strip().splitlines() if r.strip()]
    target = None
    for y, row in enumerate(rows):
        if "*" in row:
            target = Point(row.index("*"), y)
    return Board.from_diagram(diagram.replace("*", ".")), target


def position(diagram: str, to_move: Color = Color.BLACK, rules: RuleSet = DEFAULT) -> tuple[Game, Point | None]:
    board, target = parse(diagram)
    game = Game(board.size, rules)
    game.setup(board.stones(Color.BLACK), board.stones(Color.WHITE), to_move=to_move)
    return game, target


def drawn(game: Game) -> str:
    return str(game.board)


def normal(diagram: str) -> str:
    return str(parse(diagram)[0])
