"""Where the GNU Go binary is."""

from __future__ import annotations

import os
import shutil

from .errors import EngineUnavailable

DEFAULT_GNUGO_PATH = "/usr/games/gnugo"


def _is_executable(path: str) -> bool:
    return os.path.isfile(path) and os.access(path, os.X_OK)


def find_gnugo() -> str:
    """Return the GNU Go binary path.

    Order: ``$GNUGO_BINARY`` (if set, it must exist; no fallback), then
    ``shutil.which("gnugo")``, then ``/usr/games/gnugo``.
    Raises :class:`EngineUnavailable` if nothing usable is found.
    """
    env = os.environ.get("GNUGO_BINARY")
    if env:
        resolved = env if os.sep in env else shutil.which(env)
        if resolved and _is_executable(resolved):
            return resolved
        raise EngineUnavailable(f"GNUGO_BINARY={env!r} is not an executable file")
    found = shutil.which("gnugo")
    if found:
        return found
    if _is_executable(DEFAULT_GNUGO_PATH):
        return DEFAULT_GNUGO_PATH
    raise EngineUnavailable(
        "GNU Go not found: set GNUGO_BINARY, put gnugo on PATH, "
        f"or install it at {DEFAULT_GNUGO_PATH} (Debian package 'gnugo')"
    )
