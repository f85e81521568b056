"""How many eyes a region gives the dragon around it, for the dead-stone estimate (:mod:`app.go.life`).

The rules (false eyes, the squared four, regions controlled by one colour) are in that module's
docstring, under *eyes*.
"""

from __future__ import annotations

from .chains import Chains

INNER_BIG_EYE = 3
# Chosen with the constants of app.go.life, on the "tune" half of the professional games in
# bench/dead_stones.py (and checked on GNU Go self-play games); the other half is held out.


def eye_value(chains: Chains, region: list[int], own: int, open_at: bytearray) -> int:
    """Eyes in a region bordered only by ``own``: 0, 1 or 2 (see :mod:`app.go.life`)."""
    size = chains.size
    if len(region) >= 3:
        if len(region) == 4:
            xs = {p % size for p in region}
            ys = {p // size for p in region}
            if len(xs) == 2 and len(ys) == 2:
                return 1  # the squared four: one eye whoever plays first
        return 2
    if len(region) == 2:
        return 1
    y, x = divmod(region[0], size)
    enemy = own ^ 3
    diagonals = enemies = 0
    for dy in (-1, 1):
        for dx in (-1, 1):
            yy, xx = y + dy, x + dx
            if 0 <= yy < size and 0 <= xx < size:
                diagonals += 1
                q = yy * size + xx
                if chains.cells[q] == enemy and not open_at[q]:
                    enemies += 1
    if enemies >= 2 or (diagonals < 4 and enemies >= 1):
        return 0  # a false eye
    return 1


def inner_eyes(chains: Chains, region: list[int], own: int, open_at: bytearray) -> int:
    """Eyes in a region controlled by ``own``: its groups of points no enemy stone touches."""
    cells, neighbours = chains.cells, chains.neighbours
    enemy = own ^ 3
    inner = {p for p in region
             if not any(cells[q] == enemy and not open_at[q] for q in neighbours[p])}
    eyes = 0
    while inner and eyes < 2:
        start = inner.pop()
        size = 1
        stack = [start]
        while stack:
            for q in neighbours[stack.pop()]:
                if q in inner:
                    inner.discard(q)
                    size += 1
                    stack.append(q)
        eyes += 2 if size >= INNER_BIG_EYE else 1
    return min(eyes, 2)
