"""Minimal, typed, standard-library-only GTP client for a GNU Go (or any GTP engine) subprocess.

Usage::

    with GtpEngine(["--level", "5", "--chinese-rules"]) as engine:
        engine.boardsize(9)
        engine.clear_board()
        engine.komi(7.5)
        engine.play("black", "D4")
        reply = engine.genmove("white")   # e.g. "E5", "pass" or "resign"

Process lifecycle
-----------------
* The ``gnugo --mode gtp <args>`` process (or ``<command> <args>`` for any other GTP
  engine, ``command=[...]``) is started lazily by the first
  :meth:`GtpEngine.command` (or explicitly by :meth:`GtpEngine.start`).
* Each command has a deadline (``timeout`` seconds, overridable per call).
  If the full response has not arrived in time, the process is killed and
  :class:`EngineTimeout` is raised.  The next command starts a fresh process.
* If the process is found dead (EOF on stdout, broken stdin pipe, or it had
  already exited when a command was about to be sent), the command that hits
  the dead engine raises :class:`EngineDied` and the engine is marked stopped;
  the *following* command transparently starts a fresh process.  A fresh
  process has an empty default board (19x19, no stones), so callers that see
  :class:`EngineDied` or :class:`EngineTimeout` must re-send ``boardsize`` /
  ``komi`` / moves before relying on engine state again.
* :meth:`GtpEngine.stop` sends ``quit`` (best effort) and then terminates /
  kills the process.  There is no finalizer: use the context manager or call
  ``stop()``.

Engine failures (``? ...`` responses) raise :class:`GtpError`, a
``ValueError``; the engine stays usable afterwards.

Coordinates
-----------
:func:`to_vertex` / :func:`from_vertex` convert between BUGOUT coordinates
(0-based ``(x, y)`` with ``y == 0`` the *top* row) and GTP vertices (column
letters ``A``..``Z`` skipping ``I``; row ``1`` is the *bottom* row).
"""

from __future__ import annotations

from .client import GtpEngine
from .errors import EngineDied, EngineError, EngineTimeout, EngineUnavailable, GtpError
from .locate import DEFAULT_GNUGO_PATH, find_gnugo
from .vertices import COLUMNS, MAX_BOARD_SIZE, from_vertex, to_vertex

__all__ = [
    "COLUMNS",
    "DEFAULT_GNUGO_PATH",
    "MAX_BOARD_SIZE",
    "EngineDied",
    "EngineError",
    "EngineTimeout",
    "EngineUnavailable",
    "GtpEngine",
    "GtpError",
    "find_gnugo",
    "from_vertex",
    "to_vertex",
]
