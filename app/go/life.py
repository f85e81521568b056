"""Which stones are dead when play stops: a fast estimate, which the players then correct.

Why not ask GNU Go: ``final_status_list dead`` at level 10 plays the game out and costs 1 to 18
seconds of CPU on a 19x19 end position. This module answers in about 40 ms (100 ms at worst), in
the standard library. How good it is, ``bench/dead_stones.py`` measures on professional games
decided by counting, against GNU Go on the same positions: counted with these dead stones, 88.5%
of the final positions give the recorded winner (91.4% on the half the constants below were
chosen on, 85.7% on the other), where GNU Go level 10 gives 87.1% (85.7% on that other half);
76% of the counts are within 2 points of the recorded margin (GNU Go 77%). It is a suggestion:
the players toggle stones before they accept the count.

The method: three passes of static analysis over :class:`~app.go.chains.Chains`, then playouts:

1. **Benson's unconditional life** (:mod:`app.go.benson`): chains that stay alive even if
   their owner always passes are alive, and enemy stones inside their vital regions are dead.
   Exact, but it proves little at the end of a game (big territories are not "vital").
2. **Stones left in atari**: a chain with one liberty is dead when taking it is for good, that
   is when the capturing stone would not be left with a single liberty itself (a ko or a
   snapback, where the owner could take back). Players finish a game with such stones only
   when they are not worth saving.
3. **Rounds of group analysis** until nothing changes (:class:`~app.go.dragons.Dragons`, rebuilt each round with
   the stones found dead so far lifted off, so that their points become the surrounding
   colour's territory and eyes):

   * *dragons*: chains of one colour are joined when they touch the same empty region bordered
     only by their colour (an eye or a territory), touch the same region mostly bordered by their
     colour (see below), or touch the same connected area that their colour owns by influence
     (stones radiating through empty points, 4 steps, halving each step; an area is owned when
     one colour's influence is at least twice the other's); then a chain sharing two liberties
     with another chain or dragon of its colour joins it (a miai connection).
   * *eyes*: each region bordered only by the dragon's colour is worth 0 (a false eye: enemy
     stones on the diagonals), 1 (one or two points, or the squared four) or 2 (three points or
     more: whoever plays first, its owner makes two eyes or it is territory). A region touching
     both colours but *controlled* by one (at least 60% of its contacts with stones come from
     that colour's chains with three liberties or more) gives that colour the points no enemy
     stone touches: one eye per such group of points, two for a group of three or more.
   * a dragon with two eyes, or with an unconditionally alive chain, is *strong*. A *weak*
     dragon is dead unless it reaches a strong dragon of its colour through empty points that no
     enemy stone touches (it can connect), or it survives a capturing race with a weak enemy
     dragon next to it: a race it cannot lose and cannot win is a seki (both live); a race it
     wins is worth one eye, two if the enemy dragon and its liberties cover seven points or more.
     Races are counted on liberties: shared liberties count for the side with an eye; without
     eyes, a side needs as many outside liberties as the other's outside plus shared minus one.

4. **Playouts** (:mod:`app.go.playouts`): ``PLAYOUTS`` random games from the position, which
   never fill their own eyes nor put two stones or more in atari, answer captures and ataris next
   to the last move, and end when neither side has a move; a chain's score is how often its colour
   owns its points at the end, less how often the enemy does. They settle what the rules above
   guess at (races, eye shapes, seki): a chain the enemy owns in most playouts (score below
   ``-SURE``) is dead whatever the passes above said, and a chain they called dead that its colour
   keeps in most playouts (score ``SURE`` or more) lives. The generator is seeded from the
   position, so the same board always gets the same answer.

Known failure cases, all visible in the benchmark: capturing races and eye shapes that random
play misreads as well as the rules above (a group with one eye and room around it often lives in
random play, so a dead one is kept alive when the passes above are not sure of it either); seki
with more than two groups; regions whose boundary is still open when the players stopped; and
stones in a ko at the end. The estimate errs towards keeping stones alive when an eye or a
connection is in doubt.
"""

from __future__ import annotations

from .benson import unconditional_life
from .board import BLACK, EMPTY, WHITE, Board
from .chains import Chains
from .dragons import Dragons
from .playouts import ownership
from .types import Point

WINS, SEKI, LOSES = 1, 0, -1
"""Outcomes of a capturing race, seen from the first dragon."""

MAX_ROUNDS = 12
CAPTURE_BIG = 7
PLAYOUTS = 32
SURE = 0.5
PLAYED_OUT_MAX_EMPTY = 2 / 3
"""A board with more of its points empty than this was not played out (two passes early in a
game): random play from it is long (an empty 19x19 board costs 120 ms, a finished game 40) and
says little, so the static passes decide alone. Finished professional games leave at most 52%
of the board empty (186 points of 361 in bench/dead_stones.py)."""
# The constants above, and those of app.go.dragons, app.go.eyes and app.go.playouts, were chosen on
# the "tune" half of the professional games in bench/dead_stones.py; the other half is held out.


def suggest_dead(board: Board) -> set[Point]:
    """The stones of ``board`` that look dead, to be offered to the players when play stops:
    the static passes' verdict, corrected by the playouts where they are sure (pass 4)."""
    chains = Chains(board)
    dead = dead_chains(chains)
    if board.cells.count(EMPTY) <= PLAYED_OUT_MAX_EMPTY * len(board.cells):
        kept = chains_kept(chains, ownership(board.cells, board.size, PLAYOUTS))
        dead = {c for c in dead if kept[c] < SURE} | {c for c, share in enumerate(kept) if share < -SURE}
    return {board.point(p) for chain in dead for p in chains.stones[chain]}


def chains_kept(chains: Chains, owned: list[float]) -> list[float]:
    """How much each chain's colour keeps its points in the playouts, from ``owned`` (Black's
    share minus White's, per point): +1 it always keeps them, -1 the enemy always takes them."""
    kept = []
    for chain, stones in enumerate(chains.stones):
        share = sum(owned[p] for p in stones) / len(stones)
        kept.append(share if chains.color[chain] == BLACK else -share)
    return kept


def dead_chains(chains: Chains) -> set[int]:
    """The numbers of the dead chains among ``chains`` by the static passes (1 to 3 in the module
    docstring), before the playouts."""
    safe: set[int] = set()
    dead: set[int] = set()
    for own in (BLACK, WHITE):
        found = unconditional_life(chains, own)
        safe |= found.alive
        dead |= found.dead_enemies
    dead |= takeable(chains) - safe
    for _ in range(MAX_ROUNDS):
        newly = newly_dead(Dragons(chains, dead, safe))
        if not newly:
            break
        dead |= newly
    return dead


def takeable(chains: Chains) -> set[int]:
    """Chains with one liberty that the opponent can take for good.

    Left out: captures the owner could answer by taking back at once, because the capturing
    stone's chain would itself be left with a single liberty (a ko or a snapback).
    """
    cells, neighbours, of = chains.cells, chains.neighbours, chains.of
    found = set()
    for chain, liberties in enumerate(chains.liberties):
        if len(liberties) != 1:
            continue
        (point,) = liberties
        owner = chains.color[chain]
        captured = {of[q] for q in neighbours[point]
                    if cells[q] == owner and len(chains.liberties[of[q]]) == 1}
        lifted = {p for c in captured for p in chains.stones[c]}
        seen = {point}
        stack = [point]
        after: set[int] = set()
        while stack and len(after) < 2:
            p = stack.pop()
            for q in neighbours[p]:
                if q == point:
                    continue
                if q in lifted or cells[q] == EMPTY:
                    after.add(q)
                elif cells[q] != owner and q not in seen:
                    seen.add(q)
                    stack.append(q)
        if len(after) >= 2:
            found.add(chain)
    return found


def reaches_strong_friend(view: Dragons, dragon: int) -> bool:
    """Whether the dragon reaches a strong dragon of its colour through open points that no
    live enemy stone touches (and stones of its colour): it can connect out."""
    chains = view.chains
    cells, neighbours, of, open_at = chains.cells, chains.neighbours, chains.of, view.open_at
    own = chains.color[dragon]
    enemy = own ^ 3
    stack = [p for c in view.members[dragon] for p in chains.stones[c]]
    seen = set(stack)
    while stack:
        p = stack.pop()
        if open_at[p]:
            if any(cells[q] == enemy and not open_at[q] for q in neighbours[p]):
                continue
        elif view.strong[view.dragon_of[of[p]]]:
            return True
        for q in neighbours[p]:
            if q not in seen and (open_at[q] or cells[q] == own):
                seen.add(q)
                stack.append(q)
    return False


def newly_dead(view: Dragons) -> set[int]:
    """The chains of the weak dragons that cannot live (see the module docstring)."""
    newly: set[int] = set()
    for dragon, group in view.members.items():
        if view.strong[dragon] or not view.enemies[dragon]:
            continue
        if reaches_strong_friend(view, dragon):
            continue
        eyes = view.eyes[dragon]
        seki = False
        for enemy in view.enemies[dragon]:
            if view.strong[enemy]:
                continue
            verdict = race(view.liberties[dragon], view.eyes[dragon],
                           view.liberties[enemy], view.eyes[enemy])
            if verdict == SEKI:
                seki = True
            elif verdict == WINS:
                eyes += 2 if capture_space(view, enemy) >= CAPTURE_BIG else 1
        if not seki and eyes < 2:
            newly.update(group)
    return newly


def capture_space(view: Dragons, dragon: int) -> int:
    """The points a dragon's capture would open: its stones and its liberties."""
    stones = sum(len(view.chains.stones[c]) for c in view.members[dragon])
    return stones + len(view.liberties[dragon])


def race(mine: set[int], my_eyes: int, theirs: set[int], their_eyes: int) -> int:
    """Who wins a capturing race between two dragons, counted on liberties.

    Returns :data:`WINS` (we capture them), :data:`SEKI` (neither can) or :data:`LOSES`.
    Without eyes on either side, a side captures when its outside liberties are at least the
    other's outside plus shared liberties minus one; with an eye against none, the shared
    liberties count for the eye's owner; eye against eye, the outside liberties decide and a tie
    is a seki. Approach moves, ko and eye shapes are not read.
    """
    shared = len(mine & theirs)
    a = len(mine) - shared
    b = len(theirs) - shared
    if my_eyes and not their_eyes:
        return WINS if a + shared >= b else LOSES
    if their_eyes and not my_eyes:
        return LOSES if b + shared >= a else WINS
    if not my_eyes and shared >= 2:
        if a >= b + shared - 1:
            return WINS
        if b >= a + shared - 1:
            return LOSES
        return SEKI
    if a > b:
        return WINS
    if b > a:
        return LOSES
    return SEKI
