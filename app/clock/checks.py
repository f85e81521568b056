"""Colours, and the checks that the clock's values and functions share.

Colours are the strings ``"BLACK"`` and ``"WHITE"``; members of ``app.go.Color`` are accepted
wherever a colour is taken (see the package docstring).
"""

from __future__ import annotations

import math
from enum import Enum
from typing import Any, Mapping, Optional, Union

from .errors import ClockError, InvalidColor

BLACK = "BLACK"
WHITE = "WHITE"
COLORS: tuple[str, str] = (BLACK, WHITE)

#: A colour as taken by this package: ``"BLACK"``/``"WHITE"`` or an enum whose value is one.
ColorLike = Union[str, Enum]


def is_int(value: object) -> bool:
    # bool is an int subclass; True periods is always a bug, never a count.
    return isinstance(value, int) and not isinstance(value, bool)


def as_color(value: object) -> str:
    raw = value.value if isinstance(value, Enum) else value
    if raw not in COLORS:
        raise InvalidColor(f"colour must be 'BLACK' or 'WHITE', not {value!r}")
    return str(raw)


def finite(value: object) -> Optional[float]:
    """``value`` as a float if it is a finite real number (not a bool), else None."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        number = float(value)
    except OverflowError:
        return None
    return number if math.isfinite(number) else None


def require_keys(
    data: object, required: set[str], optional: set[str], error: type[ClockError], what: str
) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise error(f"{what} must be a JSON object, not {type(data).__name__}")
    missing = required - data.keys()
    unknown = data.keys() - required - optional
    if missing:
        raise error(f"{what} lacks {sorted(missing)}")
    if unknown:
        # Strict on purpose: a misspelt key must not silently become a default.
        raise error(f"{what} has unknown keys {sorted(unknown)}")
    return data
