"""One round of the dead-stone estimate's group analysis (:mod:`app.go.life`, pass 3): the board
with the chains found dead so far lifted off, its live chains joined into dragons, and each
dragon's eyes, strength, liberties and enemies.

Only the building: what the dragons are worth, and which of them die, :mod:`app.go.life` decides.
The rules for joining chains and counting eyes are in that module's docstring.
"""

from __future__ import annotations

from .board import BLACK, EMPTY, WHITE
from .chains import Chains
from .eyes import eye_value, inner_eyes

INFLUENCE_STEPS = 4
INFLUENCE_DECAY = 0.5
OWNERSHIP_RATIO = 2.0
CONTROL_SHARE = 0.6
SOLID_LIBERTIES = 3
# Chosen with the constants of app.go.life, on the "tune" half of the professional games in
# bench/dead_stones.py (and checked on GNU Go self-play games); the other half is held out.


def influence(chains: Chains, open_at: bytearray, own: int) -> list[float]:
    """How strongly ``own``'s live stones reach each open point, through open points only.

    Step 1 counts the adjacent stones; each further step adds the neighbours' previous values
    (capped at 4, so that a point is not worth more for having many paths), weighted by
    ``INFLUENCE_DECAY`` per step. Enemy stones block; stones elsewhere are 0.
    """
    cells, neighbours = chains.cells, chains.neighbours
    n = len(cells)
    front = [0.0] * n
    points = [p for p in range(n) if open_at[p]]
    for p in points:
        count = 0
        for q in neighbours[p]:
            if not open_at[q] and cells[q] == own:
                count += 1
        front[p] = float(count)
    total = front[:]
    weight = 1.0
    for _ in range(INFLUENCE_STEPS - 1):
        weight *= INFLUENCE_DECAY
        following = [0.0] * n
        for p in points:
            value = 0.0
            for q in neighbours[p]:
                value += front[q]
            if value:
                value = min(value, 4.0)
                following[p] = value
                total[p] += weight * value
        front = following
    return total


class _UnionFind:
    def __init__(self, items: list[int]) -> None:
        self.parent = {item: item for item in items}

    def find(self, item: int) -> int:
        parent = self.parent
        while parent[item] != item:
            parent[item] = parent[parent[item]]
            item = parent[item]
        return item

    def union(self, items: list[int] | set[int]) -> None:
        roots = {self.find(item) for item in items}
        if len(roots) > 1:
            first, *rest = roots
            for root in rest:
                self.parent[root] = first


class Dragons:
    """One round: the board with the chains found dead so far lifted off, in dragons with eyes."""

    def __init__(self, chains: Chains, dead: set[int], safe: set[int]) -> None:
        self.chains = chains
        cells = chains.cells
        n = len(cells)
        open_at = bytearray(n)
        for p, cell in enumerate(cells):
            if cell == EMPTY:
                open_at[p] = 1
        for chain in dead:
            for p in chains.stones[chain]:
                open_at[p] = 1
        self.open_at = open_at
        self.live = [c for c in range(len(chains)) if c not in dead]
        self.libs = {c: {q for p in chains.stones[c] for q in chains.neighbours[p] if open_at[q]}
                     for c in self.live}
        self._regions()
        links = _UnionFind(self.live)
        self._link(links)
        self._link_miai(links)
        self.dragon_of = {c: links.find(c) for c in self.live}
        self.members: dict[int, list[int]] = {}
        for c in self.live:
            self.members.setdefault(self.dragon_of[c], []).append(c)
        self.liberties = {d: set().union(*(self.libs[c] for c in group))
                          for d, group in self.members.items()}
        self._count_eyes(safe)
        self._find_enemies()

    def _regions(self) -> None:
        """Connected open points, with the live chains around them and each contact's chain."""
        chains = self.chains
        cells, neighbours, of, open_at = chains.cells, chains.neighbours, chains.of, self.open_at
        region_at = [-1] * len(cells)
        self.region_points: list[list[int]] = []
        self.region_chains: list[set[int]] = []
        self.region_colors: list[int] = []  # BLACK | WHITE bits of the stones around
        self.region_contacts: list[list[int]] = []  # the chain of every (point, stone) contact
        for start, is_open in enumerate(open_at):
            if not is_open or region_at[start] >= 0:
                continue
            number = len(self.region_points)
            region_at[start] = number
            points = [start]
            touching: set[int] = set()
            contacts: list[int] = []
            colors = 0
            stack = [start]
            while stack:
                for q in neighbours[stack.pop()]:
                    if open_at[q]:
                        if region_at[q] < 0:
                            region_at[q] = number
                            points.append(q)
                            stack.append(q)
                    else:
                        touching.add(of[q])
                        contacts.append(of[q])
                        colors |= cells[q]
            self.region_points.append(points)
            self.region_chains.append(touching)
            self.region_colors.append(colors)
            self.region_contacts.append(contacts)
        self.region_at = region_at

    def _controller(self, region: int) -> int:
        """The colour controlling a region that touches both (see :mod:`app.go.life`), or 0."""
        color, libs = self.chains.color, self.libs
        counts = [0, 0, 0]
        for chain in self.region_contacts[region]:
            if len(libs[chain]) >= SOLID_LIBERTIES:
                counts[color[chain]] += 1
        total = counts[BLACK] + counts[WHITE]
        for own in (BLACK, WHITE):
            if total and counts[own] >= CONTROL_SHARE * total:
                return own
        return 0

    def _link(self, links: _UnionFind) -> None:
        chains = self.chains
        cells, neighbours, of, color = chains.cells, chains.neighbours, chains.of, chains.color
        self.controlled: list[tuple[int, int]] = []  # (region, colour) of controlled regions
        for r, touching in enumerate(self.region_chains):
            colors = self.region_colors[r]
            if colors in (BLACK, WHITE):
                links.union(touching)
            elif colors == BLACK | WHITE:
                own = self._controller(r)
                if own:
                    self.controlled.append((r, own))
                    links.union({c for c in touching if color[c] == own})
        # two shared liberties
        around = self._chains_by_liberty()
        shared: dict[tuple[int, int], int] = {}
        for group in around.values():
            for i, a in enumerate(group):
                for b in group[i + 1:]:
                    if color[a] == color[b]:
                        key = (a, b) if a < b else (b, a)
                        shared[key] = shared.get(key, 0) + 1
        for (a, b), count in shared.items():
            if count >= 2:
                links.union([a, b])
        # areas owned by influence
        open_at = self.open_at
        black = influence(chains, open_at, BLACK)
        white = influence(chains, open_at, WHITE)
        owner = bytearray(len(cells))
        for p, is_open in enumerate(open_at):
            if is_open:
                ours, theirs = black[p], white[p]
                if ours > 0 and ours >= OWNERSHIP_RATIO * theirs:
                    owner[p] = BLACK
                elif theirs > 0 and theirs >= OWNERSHIP_RATIO * ours:
                    owner[p] = WHITE
        seen = bytearray(len(cells))
        for start, own in enumerate(owner):
            if not own or seen[start]:
                continue
            seen[start] = 1
            owners: set[int] = set()
            stack = [start]
            while stack:
                for q in neighbours[stack.pop()]:
                    if open_at[q]:
                        if owner[q] == own and not seen[q]:
                            seen[q] = 1
                            stack.append(q)
                    elif cells[q] == own:
                        owners.add(of[q])
            links.union(owners)

    def _chains_by_liberty(self) -> dict[int, list[int]]:
        """Each liberty of a living chain, and the living chains around it."""
        around: dict[int, list[int]] = {}
        for chain in self.live:
            for q in self.libs[chain]:
                around.setdefault(q, []).append(chain)
        return around

    def _link_miai(self, links: _UnionFind) -> None:
        """Join a chain to a dragon of its colour with which it shares two liberties (played one,
        it takes the other), once the other links have made the dragons."""
        color = self.chains.color
        around = self._chains_by_liberty()
        shared: dict[tuple[int, int], int] = {}
        for group in around.values():
            if len(group) < 2:
                continue
            dragons = {links.find(c) for c in group}
            for chain in group:
                mine = links.find(chain)
                for dragon in dragons:
                    if dragon != mine and color[dragon] == color[chain]:
                        shared[chain, dragon] = shared.get((chain, dragon), 0) + 1
        for (chain, dragon), count in shared.items():
            if count >= 2:
                links.union([chain, dragon])

    def _count_eyes(self, safe: set[int]) -> None:
        chains = self.chains
        self.eyes = {d: 0 for d in self.members}
        self.strong = {d: any(c in safe for c in group) for d, group in self.members.items()}
        for r, touching in enumerate(self.region_chains):
            colors = self.region_colors[r]
            if colors in (BLACK, WHITE) and touching:
                dragon = self.dragon_of[next(iter(touching))]
                self.eyes[dragon] += eye_value(chains, self.region_points[r], colors, self.open_at)
        for r, own in self.controlled:
            mine = [c for c in self.region_chains[r] if chains.color[c] == own]
            dragon = self.dragon_of[mine[0]]
            self.eyes[dragon] += inner_eyes(chains, self.region_points[r], own, self.open_at)
        for dragon, eyes in self.eyes.items():
            if eyes >= 2:
                self.strong[dragon] = True

    def _find_enemies(self) -> None:
        """Dragons of the other colour touching each dragon, or sharing a region with it."""
        color, dragon_of = self.chains.color, self.dragon_of
        self.enemies: dict[int, set[int]] = {d: set() for d in self.members}
        for touching in self.region_chains:
            dragons = {dragon_of[c] for c in touching}
            if len(dragons) > 1:
                for a in dragons:
                    self.enemies[a].update(b for b in dragons if color[b] != color[a])
        for chain in self.live:
            for other in self.chains.adjacent(chain):
                if other in dragon_of:
                    self.enemies[dragon_of[chain]].add(dragon_of[other])
