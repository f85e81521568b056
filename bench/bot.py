"""How long the AI takes to answer, per board size and GNU Go level.

What is timed is exactly what the bot worker does for one move: ``EngineKeeper.genmove(state)``
on a warm engine, that is the replay of the game in Python, the full re-sync into GNU Go
(``boardsize``, ``clear_board``, ``komi``, every move, ``level``) and ``genmove`` itself.

Positions are mid-game, made by self-play: for each size a few games start from 2-4 random
opening moves (off the edge, judged by our rules) and are continued by GNU Go at level 1 on its
own process (Chinese rules, like the measured engine); positions are taken after a random number
of moves in 40-120 (19x19), 20-60 (13x13) or 10-30 (9x9), several per game. Self-play games run
two at a time (one GNU Go process each) before anything is measured.

Then one ``EngineKeeper`` (idle stop off, 60 s deadline so that a slow answer is measured, not
failed) answers, for each size, level and position, one ``genmove`` with the bot to move (a fresh
full sync each call). The engine's own CPU time per call (``/proc/<pid>/stat``, 10 ms ticks) is
shown next to the wall latency: the wall figure includes waiting for the CPU when the machine is
busy, the CPU figure does not.

Defaults (levels 1,4,6,7,8,10, 12 positions per size and level) take about 2-3 minutes.

Last line: ``bot: size19_max_ms_by_level=L1:x,L4:y,... strongest_level_under_2s=N`` where ``N``
is the highest measured level whose 19x19 maximum stays under 2000 ms (``none`` if none does).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import math
import os
import random
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Optional

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import game as games  # noqa: E402
from app import go  # noqa: E402
from app.choices import Strength  # noqa: E402
from app.engine import RESIGN, EngineKeeper, rule_flags  # noqa: E402
from app.engines import gnugo  # noqa: E402
from app.go import Color, Move, Point  # noqa: E402
from app.gtp import GtpEngine, from_vertex, to_vertex  # noqa: E402
from tests.support import proc  # noqa: E402
from tests.support.stats import interpolated as percentile  # noqa: E402

RULES = "chinese"
KOMI = 7.5
SIZES = (19, 13, 9)
DEPTHS = {19: (40, 120), 13: (20, 60), 9: (10, 30)}
"""Moves played before a position is taken, inclusive range, per size."""
POSITIONS_PER_GAME = 4
SELF_PLAY_LEVEL = 1
LIMIT_MS = 2000.0


@dataclass
class Position:
    size: int
    moves: list[str]
    """Encoded moves (``app.game.encode_move``), the player to move next is the bot."""
    to_move: Color


@dataclass
class Sample:
    wall_ms: float
    cpu_ms: Optional[float]
    reply: str


@dataclass
class Row:
    size: int
    level: int
    samples: list[Sample] = field(default_factory=list)


# -- positions --------------------------------------------------------------------------------


def _color_name(color: Color) -> str:
    return "black" if color is Color.BLACK else "white"


def self_play(size: int, depths: list[int], seed: str) -> list[Position]:
    """One self-play game (GNU Go level 1 after random openings), a position at each depth.

    A game that ends or resigns before the deepest depth is thrown away and started again.
    """
    rng = random.Random(seed)
    target = max(depths)
    for attempt in range(5):
        engine = GtpEngine((*rule_flags(RULES), "--seed", str(rng.randrange(1, 2**31))), timeout=60)
        engine.start()
        try:
            positions = _play_one(engine, size, sorted(set(depths)), target, rng)
        finally:
            engine.stop()
        if positions is not None:
            return positions
    raise RuntimeError(f"self-play on {size}x{size} kept ending before move {target}")


def _play_one(engine: GtpEngine, size: int, depths: list[int], target: int,
              rng: random.Random) -> Optional[list[Position]]:
    board = go.Game(size, go.preset(RULES).with_komi(KOMI))
    engine.boardsize(size)
    engine.clear_board()
    engine.komi(KOMI)
    engine.command(f"level {SELF_PLAY_LEVEL}")
    moves: list[str] = []
    positions: list[Position] = []
    wanted = list(depths)

    def record(move: Move) -> None:
        board.play(move)  # judged by our rules: raises if GNU Go and we disagree
        moves.append(games.encode_move(move))
        while wanted and len(moves) == wanted[0]:
            wanted.pop(0)
            positions.append(Position(size, list(moves), board.to_move))

    for _ in range(rng.randint(2, 4)):
        color = board.to_move
        options = [p for p in board.legal_points(color)
                   if 0 < p.x < size - 1 and 0 < p.y < size - 1]
        point = rng.choice(options)
        engine.play(_color_name(color), to_vertex(point.x, point.y, size))
        record(Move(color, point))
    while len(moves) < target:
        color = board.to_move
        reply = engine.genmove(_color_name(color))
        if reply == RESIGN:
            return None
        xy = from_vertex(reply, size)
        move = Move(color, None if xy is None else Point(*xy))
        record(move)
        if board.passes_ended_play:
            return None
    return positions


def build_positions(count: int, seed: int, sizes: tuple[int, ...]) -> dict[int, list[Position]]:
    """``count`` positions per size, ``POSITIONS_PER_GAME`` per self-play game."""
    rng = random.Random(f"bot-bench-{seed}")
    jobs = []
    for size in sizes:
        low, high = DEPTHS[size]
        n_games = math.ceil(count / POSITIONS_PER_GAME)
        # Stratified depths: the range split in ``count`` slices, one depth drawn in each,
        # shuffled over the games so each game covers early and late positions.
        slices = [low + (high - low + 1) * i / count for i in range(count + 1)]
        depths = [rng.randint(math.ceil(slices[i]), max(math.ceil(slices[i]), math.ceil(slices[i + 1]) - 1))
                  for i in range(count)]
        rng.shuffle(depths)
        for g in range(n_games):
            part = depths[g::n_games]
            if part:
                jobs.append((size, part, f"{seed}-{size}-{g}"))
    jobs.sort(key=lambda job: -(job[0] ** 2) * max(job[1]))  # longest first
    out: dict[int, list[Position]] = {size: [] for size in sizes}
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        for size, positions in zip((j[0] for j in jobs), pool.map(lambda j: self_play(*j), jobs)):
            out[size].extend(positions)
    for size in sizes:
        out[size].sort(key=lambda p: len(p.moves))
    return out


# -- measuring --------------------------------------------------------------------------------


def engine_cpu_s(pid: Optional[int]) -> Optional[float]:
    return None if pid is None else proc.cpu_seconds(pid, with_children=False)


def bot_state(position: Position, level: int, game_id: str) -> games.GameState:
    state = games.new_game(game_id, "bench-human", position.size, games.PRIVATE, rules=RULES, komi=KOMI)
    decision = games.attach_bot(state, position.to_move, Strength.FOUR_STARS)
    assert decision.state is not None
    new = decision.state
    new.moves = list(position.moves)
    return new


def measure(keeper: EngineKeeper, position: Position, level: int, game_id: str) -> Sample:
    keeper.engines[Strength.FOUR_STARS] = replace(gnugo(level), seconds_per_move=keeper.timeout_s)
    state = bot_state(position, level, game_id)
    cpu_before = engine_cpu_s(keeper.pid)
    started = time.perf_counter()
    reply = keeper.genmove(state)
    wall_ms = (time.perf_counter() - started) * 1000
    cpu_after = engine_cpu_s(keeper.pid)
    cpu_ms = None if cpu_before is None or cpu_after is None else (cpu_after - cpu_before) * 1000
    text = "resign" if reply == RESIGN else "pass" if reply is None else "move"
    return Sample(wall_ms, cpu_ms, text)


# -- main -------------------------------------------------------------------------------------


def parse_levels(text: str) -> list[int]:
    try:
        levels = sorted({int(part) for part in text.split(",") if part.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(f"levels must be integers separated by commas: {text!r}")
    if not levels or any(not 1 <= level <= 10 for level in levels):
        raise argparse.ArgumentTypeError(f"levels must be in 1..10: {text!r}")
    return levels


def parse_sizes(text: str) -> tuple[int, ...]:
    sizes = tuple(int(part) for part in text.split(",") if part.strip())
    if not sizes or any(size not in DEPTHS for size in sizes):
        raise argparse.ArgumentTypeError(f"sizes must be among {sorted(DEPTHS)}: {text!r}")
    return sizes


def loadavg() -> str:
    try:
        return " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "?"


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--levels", type=parse_levels, default=parse_levels("1,4,6,7,8,10"),
                        help="GNU Go levels in 1..10, comma-separated (default 1,4,6,7,8,10)")
    parser.add_argument("--positions", type=int, default=12,
                        help="mid-game positions per size and level (default 12)")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the self-play (default 1)")
    parser.add_argument("--sizes", type=parse_sizes, default=SIZES,
                        help="board sizes among 19,13,9 (default 19,13,9)")
    args = parser.parse_args(argv)
    if args.positions < 1:
        parser.error("--positions must be at least 1")

    def say(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    began = time.perf_counter()
    say(f"bot bench: sizes {list(args.sizes)} levels {args.levels} positions {args.positions} "
        f"seed {args.seed}; load average {loadavg()}")
    positions = build_positions(args.positions, args.seed, args.sizes)
    for size in args.sizes:
        depths = [len(p.moves) for p in positions[size]]
        say(f"  {size}x{size}: {len(depths)} positions after {min(depths)}-{max(depths)} moves")
    say(f"positions built in {time.perf_counter() - began:.0f} s; measuring")

    keeper = EngineKeeper(idle_stop_s=None, timeout_s=60)
    rows: list[Row] = []
    try:
        keeper.ensure(RULES)
        warm = positions[args.sizes[0]][0]
        measure(keeper, warm, min(args.levels), "bench-warmup")  # first answer not counted
        for size in args.sizes:
            for level in args.levels:
                row = Row(size, level)
                for i, position in enumerate(positions[size]):
                    row.samples.append(measure(keeper, position, level, f"bench-{size}-{i}"))
                rows.append(row)
                walls = [s.wall_ms for s in row.samples]
                say(f"  {size}x{size} level {level:2d}: max {max(walls):6.0f} ms")
    finally:
        keeper.stop()

    print(f"# GNU Go answer latency, EngineKeeper.genmove incl. full sync; "
          f"{args.positions} mid-game positions per row; load average at end {loadavg()}")
    header = (f"{'size':>5} {'level':>5} {'n':>3} {'p50_ms':>7} {'p90_ms':>7} {'max_ms':>7} "
              f"{'cpu_p50':>7} {'cpu_max':>7} {'passes':>6}")
    print(header)
    for row in rows:
        walls = [s.wall_ms for s in row.samples]
        cpus = [s.cpu_ms for s in row.samples if s.cpu_ms is not None]
        passes = sum(1 for s in row.samples if s.reply != "move")
        cpu_p50 = f"{percentile(cpus, 0.5):7.0f}" if cpus else f"{'-':>7}"
        cpu_max = f"{max(cpus):7.0f}" if cpus else f"{'-':>7}"
        print(f"{str(row.size) + 'x' + str(row.size):>5} {row.level:>5} {len(walls):>3} "
              f"{percentile(walls, 0.5):7.0f} {percentile(walls, 0.9):7.0f} {max(walls):7.0f} "
              f"{cpu_p50} {cpu_max} {passes:>6}")
    print(f"# total {time.perf_counter() - began:.0f} s")

    big = {row.level: max(s.wall_ms for s in row.samples) for row in rows if row.size == 19}
    by_level = ",".join(f"L{level}:{ms:.0f}" for level, ms in sorted(big.items()))
    under = [level for level, ms in big.items() if ms < LIMIT_MS]
    strongest = str(max(under)) if under else "none"
    print(f"bot: size19_max_ms_by_level={by_level or 'none'} strongest_level_under_2s={strongest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
