"""Dead stones at the end of play: bugout's estimate (:func:`app.go.life.suggest_dead`) against
GNU Go level 10 (``final_status_list dead``), judged by the results of real games.

Positions: the professional 19x19 records of Debian's goban-original-games decided by counting
(``RE[B+2.5]``; resignations, time losses and unreadable results are skipped, and so are the few
records that do not replay). Each final position is counted with each method's dead stones
(``Game.score(dead)``, app.go's scoring) and compared with ``RE``: same winner, and margin within
1 and within 2 points. Professionals often stop before the board is quite finished (dame open, a
last boundary not closed), so even perfect dead stones do not always give the recorded margin;
both methods face the same positions.

Rules and komi: the collection has no ``RU``; these are Japanese games, so a record without ``RU``
is counted with territory scoring, prisoners included (``--rules`` to change it). A record
without ``KM`` (52 of those counted) gets the komi of its era in Japan, from its date and from
whether its margin is whole: 0 before 1955, else 5 for a whole margin, 4.5 before 1975 and 5.5
after; ``--known-komi-only`` leaves those records out.

CPU: ours is ``time.process_time()`` around ``suggest_dead``; GNU Go's is the engine process's
own user+system time (``/proc/<pid>/stat``, 10 ms ticks) around ``final_status_list dead``, the
game having been loaded as the server loads it (every move, then ``level 10``). GNU Go takes
seconds per position, so by default it answers an evenly spread sample of ``--gnugo-sample``
positions (40) while ours answers all of them; the summary also gives ours on that same sample.
A full run with the default sample takes about 2 minutes.

Tuning and held-out: each record falls in the ``tune`` or ``held-out`` half by a hash of its file
name. The estimator's constants were chosen looking at the tune half only; the per-half lines
show how it does on the other half.

Last line: ``dead_stones: positions=N ours_same_winner=.. ours_margin_within_2=..
ours_cpu_ms_p50=.. ours_cpu_ms_max=.. gnugo_positions=M gnugo_same_winner=..
gnugo_margin_within_2=.. gnugo_cpu_s_p50=.. ours_on_gnugo_sample_same_winner=..`` (on one line).
"""

from __future__ import annotations

import argparse
import dataclasses
import glob
import hashlib
import os
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Iterable, Optional

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sgfmill import sgf as sgfmill_sgf  # noqa: E402

from app import sgf  # noqa: E402
from app.engine import rule_flags  # noqa: E402
from app.go import Color, Game, GoError, Point, fixed_handicap  # noqa: E402
from app.go.life import suggest_dead  # noqa: E402
from app.gtp import EngineError, GtpEngine, GtpError, from_vertex, to_vertex  # noqa: E402
from tests.support import proc  # noqa: E402

RECORDS = "/usr/share/goban/*"
RESULT = re.compile(r"^\s*([BW])\+(\d+(?:\.\d+)?)\s*$")
RU_TO_PRESET = {"japanese": "japanese", "chinese": "chinese", "aga": "chinese",
                "nz": "tromp-taylor", "tromp-taylor": "tromp-taylor"}


@dataclasses.dataclass
class Position:
    name: str
    game: Game
    expected: float
    """Black's points minus White's according to ``RE`` (negative: White won)."""
    komi_inferred: bool
    half: str
    initial: tuple[tuple[Color, Point], ...] = ()
    """Setup and handicap stones, on the board before the first move."""


def infer_komi(date: str, margin: float) -> float:
    """The usual komi of Japanese professional games of ``date`` with a result of ``margin``."""
    year_match = re.search(r"(1[89]\d\d|20\d\d)", date)
    year = int(year_match.group(1)) if year_match else 1980
    if year < 1955:
        return 0.0 if margin == int(margin) else 4.5
    if margin == int(margin):
        return 5.0
    return 4.5 if year < 1975 else 5.5


def half_of(name: str) -> str:
    return "tune" if hashlib.sha256(name.encode()).digest()[0] % 2 == 0 else "held-out"


def load(pattern: str, rules_default: str, known_komi_only: bool) -> tuple[list[Position], dict[str, int]]:
    """The final positions of the records decided by counting, with the result they give."""
    positions: list[Position] = []
    skipped = {"no counted result": 0, "unreadable": 0, "irregular": 0, "komi unknown": 0}
    for path in sorted(glob.glob(pattern)):
        data = Path(path).read_bytes()
        name = os.path.basename(path)
        try:
            root = sgfmill_sgf.Sgf_game.from_bytes(data).get_root()
            result = root.get("RE") if root.has_property("RE") else ""
        except ValueError:
            skipped["unreadable"] += 1
            continue
        matched = RESULT.match(result)
        if not matched:
            skipped["no counted result"] += 1
            continue
        margin = float(matched.group(2))
        expected = margin if matched.group(1) == "B" else -margin
        ru = root.get("RU").strip().lower() if root.has_property("RU") else ""
        rules = RU_TO_PRESET.get(ru, rules_default)
        inferred = not root.has_property("KM")
        if inferred and known_komi_only:
            skipped["komi unknown"] += 1
            continue
        try:
            record = sgf.loads(data)
            komi = record.komi
            if inferred:
                komi = infer_komi(root.get("DT") if root.has_property("DT") else "", margin)
            record = dataclasses.replace(record, rules=rules, komi=komi)
            game = record.replay()
        except (ValueError, GoError):
            skipped["irregular"] += 1
            continue
        black = set(record.setup_black) | set(fixed_handicap(record.size, record.handicap))
        initial = tuple([(Color.BLACK, p) for p in sorted(black)]
                        + [(Color.WHITE, p) for p in record.setup_white])
        positions.append(Position(name, game, expected, inferred, half_of(name), initial))
    return positions, skipped


def diff_of(game: Game, dead: Iterable[Point]) -> float:
    """Black's points minus White's with ``dead`` taken off, under the game's rules."""
    counted = game.score(dead)
    return counted.black - counted.white


def _sign(value: float) -> int:
    return (value > 0) - (value < 0)


@dataclasses.dataclass
class Tally:
    n: int = 0
    same_winner: int = 0
    within_1: int = 0
    within_2: int = 0
    cpu: list[float] = dataclasses.field(default_factory=list)

    def add(self, diff: float, expected: float, cpu_s: float) -> None:
        self.n += 1
        self.same_winner += _sign(diff) == _sign(expected)
        self.within_1 += abs(diff - expected) <= 1
        self.within_2 += abs(diff - expected) <= 2
        self.cpu.append(cpu_s)

    def rate(self, count: int) -> float:
        return count / self.n if self.n else float("nan")

    def cpu_p50(self) -> float:
        return statistics.median(self.cpu) if self.cpu else float("nan")

    def cpu_max(self) -> float:
        return max(self.cpu) if self.cpu else float("nan")

    def line(self, label: str, cpu_unit: str = "ms") -> str:
        scale = 1000.0 if cpu_unit == "ms" else 1.0
        return (f"{label:<36} n={self.n:<4} same_winner={self.rate(self.same_winner):.3f} "
                f"margin_within_1={self.rate(self.within_1):.3f} "
                f"margin_within_2={self.rate(self.within_2):.3f} "
                f"cpu_{cpu_unit}_p50={self.cpu_p50() * scale:.2f} "
                f"cpu_{cpu_unit}_max={self.cpu_max() * scale:.2f}")


# -- GNU Go ------------------------------------------------------------------------------------
class GnuGo:
    """One GNU Go process, loaded with each game's moves as the server loads them, at level 10."""

    def __init__(self, timeout_s: float) -> None:
        self._engine: Optional[GtpEngine] = None
        self._flags: tuple[str, ...] = ()
        self.timeout_s = timeout_s

    def _engine_for(self, game: Game) -> GtpEngine:
        flags = rule_flags(game.rules)
        if self._engine is None or self._flags != flags or not self._engine.is_running:
            self.stop()
            self._engine = GtpEngine(flags, timeout=self.timeout_s)
            self._engine.start()
            self._flags = flags
        return self._engine

    def dead(self, position: Position) -> tuple[set[Point], float]:
        """GNU Go's dead stones in the final position, and the engine's CPU seconds for them."""
        game = position.game
        engine = self._engine_for(game)
        size = game.size
        engine.boardsize(size)
        engine.clear_board()
        engine.komi(game.komi)
        try:
            for color, point in position.initial:
                engine.play(color.value.lower(), to_vertex(point.x, point.y, size))
            for move in game.moves:
                vertex = "pass" if move.point is None else to_vertex(move.point.x, move.point.y, size)
                engine.play(move.color.value.lower(), vertex)
        except GtpError:  # a move its ko rule refuses: give it the final stones instead
            engine.clear_board()
            for color in Color:
                for point in game.board.stones(color):
                    engine.play(color.value.lower(), to_vertex(point.x, point.y, size))
        engine.command("level 10")
        pid = engine.pid
        assert pid is not None
        before = cpu_of(pid)
        vertices = engine.final_status_list("dead", timeout=self.timeout_s)
        cpu = cpu_of(pid) - before
        dead = set()
        for vertex in vertices:
            xy = from_vertex(vertex, size)
            if xy is not None:
                dead.add(Point(*xy))
        return dead, cpu

    def stop(self) -> None:
        if self._engine is not None:
            self._engine.stop()
            self._engine = None


def cpu_of(pid: int) -> float:
    """User + system CPU seconds of process ``pid`` so far."""
    seconds = proc.cpu_seconds(pid, with_children=False)
    if seconds is None:
        raise ProcessLookupError(f"GNU Go (pid {pid}) is gone")
    return seconds


def sample(count: int, size: int) -> list[int]:
    """``size`` indices spread evenly over ``range(count)`` (all of them if ``size`` is 0)."""
    if size <= 0 or size >= count:
        return list(range(count))
    return sorted({round(i * (count - 1) / (size - 1)) for i in range(size)}) if size > 1 else [0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", default=RECORDS, help="glob of the SGF records")
    parser.add_argument("--limit", type=int, default=0, help="use only the first N positions")
    parser.add_argument("--gnugo", action=argparse.BooleanOptionalAction, default=True,
                        help="also ask GNU Go level 10 (default: yes)")
    parser.add_argument("--gnugo-sample", type=int, default=40,
                        help="positions GNU Go answers, evenly spread; 0 for all (default 40)")
    parser.add_argument("--gnugo-timeout", type=float, default=120.0)
    parser.add_argument("--rules", default="japanese", choices=sorted(set(RU_TO_PRESET.values())),
                        help="rules of records without RU (default japanese)")
    parser.add_argument("--known-komi-only", action="store_true",
                        help="leave out records without KM instead of inferring their komi")
    parser.add_argument("--half", choices=("all", "tune", "held-out"), default="all")
    parser.add_argument("-v", "--verbose", action="store_true", help="one line per position")
    args = parser.parse_args()

    started = time.perf_counter()
    positions, skipped = load(args.records, args.rules, args.known_komi_only)
    if args.half != "all":
        positions = [p for p in positions if p.half == args.half]
    if args.limit:
        positions = positions[: args.limit]
    if not positions:
        sys.exit(f"no counted records at {args.records} (apt-get install goban-original-games)")
    print(f"positions: {len(positions)} counted records "
          f"({sum(p.komi_inferred for p in positions)} with komi inferred); skipped: "
          + ", ".join(f"{k} {v}" for k, v in skipped.items()))

    ours: dict[str, Tally] = {"all": Tally(), "tune": Tally(), "held-out": Tally()}
    ours_diff: list[float] = []
    for position in positions:
        board = position.game.board.copy()
        start = time.process_time()
        dead = suggest_dead(board)
        cpu = time.process_time() - start
        diff = diff_of(position.game, dead)
        ours_diff.append(diff)
        for key in ("all", position.half):
            ours[key].add(diff, position.expected, cpu)
        if args.verbose:
            print(f"  ours  {position.name:<16} {position.half:<8} expected={position.expected:+6.1f} "
                  f"counted={diff:+6.1f} dead={len(dead):<3} cpu_ms={cpu * 1000:.1f}")

    gnugo = Tally()
    gnugo_halves = {"tune": Tally(), "held-out": Tally()}
    ours_on_sample = Tally()
    chosen = sample(len(positions), args.gnugo_sample) if args.gnugo else []
    if chosen:
        engine = GnuGo(args.gnugo_timeout)
        try:
            for number, index in enumerate(chosen, 1):
                position = positions[index]
                try:
                    dead, cpu = engine.dead(position)
                except (EngineError, GtpError) as exc:
                    print(f"  gnugo {position.name}: {exc}")
                    engine.stop()
                    continue
                diff = diff_of(position.game, dead)
                gnugo.add(diff, position.expected, cpu)
                gnugo_halves[position.half].add(diff, position.expected, cpu)
                ours_on_sample.add(ours_diff[index], position.expected, ours["all"].cpu[index])
                if args.verbose:
                    print(f"  gnugo {position.name:<16} expected={position.expected:+6.1f} "
                          f"counted={diff:+6.1f} dead={len(dead):<3} cpu_s={cpu:.2f} "
                          f"({number}/{len(chosen)})")
        finally:
            engine.stop()

    print(ours["all"].line("ours (all positions)"))
    print(ours["tune"].line("ours (tune half)"))
    print(ours["held-out"].line("ours (held-out half)"))
    if gnugo.n:
        print(ours_on_sample.line("ours (GNU Go's sample)"))
        print(gnugo.line("gnugo level 10 (sample)", cpu_unit="s"))
        for half, tally in gnugo_halves.items():
            if tally.n:
                print(tally.line(f"gnugo level 10 ({half} in sample)", cpu_unit="s"))
    print(f"elapsed: {time.perf_counter() - started:.0f} s")
    a, g, s = ours["all"], gnugo, ours_on_sample
    print(f"dead_stones: positions={a.n} ours_same_winner={a.rate(a.same_winner):.3f} "
          f"ours_margin_within_2={a.rate(a.within_2):.3f} "
          f"ours_cpu_ms_p50={a.cpu_p50() * 1000:.1f} ours_cpu_ms_max={a.cpu_max() * 1000:.1f} "
          f"gnugo_positions={g.n} gnugo_same_winner={g.rate(g.same_winner):.3f} "
          f"gnugo_margin_within_2={g.rate(g.within_2):.3f} gnugo_cpu_s_p50={g.cpu_p50():.2f} "
          f"ours_on_gnugo_sample_same_winner={s.rate(s.same_winner):.3f}")


if __name__ == "__main__":
    main()
