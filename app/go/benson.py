"""Benson's unconditional life: chains that cannot be captured even if their owner always passes.

Why: it is the one test of life that is exact, cheap (a fixed point over chains and regions) and
free of any tuning, so the dead-stone estimate (:mod:`app.go.life`) starts from it. What it
proves is strict: a group alive only because of a big territory, or by seki, or by an eye that a
dead enemy stone still occupies next to an empty point not touching the group, is not found; the
estimate has other means for those.

The algorithm (D. B. Benson, *Life in the game of Go*, 1976): for a colour, a *region* is a
maximal connected set of points that are not of that colour (empty points and enemy stones). A
region is *vital* to a chain when every empty point of the region is a liberty of the chain.
Start from all chains and all regions; repeatedly drop the chains with fewer than two vital
regions among those left, and the regions that touch a dropped chain. What is left is alive
whatever the opponent does, and the enemy stones inside a vital region left are dead: every empty
point there touches an unconditionally alive chain, so they can never make an eye.
"""

from __future__ import annotations

from dataclasses import dataclass

from .board import EMPTY
from .chains import Chains


@dataclass(frozen=True)
class Unconditional:
    """The result for one colour: its alive chains, and the enemy chains they surely kill."""

    alive: frozenset[int]
    dead_enemies: frozenset[int]


def unconditional_life(chains: Chains, own: int) -> Unconditional:
    cells, neighbours, of = chains.cells, chains.neighbours, chains.of
    region_of = [-1] * len(cells)
    borders: list[set[int]] = []  # own chains touching each region
    vital_to: list[list[int]] = [[] for _ in range(len(chains))]  # per chain, its vital regions
    enemies_in: list[set[int]] = []  # enemy chains inside each region
    for start, cell in enumerate(cells):
        if cell == own or region_of[start] >= 0:
            continue
        number = len(borders)
        region_of[start] = number
        empties: list[int] = []
        border: set[int] = set()
        inside: set[int] = set()
        stack = [start]
        while stack:
            p = stack.pop()
            if cells[p] == EMPTY:
                empties.append(p)
            else:
                inside.add(of[p])
            for q in neighbours[p]:
                other = cells[q]
                if other == own:
                    border.add(of[q])
                elif region_of[q] < 0:
                    region_of[q] = number
                    stack.append(q)
        borders.append(border)
        enemies_in.append(inside)
        for chain in border:
            liberties = chains.liberties[chain]
            if all(e in liberties for e in empties):
                vital_to[chain].append(number)
    alive = set(chains.of_color(own))
    regions = set(range(len(borders)))
    changed = True
    while changed:
        changed = False
        for chain in list(alive):
            if sum(1 for r in vital_to[chain] if r in regions) < 2:
                alive.discard(chain)
                changed = True
        for r in list(regions):
            if not borders[r] <= alive:
                regions.discard(r)
                changed = True
    dead: set[int] = set()
    for chain in alive:
        for r in vital_to[chain]:
            if r in regions:
                dead.update(enemies_in[r])
    return Unconditional(frozenset(alive), frozenset(dead))
