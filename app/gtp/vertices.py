"""BUGOUT coordinates and GTP vertices (see the package docstring)."""

from __future__ import annotations

import re

#: GTP column letters; "I" is skipped by convention.
COLUMNS = "ABCDEFGHJKLMNOPQRSTUVWXYZ"
MAX_BOARD_SIZE = len(COLUMNS)  # 25

_VERTEX_RE = re.compile(r"([A-HJ-Z])([1-9][0-9]?)")


def check_size(size: int) -> None:
    if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= MAX_BOARD_SIZE:
        raise ValueError(f"board size must be an int in 1..{MAX_BOARD_SIZE}, got {size!r}")


def to_vertex(x: int, y: int, size: int) -> str:
    """Convert 0-based ``(x, y)`` (``y == 0`` is the top row) to a GTP vertex."""
    check_size(size)
    for name, v in (("x", x), ("y", y)):
        if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v < size:
            raise ValueError(f"{name} must be an int in 0..{size - 1}, got {v!r}")
    return f"{COLUMNS[x]}{size - y}"


def from_vertex(vertex: str, size: int) -> tuple[int, int] | None:
    """Convert a GTP vertex to 0-based ``(x, y)`` (``y == 0`` is the top row).

    Case-insensitive.  ``"pass"`` returns ``None``.  Anything else that is not
    an on-board vertex (including ``"resign"`` and the column ``I``) raises
    ``ValueError``.
    """
    check_size(size)
    if not isinstance(vertex, str):
        raise ValueError(f"vertex must be a str, got {vertex!r}")
    v = vertex.strip().upper()
    if v == "PASS":
        return None
    m = _VERTEX_RE.fullmatch(v)
    if m is None:
        raise ValueError(f"invalid GTP vertex {vertex!r}")
    x = COLUMNS.index(m.group(1))
    row = int(m.group(2))
    if x >= size or row > size:
        raise ValueError(f"vertex {vertex!r} is off a {size}x{size} board")
    return x, size - row
