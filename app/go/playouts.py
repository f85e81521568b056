"""Random playouts from an end position, for the dead-stone estimate (:mod:`app.go.life`).

Why: whether a group at the end of a game lives is a question about what happens if play went
on; a static analysis answers it with rules of thumb, playouts answer it by playing. Each playout
fills the board with moves of both sides in turn until neither has one left; then every point
belongs to the colour of its stone, or of the stones around it. Averaged over many playouts, a
stone that its own colour rarely keeps is dead.

The moves are random with three exceptions, each of which keeps random play from throwing away
what any player would keep: a move never fills its own colour's eye (all four neighbours its
own, at most one enemy diagonal, none on the edge), so living groups stay alive; it never puts a
chain of ``SELF_ATARI_STONES`` stones or more in atari, so a seki is not broken by the side that
would lose by playing first (a stone or two may still be thrown in, to kill an eye); and after a
move next to which a chain is left in atari, the reply takes it if it is the enemy's, or saves it
if it is its own (taking an enemy chain next to it, or extending when that gives two liberties).

The board is built for speed in pure Python: a flat list with a border, each chain a circular
list of its stones and a count of its *pseudo-liberties* (one per stone next to an empty point,
with their sum and sum of squares, so that "one liberty left" is ``count * sum2 == sum ** 2``),
updated as stones are placed and captured; a playout copies a board built once per position. The
random generator is seeded from the position and the playout number, so that the same position
always gets the same answer.
"""

from __future__ import annotations

import random
import zlib

from .board import BLACK, EMPTY, WHITE

BORDER = 3
SELF_ATARI_STONES = 2
MOVES_PER_POINT = 2
"""A playout stops after this many moves per point of the board at most (long ko fights)."""
# SELF_ATARI_STONES was chosen on the "tune" half of bench/dead_stones.py, with app.go.life's.


class Position:
    """One position to play out: the padded board, its neighbour tables and the start state."""

    def __init__(self, cells: list[int], size: int) -> None:
        width = size + 2
        self.size, self.width = size, width
        padded = [BORDER] * (width * width)
        self.inside: list[int] = []  # padded index of every board point, in board order
        for y in range(size):
            for x in range(size):
                p = (y + 1) * width + x + 1
                padded[p] = cells[y * size + x]
                self.inside.append(p)
        self.cells = padded
        self.around = [(p - width, p - 1, p + 1, p + width) for p in range(width * width)]
        self.diagonals = [(p - width - 1, p - width + 1, p + width - 1, p + width + 1)
                          for p in range(width * width)]
        self.seed = zlib.crc32(bytes(cells))


class Playout:
    """One playout's board: stones in chains with pseudo-liberties, the empty points, the ko."""

    def __init__(self, position: Position, rng: random.Random) -> None:
        self.position = position
        self.rng = rng
        self.cells = cells = position.cells[:]
        n = len(cells)
        self.head = list(range(n))  # the chain of each stone (its representative stone)
        self.next = list(range(n))  # circular list of each chain's stones
        self.libs = [0] * n  # pseudo-liberties of each chain, at its representative
        self.lsum = [0] * n
        self.lsum2 = [0] * n
        self.stones = [0] * n
        self.empty: list[int] = []
        self.empty_at = [-1] * n
        self.ko = -1
        around = position.around
        for p in position.inside:
            if cells[p] == EMPTY:
                self.empty_at[p] = len(self.empty)
                self.empty.append(p)
        for p in position.inside:
            color = cells[p]
            if color != BLACK and color != WHITE:
                continue
            self.stones[p] = 1
            for q in around[p]:
                if cells[q] == EMPTY:
                    self.libs[p] += 1
                    self.lsum[p] += q
                    self.lsum2[p] += q * q
            for q in around[p]:
                if q < p and cells[q] == color and self.head[q] != self.head[p]:
                    self._merge(self.head[q], self.head[p])  # a stone already counted

    def fork(self, rng: random.Random) -> Playout:
        """A copy of this board to play on, with its own random generator."""
        twin = Playout.__new__(Playout)
        twin.position, twin.rng, twin.ko = self.position, rng, self.ko
        twin.cells, twin.head, twin.next = self.cells[:], self.head[:], self.next[:]
        twin.libs, twin.lsum, twin.lsum2 = self.libs[:], self.lsum[:], self.lsum2[:]
        twin.stones, twin.empty, twin.empty_at = self.stones[:], self.empty[:], self.empty_at[:]
        return twin

    # -- chains ----------------------------------------------------------------------------------
    def _merge(self, a: int, b: int) -> None:
        """Join chains ``a`` and ``b`` (representatives), the smaller into the larger."""
        if self.stones[a] < self.stones[b]:
            a, b = b, a
        head, nxt = self.head, self.next
        p = b
        while True:
            head[p] = a
            p = nxt[p]
            if p == b:
                break
        nxt[a], nxt[b] = nxt[b], nxt[a]
        self.stones[a] += self.stones[b]
        self.libs[a] += self.libs[b]
        self.lsum[a] += self.lsum[b]
        self.lsum2[a] += self.lsum2[b]

    def in_atari(self, chain: int) -> bool:
        libs = self.libs[chain]
        return libs > 0 and libs * self.lsum2[chain] == self.lsum[chain] * self.lsum[chain]

    def _remove(self, chain: int) -> int:
        """Take chain ``chain`` off the board, giving its points back as liberties."""
        cells, head, nxt, around = self.cells, self.head, self.next, self.position.around
        libs, lsum, lsum2 = self.libs, self.lsum, self.lsum2
        count = 0
        p = chain
        while True:
            cells[p] = EMPTY
            self.empty_at[p] = len(self.empty)
            self.empty.append(p)
            count += 1
            p = nxt[p]
            if p == chain:
                break
        while True:
            for q in around[p]:
                if cells[q] == BLACK or cells[q] == WHITE:
                    h = head[q]
                    libs[h] += 1
                    lsum[h] += p
                    lsum2[h] += p * p
            following = nxt[p]
            head[p] = p
            nxt[p] = p
            p = following
            if p == chain:
                break
        return count

    # -- moves -----------------------------------------------------------------------------------
    def is_eye(self, p: int, color: int) -> bool:
        """Whether empty ``p`` is ``color``'s eye: neighbours its own, at most one bad diagonal."""
        cells = self.cells
        for q in self.position.around[p]:
            if cells[q] != color and cells[q] != BORDER:
                return False
        enemy = color ^ 3
        bad = 0
        edge = 0
        for q in self.position.diagonals[p]:
            if cells[q] == enemy:
                bad += 1
            elif cells[q] == BORDER:
                edge = 1
        return bad + edge < 2

    def is_fine(self, p: int, color: int) -> bool:
        """Whether a random move of ``color`` may go at empty ``p``: legal, not an own eye,
        not a self-atari of ``SELF_ATARI_STONES`` stones or more."""
        if p == self.ko:
            return False
        cells, head, around = self.cells, self.head, self.position.around
        enemy = color ^ 3
        empties = enemies = friends = 0
        for q in around[p]:
            cell = cells[q]
            if cell == EMPTY:
                empties += 1
            elif cell == enemy:
                enemies += 1
            elif cell == color:
                friends += 1
        if empties >= 2:
            return True
        if enemies:
            libs, lsum, lsum2 = self.libs, self.lsum, self.lsum2
            for q in around[p]:
                if cells[q] == enemy:
                    h = head[q]
                    if libs[h] * lsum2[h] == lsum[h] * lsum[h]:
                        return True  # a capture
        elif not empties and self.is_eye(p, color):
            return False
        if not friends:
            return empties == 1
        liberties, stones = self.after(p, color)
        if liberties >= 2:
            return True
        return liberties == 1 and stones < SELF_ATARI_STONES

    def after(self, p: int, color: int) -> tuple[int, int]:
        """A stone of ``color`` at empty ``p``: its chain's liberties then (2 meaning two or
        more, and a capture counting as two) and its stones (counted only when that matters)."""
        cells, head, around = self.cells, self.head, self.position.around
        enemy = color ^ 3
        for q in around[p]:
            if cells[q] == enemy and self.in_atari(head[q]):
                return 2, 1
        liberties: set[int] = {q for q in around[p] if cells[q] == EMPTY}
        if len(liberties) >= 2:
            return 2, 1
        stones = 1
        seen: set[int] = set()
        for q in around[p]:
            if cells[q] != color or head[q] in seen:
                continue
            h = head[q]
            seen.add(h)
            stones += self.stones[h]
            if not self.in_atari(h):
                if liberties:
                    return 2, stones
                liberties.update(self._liberties(h, p, 2))
                if len(liberties) >= 2:
                    return 2, stones
        return len(liberties), stones

    def reply(self, last: int, color: int) -> int:
        """A tactical answer of ``color`` to the move at ``last``: take a chain left in atari
        there, or save one of its own that the move put in atari; -1 if there is none."""
        cells, head, around = self.cells, self.head, self.position.around
        libs, lsum = self.libs, self.lsum
        enemy = color ^ 3
        for q in (last, *around[last]):
            cell = cells[q]
            if (cell != BLACK and cell != WHITE) or not self.in_atari(head[q]):
                continue
            h = head[q]
            liberty = lsum[h] // libs[h]
            if liberty == self.ko:
                continue
            if cell == enemy:
                return liberty
            taking = self._capture_next_to(h)
            if taking >= 0:
                return taking
            if self.after(liberty, color)[0] >= 2:
                return liberty
        return -1

    def _capture_next_to(self, chain: int) -> int:
        """A point taking an enemy chain in atari next to ``chain``, or -1."""
        cells, head, nxt, around = self.cells, self.head, self.next, self.position.around
        enemy = cells[chain] ^ 3
        p = chain
        while True:
            for q in around[p]:
                if cells[q] == enemy and self.in_atari(head[q]):
                    liberty = self.lsum[head[q]] // self.libs[head[q]]
                    if liberty != self.ko:
                        return liberty
            p = nxt[p]
            if p == chain:
                return -1

    def _liberties(self, chain: int, besides: int, enough: int) -> set[int]:
        """Up to ``enough`` liberties of ``chain`` other than ``besides``."""
        cells, nxt, around = self.cells, self.next, self.position.around
        found: set[int] = set()
        p = chain
        while True:
            for q in around[p]:
                if cells[q] == EMPTY and q != besides:
                    found.add(q)
                    if len(found) >= enough:
                        return found
            p = nxt[p]
            if p == chain:
                return found

    def play(self, p: int, color: int) -> None:
        """Place a stone of ``color`` at empty ``p`` (a move :meth:`is_fine` allows)."""
        cells, head, around = self.cells, self.head, self.position.around
        libs, lsum, lsum2 = self.libs, self.lsum, self.lsum2
        empty, empty_at = self.empty, self.empty_at
        last = empty.pop()
        if last != p:
            slot = empty_at[p]
            empty[slot] = last
            empty_at[last] = slot
        empty_at[p] = -1
        cells[p] = color
        self.stones[p] = 1
        libs[p] = lsum[p] = lsum2[p] = 0
        pp = p * p
        for q in around[p]:
            cell = cells[q]
            if cell == EMPTY:
                libs[p] += 1
                lsum[p] += q
                lsum2[p] += q * q
            elif cell == BLACK or cell == WHITE:
                h = head[q]
                libs[h] -= 1
                lsum[h] -= p
                lsum2[h] -= pp
        for q in around[p]:
            if cells[q] == color and head[q] != head[p]:
                self._merge(head[q], head[p])
        enemy = color ^ 3
        taken = 0
        single = -1
        for q in around[p]:
            if cells[q] == enemy and libs[head[q]] == 0:
                count = self._remove(head[q])
                taken += count
                single = q
        mine = head[p]
        if taken == 1 and self.stones[mine] == 1 and self.in_atari(mine):
            self.ko = single
        else:
            self.ko = -1

    def run(self, color: int, limit: int) -> None:
        """Play random moves, ``color`` first, until both sides pass or ``limit`` moves."""
        rng, empty = self.rng, self.empty
        passes = moves = 0
        last = -1
        while passes < 2 and moves < limit:
            move = self.reply(last, color) if last >= 0 else -1
            count = len(empty)
            if move < 0 and count:
                i = int(rng.random() * count)
                for _ in range(count):
                    p = empty[i]
                    i = i + 1 if i + 1 < count else 0
                    if self.is_fine(p, color):
                        move = p
                        break
            if move >= 0:
                self.play(move, color)
                passes = 0
                moves += 1
            else:
                passes += 1
                self.ko = -1
            last = move
            color ^= 3

    def owners(self) -> list[int]:
        """Who owns each point of the board now: its stone's colour, or its neighbours' if they
        are all of one colour, else ``EMPTY``."""
        cells, around = self.cells, self.position.around
        found = []
        for p in self.position.inside:
            cell = cells[p]
            if cell == EMPTY:
                seen = 0
                for q in around[p]:
                    if cells[q] == BLACK or cells[q] == WHITE:
                        seen |= cells[q]
                cell = seen if seen != BLACK | WHITE else EMPTY
            found.append(cell)
        return found


def ownership(cells: list[int], size: int, playouts: int) -> list[float]:
    """For each point of the board, how often Black owns it at the end of a playout, minus how
    often White does: from +1 (always Black's) to -1 (always White's). Half the playouts start
    with Black, half with White."""
    position = Position(cells, size)
    total = [0] * (size * size)
    limit = MOVES_PER_POINT * size * size
    start = Playout(position, random.Random(0))
    for number in range(playouts):
        playout = start.fork(random.Random(position.seed * 1000 + number))
        playout.run(BLACK if number % 2 == 0 else WHITE, limit)
        for i, owner in enumerate(playout.owners()):
            if owner == BLACK:
                total[i] += 1
            elif owner == WHITE:
                total[i] -= 1
    return [t / playouts for t in total] if playouts else [0.0] * len(total)
