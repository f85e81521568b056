"""GNU Go 3.8 as an independent referee for the rules engine in ``app.go``.

Three comparisons, each against a real ``gnugo --mode gtp`` process:

1. Legality: seeded random games on 5x5, 7x7 and 9x9 under every ko rule and suicide option. At
   every ply our ``Game.legality`` and GNU Go's ``is_legal`` must agree on every empty point for
   the side to move, and the boards must hold the same stones after every capture or suicide.
2. Handicap: our ``fixed_handicap`` equals GNU Go's ``fixed_handicap`` on 9x9, 13x13 and 19x19,
   and both refuse the same stone counts.
3. Scoring: GNU Go self-play games (Chinese rules, ``--capture-all-dead``) replayed in our
   engine: every move must be legal for us and our area count must equal ``final_score``.

GNU Go is a required test dependency (``make test`` installs it via ``scripts/system-deps.sh``):
when it is missing these tests fail with ``EngineUnavailable``; they are never skipped.

Flag mapping, established by experiment (``test_gnugo_suicide_flags``) and by GNU Go's
``is_allowed_move`` in engine/board.c:

* ``--forbid-suicide``: no suicide at all, our ``suicide_allowed=False``.
* ``--allow-suicide``: suicide only when the played stone has a friendly neighbour, i.e. a
  *single-stone* suicide stays forbidden. That is not any of our rule sets.
* ``--allow-all-suicide``: every suicide, our ``suicide_allowed=True``.
* ``--simple-ko`` (GNU Go's default), ``--positional-superko``, ``--situational-superko``: our
  ``KoRule.SIMPLE``, ``POSITIONAL`` and ``SITUATIONAL``.

Two semantic differences are known, documented in :func:`known_difference` and pinned by
``test_known_difference``; the random-game comparison tolerates exactly those, nothing wider.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Optional

import pytest

from app.go import (
    Color,
    Game,
    InvalidSetupError,
    KoRule,
    Move,
    Point,
    RuleSet,
    Scoring,
    fixed_handicap,
    max_handicap,
)
from app.gtp import GtpEngine, GtpError, find_gnugo, from_vertex, to_vertex

GTP_COLOR = {Color.BLACK: "black", Color.WHITE: "white"}
KO_FLAG = {
    KoRule.SIMPLE: "--simple-ko",
    KoRule.POSITIONAL: "--positional-superko",
    KoRule.SITUATIONAL: "--situational-superko",
}
SUICIDE_FLAG = {False: "--forbid-suicide", True: "--allow-all-suicide"}


def rule_set(ko: KoRule, suicide_allowed: bool, komi: float = 7.5) -> RuleSet:
    name = f"{ko.value}-ko-suicide-{'allowed' if suicide_allowed else 'forbidden'}"
    return RuleSet(name, ko, suicide_allowed, Scoring.AREA, komi)


# ------------------------------------------------------------------------------------------------
# The engine and small conversions
# ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def gnugo() -> str:
    """The GNU Go binary. A missing binary is an error (``EngineUnavailable``), never a skip."""
    binary = find_gnugo()
    with GtpEngine([], timeout=30, binary=binary) as engine:
        version = engine.version()
    assert version.startswith("3.8"), f"these tests pin GNU Go 3.8, found {version!r}"
    return binary


@pytest.fixture(scope="module")
def plain_engine(gnugo: str) -> Iterator[GtpEngine]:
    with start_engine(gnugo) as engine:
        yield engine


def start_engine(binary: str, *args: str) -> GtpEngine:
    engine = GtpEngine(list(args), timeout=30, binary=binary)
    engine.start()
    return engine


def vertex(point: Point, size: int) -> str:
    return to_vertex(point.x, point.y, size)


def point_of(gtp_vertex: str, size: int) -> Optional[Point]:
    """The point of a GTP vertex, ``None`` for ``"pass"``."""
    xy = from_vertex(gtp_vertex, size)
    return None if xy is None else Point(*xy)


def stones_at(gtp_vertices: list[str], size: int) -> list[Point]:
    return [p for p in (point_of(v, size) for v in gtp_vertices) if p is not None]


def gtp_move(move: Move, size: int) -> str:
    return "pass" if move.point is None else vertex(move.point, size)


def moves_from_gtp(vertices: list[str], size: int, first: Color = Color.BLACK) -> list[Move]:
    """Alternating moves from GTP vertices (``"pass"`` allowed), ``first`` moving first."""
    moves, color = [], first
    for v in vertices:
        moves.append(Move(color, point_of(v, size)))
        color = color.opponent
    return moves


def assert_same_stones(game: Game, engine: GtpEngine, where: str) -> None:
    for color in Color:
        ours = {vertex(p, game.size) for p in game.board.stones(color)}
        theirs = {v.upper() for v in engine.list_stones(GTP_COLOR[color])}
        assert ours == theirs, f"{color.name} stones differ {where}\n{game.board}"


# ------------------------------------------------------------------------------------------------
# 0. GNU Go's suicide flags, pinned by experiment
# ------------------------------------------------------------------------------------------------

# Two 5x5 positions, Black to play A5 (GTP rows count from the bottom; X Black, O White):
#
#   single-stone suicide       two-stone suicide (A5 + A4)
#   5 . O . . .                5 . O . . .
#   4 O . . . .                4 X O . . .
#   3 . . . . .                3 O . . . .
SINGLE_STONE_SUICIDE = (["B5", "A4"], [], "A5")  # White stones, Black stones, Black's move
TWO_STONE_SUICIDE = (["B5", "B4", "A3"], ["A4"], "A5")


@pytest.mark.parametrize(
    ("flag", "single_legal", "multi_legal"),
    [
        ("--forbid-suicide", False, False),
        ("--allow-suicide", False, True),
        ("--allow-all-suicide", True, True),
    ],
    ids=["forbid-suicide", "allow-suicide", "allow-all-suicide"],
)
def test_gnugo_suicide_flags(gnugo: str, flag: str, single_legal: bool, multi_legal: bool) -> None:
    """Why ``suicide_allowed=True`` maps to ``--allow-all-suicide``, not ``--allow-suicide``."""
    cases = ((SINGLE_STONE_SUICIDE, single_legal), (TWO_STONE_SUICIDE, multi_legal))
    with start_engine(gnugo, flag) as engine:
        engine.boardsize(5)
        for (white, black, target), legal in cases:
            engine.clear_board()
            for v in white:
                engine.play("white", v)
            for v in black:
                engine.play("black", v)
            assert engine.is_legal("black", target) is legal, (flag, target)
    # Ours (simple ko, so no superko interferes): forbidden means both, allowed means both.
    for suicide_allowed in (False, True):
        for (white, black, target), _ in cases:
            game = Game(5, rule_set(KoRule.SIMPLE, suicide_allowed))
            game.setup(black=stones_at(black, 5), white=stones_at(white, 5), to_move=Color.BLACK)
            assert game.is_legal(Move(Color.BLACK, point_of(target, 5))) is suicide_allowed


# ------------------------------------------------------------------------------------------------
# 1. Legality agreement
# ------------------------------------------------------------------------------------------------

Situation = tuple[str, Color]  # a board diagram and the player to move


@dataclass
class History:
    """The test's own record of a game, to judge independently what GNU Go cannot."""

    boards: set[str]  # the start and every board after a placement: positional superko
    placed: set[Situation]  # the same with the player to move: situational superko
    passed: set[Situation] = field(default_factory=set)  # situations made by a pass


def situation(game: Game) -> Situation:
    return str(game.board), game.to_move


def placed_without_history(game: Game, move: Move) -> tuple[Game, list[Point]]:
    """Play ``move`` on a copy of the board that has no ko history and allows suicide."""
    probe = Game(game.size, rule_set(KoRule.SIMPLE, True))
    probe.setup(black=game.board.stones(Color.BLACK), white=game.board.stones(Color.WHITE),
                to_move=game.to_move)
    return probe, probe.play(move)


def known_difference(game: Game, history: History, move: Move, ours: Optional[str],
                     gnugo_legal: bool) -> Optional[str]:
    """Name the documented GNU Go difference behind a disagreement, or ``None`` if there is none.

    ``suicide_superko_blind`` -- GNU Go 3.8 never refuses a *suicide* for superko.
        ``is_superko_violation`` (engine/board.c) builds the resulting position with
        ``really_do_trymove`` -> ``do_play_move``, which "assumes that the move is not a
        suicide": the hash it compares is that of a board where the suicidal stones still stand,
        which matches no earlier position. (Its comment "The current position is only a problem
        with positional superko and a single stone suicide" shows the check was meant to work.)
        So under ``--allow-all-suicide`` a suicide that repeats a position is "legal" for GNU Go;
        under positional superko that includes *every* single-stone suicide, which leaves the
        board as it was. Tolerated exactly when: suicide allowed, we say ``superko``, GNU Go says
        legal, the move is a suicide, and the board it leaves (computed here, independently of
        our ko bookkeeping) did occur before -- as a board for positional superko, as a board
        after a placement or a pass with the same player to move for situational superko.

    Situational superko and passes agree: both engines count the situation left by a pass (the
    same stones, the other player to move) as an earlier situation.
    """
    situational = game.rules.ko is KoRule.SITUATIONAL
    if ours == "superko" and gnugo_legal and game.rules.suicide_allowed:
        after, removed = placed_without_history(game, move)
        repeated = (situation(after) in history.placed | history.passed if situational
                    else str(after.board) in history.boards)
        if move.point in removed and repeated:
            return "suicide_superko_blind"
    return None


class Referee:
    """One game played in our engine and in GNU Go side by side."""

    def __init__(self, engine: GtpEngine, rules: RuleSet, size: int) -> None:
        engine.boardsize(size)
        engine.clear_board()
        self.engine = engine
        self.game = Game(size, rules)
        self.history = History(boards={str(self.game.board)}, placed={situation(self.game)})
        self.points = [(Point(x, y), to_vertex(x, y, size)) for y in range(size)
                       for x in range(size)]

    def verdicts(self) -> Iterator[tuple[Point, Move, str, Optional[str], bool]]:
        """For every empty point: the point, the move there for the side to move, its vertex,
        our verdict (``None`` or the reason) and GNU Go's ``is_legal``."""
        game, engine = self.game, self.engine
        color = game.to_move
        gtp_color = GTP_COLOR[color]
        for point, point_vertex in self.points:
            if game.board[point] is None:
                move = Move(color, point)
                gnugo_legal = engine.is_legal(gtp_color, point_vertex)
                yield point, move, point_vertex, game.legality(move), gnugo_legal

    def play(self, move: Move) -> list[Point]:
        removed = self.game.play(move)
        self.engine.play(GTP_COLOR[move.color], gtp_move(move, self.game.size))
        if move.point is None:
            self.history.passed.add(situation(self.game))
        else:
            self.history.boards.add(str(self.game.board))
            self.history.placed.add(situation(self.game))
        return removed

    def transcript(self) -> str:
        return " ".join(gtp_move(m, self.game.size) for m in self.game.moves) or "(none)"


@dataclass
class Tally:
    """What one rule configuration exercised, and every unexplained disagreement."""

    games: int = 0
    plies: int = 0
    checks: int = 0
    verdicts: Counter[str] = field(default_factory=Counter)  # our verdict on every checked point
    confirmed: Counter[str] = field(default_factory=Counter)  # refusals GNU Go shared, by reason
    known: Counter[str] = field(default_factory=Counter)  # tolerated, see known_difference()
    ko_captures: int = 0
    suicides: int = 0
    multi_stone_suicides: int = 0
    passes: int = 0
    disagreements: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{self.games} games, {self.plies} plies, {self.checks} points checked; "
                f"our verdicts {dict(self.verdicts)}; refusals GNU Go confirmed "
                f"{dict(self.confirmed)}; known differences {dict(self.known)}; ko captures "
                f"{self.ko_captures}; suicides played {self.suicides} (multi-stone "
                f"{self.multi_stone_suicides}); passes {self.passes}")


def fight_weights(game: Game, points: list[Point]) -> list[int]:
    """Random-move bias: last liberties first, then ataris, contact moves, and the rest.

    Taking last liberties makes captures, kos, snapbacks and suicides frequent; small boards
    fill up and empty out again and again, which is where positions repeat and superko bites.
    """
    board = game.board
    liberties: dict[int, int] = {}  # stone index -> liberty count of its group
    for color in Color:
        for stone in board.stones(color):
            index = board.index(stone)
            if index not in liberties:
                liberties.update(dict.fromkeys(board.group(index), len(board.liberties(index))))
    weights = []
    for point in points:
        around = [liberties[q] for q in board.neighbours(board.index(point)) if q in liberties]
        least = min(around, default=0)
        weights.append(1 if not around else 30 if least == 1 else 5 if least == 2 else 3)
    return weights


# (board size, games, ply cap) per configuration, one GNU Go process for all of them. The caps
# stay below GNU Go's MAX_MOVE_HISTORY (500), past which it folds its oldest moves into the
# initial position and forgets them for superko.
SCHEDULE = ((5, 36, 150), (7, 4, 150), (9, 2, 120))
PASS_PROBABILITY = 0.03  # never twice in a row: two passes end play in our engine


def play_random_game(engine: GtpEngine, rules: RuleSet, size: int, max_plies: int,
                     rng: random.Random, tally: Tally) -> None:
    referee = Referee(engine, rules, size)
    game = referee.game
    tally.games += 1
    while len(game.moves) < max_plies and not game.passes_ended_play:
        legal: list[Point] = []
        for point, move, point_vertex, ours, gnugo_legal in referee.verdicts():
            tally.checks += 1
            tally.verdicts[ours or "legal"] += 1
            if (ours is None) == gnugo_legal:
                if ours is None:
                    legal.append(point)
                else:
                    tally.confirmed[ours] += 1
                continue
            known = known_difference(game, referee.history, move, ours, gnugo_legal)
            if known:
                tally.known[known] += 1
                continue
            tally.disagreements.append(
                f"{size}x{size} {rules.name}, ply {len(game.moves) + 1}: {move.color.name} "
                f"{point_vertex} is {ours or 'legal'} for us, "
                f"{'legal' if gnugo_legal else 'illegal'} for GNU Go; moves from Black: "
                f"{referee.transcript()}"
            )
        tally.plies += 1
        if not legal or (game.consecutive_passes == 0 and rng.random() < PASS_PROBABILITY):
            move = Move.pass_(game.to_move)
            tally.passes += 1
        else:
            move = Move(game.to_move, rng.choices(legal, fight_weights(game, legal))[0])
        removed = referee.play(move)
        if move.point in removed:
            tally.suicides += 1
            tally.multi_stone_suicides += len(removed) > 1
        elif len(removed) == 1:
            tally.ko_captures += game.legality(Move(game.to_move, removed[0])) == "ko"
        if removed:  # captures and suicides are where two boards could drift apart
            assert_same_stones(game, engine, f"after {referee.transcript()}")
    assert_same_stones(game, engine, f"after {referee.transcript()}")


CONFIGS = [(ko, suicide) for ko in KoRule if ko in KO_FLAG for suicide in (False, True)]
"""Every ko rule GNU Go knows; it has none for ``KoRule.NONE`` (the original rules), which the
diagram tests cover."""


@pytest.mark.parametrize(("ko", "suicide_allowed"), CONFIGS,
                         ids=[rule_set(ko, suicide).name for ko, suicide in CONFIGS])
def test_legality_agrees_with_gnugo(gnugo: str, ko: KoRule, suicide_allowed: bool) -> None:
    rules = rule_set(ko, suicide_allowed)
    rng = random.Random(f"gnugo-referee/{rules.name}")
    tally = Tally()
    with start_engine(gnugo, KO_FLAG[ko], SUICIDE_FLAG[suicide_allowed]) as engine:
        for size, games, max_plies in SCHEDULE:
            for _ in range(games):
                play_random_game(engine, rules, size, max_plies, rng, tally)
    print(f"\n{rules.name}: {tally.summary()}")  # shown with `pytest -s`
    assert not tally.disagreements, "\n".join(tally.disagreements[:10])

    # The games really went where the rules differ (the seeds are fixed, so these are stable).
    assert tally.ko_captures > 0 and tally.confirmed["ko"] > 0, tally.summary()
    if suicide_allowed:
        assert tally.multi_stone_suicides > 0 and tally.verdicts["suicide"] == 0, tally.summary()
        if ko is KoRule.SIMPLE:  # single-stone suicides are legal (a pass in disguise)
            assert tally.suicides > tally.multi_stone_suicides, tally.summary()
    else:
        assert tally.confirmed["suicide"] > 0 and tally.suicides == 0, tally.summary()
    if ko is KoRule.SIMPLE:
        assert tally.verdicts["superko"] == 0, tally.summary()
    else:
        assert tally.confirmed["superko"] > 0, tally.summary()
    if suicide_allowed and ko is KoRule.POSITIONAL:  # every single-stone suicide repeats
        assert tally.known["suicide_superko_blind"] > 0, tally.summary()


@dataclass(frozen=True)
class DifferenceCase:
    """A minimal sequence after which we and GNU Go judge the same move differently."""

    moves: tuple[str, ...]  # from Black, alternating, on 5x5
    target: str
    ko: KoRule
    suicide_allowed: bool
    ours: Optional[str]
    gnugo_legal: bool
    known: Optional[str]


# A5 is a single-stone suicide for Black after White B5 and A4 (Black D3 and D2 stand aside).
SINGLE_SUICIDE = ("D3", "B5", "D2", "A4")
# Black A4 runs into a one-liberty corner; after White's pass, Black A5 suicides both stones and
# the board is again the one from before Black A4.
TWO_STONE_SUICIDE_REPEAT = ("D3", "B5", "D2", "B4", "E3", "A3", "A4", "pass")
# Black C1 D2 E2 and White B1 C2 A5; Black passes, White D1 takes C1, Black passes, White E1
# fills its own liberty, and Black C1 takes D1 E1 back: the board from before White D1 again,
# with White to move -- a situation that, before, arose from Black's first pass: illegal under
# situational superko in both engines.
PASS_SITUATION = ("C1", "B1", "D2", "C2", "E2", "A5", "pass", "D1", "pass", "E1")

DIFFERENCE_CASES = {
    "positional-single-stone-suicide": DifferenceCase(
        SINGLE_SUICIDE, "A5", KoRule.POSITIONAL, True, "superko", True, "suicide_superko_blind"),
    "situational-single-stone-suicide-agrees": DifferenceCase(
        SINGLE_SUICIDE, "A5", KoRule.SITUATIONAL, True, None, True, None),
    "simple-single-stone-suicide-agrees": DifferenceCase(
        SINGLE_SUICIDE, "A5", KoRule.SIMPLE, True, None, True, None),
    "positional-two-stone-suicide-repeats": DifferenceCase(
        TWO_STONE_SUICIDE_REPEAT, "A5", KoRule.POSITIONAL, True, "superko", True,
        "suicide_superko_blind"),
    "situational-pass-situation-agrees": DifferenceCase(
        PASS_SITUATION, "C1", KoRule.SITUATIONAL, False, "superko", False, None),
    "positional-pass-situation-agrees": DifferenceCase(
        PASS_SITUATION, "C1", KoRule.POSITIONAL, False, "superko", False, None),
    "simple-pass-situation-agrees": DifferenceCase(
        PASS_SITUATION, "C1", KoRule.SIMPLE, False, None, True, None),
}


@pytest.mark.parametrize("case", DIFFERENCE_CASES.values(), ids=DIFFERENCE_CASES.keys())
def test_known_difference(gnugo: str, case: DifferenceCase) -> None:
    """Each tolerated difference, reproduced from a minimal sequence, plus its agreeing twins."""
    rules = rule_set(case.ko, case.suicide_allowed)
    with start_engine(gnugo, KO_FLAG[case.ko], SUICIDE_FLAG[case.suicide_allowed]) as engine:
        referee = Referee(engine, rules, 5)
        for move in moves_from_gtp(list(case.moves), 5):
            referee.play(move)
        move = Move(referee.game.to_move, point_of(case.target, 5))
        ours = referee.game.legality(move)
        gnugo_legal = engine.is_legal(GTP_COLOR[move.color], case.target)
        assert (ours, gnugo_legal) == (case.ours, case.gnugo_legal)
        if (ours is None) != gnugo_legal:
            assert known_difference(referee.game, referee.history, move, ours, gnugo_legal) \
                == case.known


# ------------------------------------------------------------------------------------------------
# 2. Handicap placement
# ------------------------------------------------------------------------------------------------

HANDICAP_CASES = [(size, stones) for size in (9, 13, 19) for stones in range(-1, 12) if stones]


@pytest.mark.parametrize(("size", "stones"), HANDICAP_CASES,
                         ids=[f"{size}x{size}-{stones}-stones" for size, stones in HANDICAP_CASES])
def test_fixed_handicap_matches_gnugo(plain_engine: GtpEngine, size: int, stones: int) -> None:
    plain_engine.boardsize(size)
    plain_engine.clear_board()
    theirs: Optional[set[str]]
    ours: Optional[set[str]]
    try:
        theirs = {v.upper() for v in plain_engine.fixed_handicap(stones)}
    except GtpError:
        theirs = None
    try:
        ours = {vertex(p, size) for p in fixed_handicap(size, stones)}
    except InvalidSetupError:
        ours = None
    assert ours == theirs
    # Guard against a vacuous pass (both refusing everything): the legal range is really placed.
    if 2 <= stones <= max_handicap(size):
        assert ours is not None and len(ours) == stones
    else:
        assert ours is None


@pytest.mark.parametrize("size", [9, 13, 19], ids=lambda size: f"{size}x{size}")
def test_zero_handicap_means_none(plain_engine: GtpEngine, size: int) -> None:
    """The one deliberate difference: our ``fixed_handicap(size, 0)`` means "no handicap" and
    places nothing, while GTP 2 (and so GNU Go) rejects ``fixed_handicap 0`` as invalid."""
    plain_engine.boardsize(size)
    plain_engine.clear_board()
    with pytest.raises(GtpError, match="invalid handicap"):
        plain_engine.fixed_handicap(0)
    assert fixed_handicap(size, 0) == ()


# ------------------------------------------------------------------------------------------------
# 3. Area scoring of GNU Go self-play games
# ------------------------------------------------------------------------------------------------

SCORING_KOMI = 7.5
SCORING_GAMES = [(9, seed) for seed in range(1, 11)] + [(13, seed) for seed in (1, 2)]
MOVE_CAP = {9: 250, 13: 450}


@pytest.mark.parametrize(("size", "seed"), SCORING_GAMES,
                         ids=[f"{size}x{size}-seed{seed}" for size, seed in SCORING_GAMES])
def test_area_score_matches_gnugo(gnugo: str, size: int, seed: int) -> None:
    """GNU Go plays itself to two passes; we replay every move and count the same board.

    ``--capture-all-dead`` makes GNU Go take every dead stone off before it passes, so the final
    board has no dead stones (asserted with ``final_status_list dead``) and our count needs none.
    ``--positional-superko`` gives GNU Go the ko rule of our Chinese rules, so every move it makes
    must be legal for us too; ``--never-resign`` keeps every game going to the count.
    Under ``--chinese-rules`` GNU Go also fills the dame, and no seki arises with these seeds
    (``final_status_list seki`` is empty), so this compares plain stones-plus-territory counts;
    our seki handling (eyes in seki count as territory) is not exercised here.
    """
    rules = rule_set(KoRule.POSITIONAL, False, komi=SCORING_KOMI)
    args = ["--chinese-rules", "--capture-all-dead", "--positional-superko", "--forbid-suicide",
            "--level", "1", "--seed", str(seed), "--never-resign", "--komi", str(SCORING_KOMI)]
    with start_engine(gnugo, *args) as engine:
        engine.boardsize(size)
        engine.clear_board()
        engine.komi(SCORING_KOMI)
        game = Game(size, rules)
        while not game.passes_ended_play:
            assert len(game.moves) < MOVE_CAP[size], f"no two passes in {MOVE_CAP[size]} moves"
            color = game.to_move
            reply = engine.genmove(GTP_COLOR[color], timeout=60)
            game.play(Move(color, point_of(reply, size)))  # raises if the move is illegal for us
        assert_same_stones(game, engine, "at the end of the game")
        assert engine.final_status_list("dead") == []
        theirs = engine.final_score()
    ours = game.score(dead=())
    assert ours.result == theirs, (
        f"{len(game.moves)} moves; ours: Black {ours.black_stones} stones + "
        f"{ours.black_territory} territory, White {ours.white_stones} stones + "
        f"{ours.white_territory} territory + {ours.komi} komi, {ours.dame} dame\n{game.board}"
    )
