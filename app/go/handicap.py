"""Fixed handicap placement on the star points (the GTP ``fixed_handicap`` layout)."""

from __future__ import annotations

from .board import check_size
from .errors import InvalidSetupError
from .types import Point


def max_handicap(size: int) -> int:
    if size < 7:
        return 0
    # Even boards and 7x7 have no usable centre or side star points.
    return 4 if size == 7 or size % 2 == 0 else 9


def fixed_handicap(size: int, stones: int) -> tuple[Point, ...]:
    """The handicap stones for ``stones`` (0 means none; 1 is not a handicap placement)."""
    check_size(size)
    if stones == 0:
        return ()
    limit = max_handicap(size)
    if not 2 <= stones <= limit:
        raise InvalidSetupError(
            f"handicap on {size}x{size} must be 0 or 2 to {limit}, got {stones!r}"
            if limit
            else f"no handicap is possible on {size}x{size}"
        )
    edge = 2 if size < 13 else 3
    near, far, mid = edge, size - 1 - edge, size // 2
    bottom_left, top_right = Point(near, far), Point(far, near)
    top_left, bottom_right = Point(near, near), Point(far, far)
    left, right, top, bottom = Point(near, mid), Point(far, mid), Point(mid, near), Point(mid, far)
    centre = Point(mid, mid)
    corners = [bottom_left, top_right, top_left, bottom_right]
    layout = {
        2: corners[:2],
        3: corners[:3],
        4: corners,
        5: corners + [centre],
        6: corners + [left, right],
        7: corners + [left, right, centre],
        8: corners + [left, right, top, bottom],
        9: corners + [left, right, top, bottom, centre],
    }
    return tuple(layout[stones])
