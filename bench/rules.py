"""Replay every historical record of Debian's goban-original-games through our engine (full
legality, positional superko) and through sgfmill's board (captures only), in the same run.

Last line: ``rules: games=N moves=M ours_moves_per_s=X sgfmill_moves_per_s=Y ratio=X/Y``.
"""

from __future__ import annotations

import argparse
import gc
import glob
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sgfmill import boards  # noqa: E402

from app import sgf  # noqa: E402
from app.go import Color, Game, GoError, Move  # noqa: E402
from app.go.rules import CHINESE  # noqa: E402

RECORDS = "/usr/share/goban/*"


def load(pattern: str) -> list[sgf.GameRecord]:
    records = []
    for path in sorted(glob.glob(pattern)):
        try:
            record = sgf.loads(Path(path).read_bytes())
            record.replay()  # keep only records that are legal, so both sides do the same work
        except (ValueError, GoError):
            continue
        records.append(record)
    return records


def with_passes(record: sgf.GameRecord) -> list[Move]:
    """The record's moves with omitted passes put back, as both replays must see them."""
    moves: list[Move] = []
    to_move = record.moves[0].color if record.moves else Color.BLACK
    for move in record.moves:
        if move.color is not to_move:
            moves.append(Move(to_move, None))
        moves.append(move)
        to_move = move.color.opponent
    return moves


def ours(games: list[tuple[sgf.GameRecord, list[Move]]]) -> None:
    rules = CHINESE
    for record, moves in games:
        game = Game(record.size, rules)
        game.setup(record.setup_black, record.setup_white, to_move=moves[0].color)
        play = game.play
        for move in moves:
            play(move)


def theirs(games: list[tuple[sgf.GameRecord, list[Move]]]) -> None:
    for record, moves in games:
        board = boards.Board(record.size)
        size = record.size
        for move in moves:
            if move.point is not None:
                board.play(size - 1 - move.point.y, move.point.x, "b" if move.color is Color.BLACK else "w")


def timed(fn, games, rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        gc.collect()
        start = time.perf_counter()
        fn(games)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--records", default=RECORDS)
    parser.add_argument("--rounds", type=int, default=3, help="best of this many runs each")
    args = parser.parse_args()
    records = [r for r in load(args.records) if r.moves]
    if not records:
        sys.exit(f"no records found at {args.records} (apt-get install goban-original-games)")
    games = [(r, with_passes(r)) for r in records]
    moves = sum(len(m) for _, m in games)
    ours_s = timed(ours, games, args.rounds)
    theirs_s = timed(theirs, games, args.rounds)
    ours_rate, theirs_rate = moves / ours_s, moves / theirs_s
    print(f"ours: {ours_s:.3f} s, sgfmill: {theirs_s:.3f} s for {len(games)} games")
    print(
        f"rules: games={len(games)} moves={moves} ours_moves_per_s={ours_rate:.0f} "
        f"sgfmill_moves_per_s={theirs_rate:.0f} ratio={ours_rate / theirs_rate:.2f}"
    )


if __name__ == "__main__":
    main()
