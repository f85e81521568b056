"""The AI engine keeper: one warm GNU Go process per bot worker process.

Used inside the Celery bot worker (solo pool), but pure Python + subprocess: no Celery or Redis
here. Status changes (``Idle`` / ``Booting`` / ``Online``) go to the ``on_status`` callback, which
the worker wires to whatever publishes ``IdleStatusProvided``::

    keeper = EngineKeeper(idle_stop_s=300, on_status=publish_status)  # once per worker process
    reply = keeper.genmove(state)       # a Point, None (pass) or "resign"

Dead stones are not the engine's work: ``app.go.life`` suggests them in milliseconds, where GNU
Go's ``final_status_list dead`` took seconds of CPU per game (``bench/dead_stones.py``).

Every request re-syncs the whole game into the engine (``boardsize``, ``clear_board``, ``komi``,
handicap stones, every move) and then sets the level: the engine holds no state between requests,
so any number of games can share the process. Replaying 150-300 moves costs ~10-15 ms.

Rule flags are process-wide in GNU Go, so a request whose rules need other flags than the running
process restarts it (rare: most games use one rule set). The level is set per request with the GTP
``level`` command. Resignation is allowed: ``genmove`` then returns :data:`RESIGN`.

Concurrency: one re-entrant lock serializes all engine use (the worker's task thread and the idle
timer thread). Each use touches a last-used time and re-arms a single daemon timer that stops the
engine once it has been unused for ``idle_stop_s`` seconds.

Failures: an engine that dies or times out mid-request is restarted once and the whole request
(sync + command) is retried; a second failure, a missing binary, or a move GNU Go refuses raise
:class:`EngineFailure`.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Callable, Literal, Mapping, Optional, TypeVar, Union

from app import go
from app.choices import Strength
from app.game import GameState
from app.go import Color, KoRule, Point, Scoring
from app.gtp import (
    EngineDied,
    EngineTimeout,
    EngineUnavailable,
    GtpEngine,
    GtpError,
    from_vertex,
    to_vertex,
)

__all__ = [
    "BOOTING",
    "GNUGO_LEVELS",
    "describe",
    "IDLE",
    "ONLINE",
    "RESIGN",
    "EngineFailure",
    "EngineKeeper",
    "rule_flags",
]

log = logging.getLogger(__name__)

IDLE = "Idle"
"""No engine process."""
BOOTING = "Booting"
"""A process is starting."""
ONLINE = "Online"
"""A process is running and answered."""

RESIGN: Literal["resign"] = "resign"
GNUGO_LEVELS: dict[Strength, int] = {
    Strength.ONE_STAR: 1, Strength.TWO_STARS: 4, Strength.THREE_STARS: 6, Strength.FOUR_STARS: 8}
"""GNU Go's level for each strength. The strongest is 8, not GNU Go's default 10: level 10 took up
to 2.4 s on 19x19 middle games here, level 8 at most 0.94 s (``bench/bot.py``)."""


def describe(strength: Strength) -> str:
    """Which engine plays a strength, in words for players."""
    return f"GNU Go level {GNUGO_LEVELS[strength]}"

StatusCallback = Callable[[str, float], None]
GenmoveResult = Union[Optional[Point], Literal["resign"]]
T = TypeVar("T")


class EngineFailure(RuntimeError):
    """The engine could not answer: it failed twice, is not installed, or refused the game."""


def rule_flags(rules: Union[str, go.RuleSet]) -> tuple[str, ...]:
    """GNU Go command-line flags for a rule preset name (or a rule set).

    chinese -> ``--chinese-rules --positional-superko``; tromp-taylor -> the same plus
    ``--allow-all-suicide``; japanese -> ``--japanese-rules`` (GNU Go's default simple ko).
    """
    rule_set = go.preset(rules) if isinstance(rules, str) else rules
    flags = ["--chinese-rules" if rule_set.scoring is Scoring.AREA else "--japanese-rules"]
    if rule_set.ko is KoRule.POSITIONAL:
        flags.append("--positional-superko")
    elif rule_set.ko is KoRule.SITUATIONAL:
        flags.append("--situational-superko")
    if rule_set.suicide_allowed:
        flags.append("--allow-all-suicide")
    return tuple(flags)


def _gtp_color(color: Color) -> str:
    return "black" if color is Color.BLACK else "white"


class EngineKeeper:
    """Keeps one GNU Go process warm for this worker process; see the module docstring."""

    def __init__(
        self,
        idle_stop_s: Optional[float] = 300,
        timeout_s: float = 10,
        on_status: StatusCallback = lambda status, since: None,
        binary: Optional[str] = None,
        levels: Mapping[Strength, int] = GNUGO_LEVELS,
    ) -> None:
        self.levels = dict(levels)
        """The GNU Go level that plays each strength."""
        self.idle_stop_s = idle_stop_s
        """Seconds unused before the engine stops; ``None`` never stops it on its own."""
        self.timeout_s = float(timeout_s)
        """Deadline of each GTP command (a timed-out engine is killed)."""
        self.binary = binary
        """GNU Go path; ``None`` lets :func:`app.gtp.find_gnugo` look for it at each start."""
        self._on_status = on_status
        self._lock = threading.RLock()
        self._engine: Optional[GtpEngine] = None
        self._flags: tuple[str, ...] = ()
        self._status = IDLE
        self._since = time.time()
        self._last_used = self._since
        self._timer: Optional[threading.Timer] = None

    # -- state -----------------------------------------------------------------------------------
    @property
    def status(self) -> str:
        """``"Idle"``, ``"Booting"`` or ``"Online"``."""
        return self._status

    @property
    def since(self) -> float:
        """``time.time()`` of the last status change."""
        return self._since

    @property
    def last_used(self) -> float:
        """``time.time()`` of the last :meth:`touch`."""
        return self._last_used

    @property
    def pid(self) -> Optional[int]:
        """PID of the engine process, or ``None`` when there is none."""
        engine = self._engine
        return engine.pid if engine is not None else None

    @property
    def flags(self) -> tuple[str, ...]:
        """The rule flags of the running process (``()`` when there is none)."""
        return self._flags if self._engine is not None else ()

    def __repr__(self) -> str:
        return f"<EngineKeeper {self._status} pid={self.pid} flags={list(self.flags)}>"

    # -- lifecycle -------------------------------------------------------------------------------
    def ensure(self, rules: Optional[str] = None) -> None:
        """Start the engine if it is not running (reports Booting, then Online).

        With ``rules`` (a preset name), a process started with other rule flags is restarted;
        without, a running process is kept whatever its flags, and a new one gets Chinese rules.
        Raises :class:`EngineFailure` if the engine cannot be started.
        """
        with self._lock:
            self.touch()
            try:
                if rules is not None:
                    flags = rule_flags(rules)
                elif self._engine is not None and self._engine.is_running:
                    flags = self._flags
                else:
                    flags = rule_flags(go.CHINESE)
                self._ensure(flags)
            except (EngineUnavailable, EngineDied, EngineTimeout, GtpError) as exc:
                raise EngineFailure(f"GNU Go could not be started: {exc}") from exc
            finally:
                self.touch()

    def touch(self) -> None:
        """Record a use now and re-arm the idle timer."""
        with self._lock:
            self._last_used = time.time()
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            if self.idle_stop_s is None:
                return
            timer = threading.Timer(max(0.0, self.idle_stop_s), self._idle_timer_fired)
            timer.daemon = True
            timer.name = "engine-idle-stop"
            self._timer = timer
            timer.start()

    def stop_if_idle(self, now: Optional[float] = None) -> bool:
        """Stop the engine if it has been unused for ``idle_stop_s`` (``now``: a ``time.time()``).

        Returns whether it stopped an engine.
        """
        with self._lock:
            if self._engine is None or self.idle_stop_s is None:
                return False
            now = time.time() if now is None else now
            if now - self._last_used < self.idle_stop_s:
                return False
            log.info("stopping GNU Go after %.0f s unused", now - self._last_used)
            self._stop_locked()
            return True

    def stop(self) -> None:
        """Stop the engine now, if any (reports Idle), and cancel the idle timer."""
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
            self._stop_locked()

    def _idle_timer_fired(self) -> None:
        try:
            self.stop_if_idle()
        except Exception:  # a timer thread has no one to report to
            log.exception("idle stop of GNU Go failed")

    def _stop_locked(self) -> None:
        self._forget_broken_engine()
        self._set_status(IDLE)

    def _set_status(self, status: str) -> None:
        if status == self._status:
            return
        self._status = status
        self._since = time.time()
        try:
            self._on_status(status, self._since)
        except Exception:
            log.exception("engine status callback failed for %s", status)

    def _ensure(self, flags: tuple[str, ...]) -> GtpEngine:
        """The running engine with ``flags``, (re)started if needed. Lock held."""
        engine = self._engine
        if engine is not None:
            if engine.is_running and self._flags == flags:
                return engine
            if engine.is_running:
                log.info("restarting GNU Go for rule flags %s (was %s)", flags, self._flags)
            else:
                log.warning("GNU Go (pid %s) is gone; starting a new one", engine.pid)
            self._engine, self._flags = None, ()
            try:
                engine.stop()
            except Exception:
                log.exception("stopping GNU Go failed")
        self._set_status(BOOTING)
        engine = GtpEngine(flags, timeout=self.timeout_s, binary=self.binary)
        started = time.perf_counter()
        try:
            engine.start()
            engine.command("protocol_version")  # it answers: it is up
        except BaseException:
            engine.stop()
            self._set_status(IDLE)
            raise
        self._engine, self._flags = engine, flags
        log.info("GNU Go pid %s up in %.0f ms with %s", engine.pid,
                 (time.perf_counter() - started) * 1000, " ".join(flags))
        self._set_status(ONLINE)
        return engine

    # -- requests --------------------------------------------------------------------------------
    def genmove(self, state: GameState) -> GenmoveResult:
        """The engine's move for the player to move in ``state``.

        Returns a :class:`Point`, ``None`` for a pass, or :data:`RESIGN`. The caller still judges
        the move with the rules engine before playing it.
        """

        def ask(engine: GtpEngine, game: go.Game) -> GenmoveResult:
            reply = engine.genmove(_gtp_color(game.to_move))
            if reply == RESIGN:
                return RESIGN
            xy = from_vertex(reply, state.board_size)
            return None if xy is None else Point(*xy)

        return self._request(state, ask, "genmove")

    def _request(self, state: GameState, ask: Callable[[GtpEngine, go.Game], T], what: str) -> T:
        game = state.board()
        flags = rule_flags(state.rules)
        level = self.levels[Strength(state.bot_strength or Strength.FOUR_STARS)]
        with self._lock:
            self.touch()
            try:
                for attempt in (1, 2):
                    try:
                        engine = self._ensure(flags)
                        self._sync(engine, state, game, level)
                        return ask(engine, game)
                    except (EngineDied, EngineTimeout) as exc:
                        self._forget_broken_engine()
                        if attempt == 2:
                            self._set_status(IDLE)
                            raise EngineFailure(
                                f"GNU Go failed twice on {what} (game {state.game_id}): {exc}"
                            ) from exc
                        log.warning("GNU Go failed on %s (game %s), restarting: %s",
                                    what, state.game_id, exc)
                    except EngineUnavailable as exc:
                        raise EngineFailure(f"GNU Go is not available: {exc}") from exc
                    except (GtpError, ValueError) as exc:
                        # A refused move or a reply we cannot read: retrying would not help.
                        raise EngineFailure(
                            f"GNU Go could not do {what} (game {state.game_id}): {exc}"
                        ) from exc
                raise AssertionError("unreachable")
            finally:
                self.touch()

    def _forget_broken_engine(self) -> None:
        engine, self._engine = self._engine, None
        self._flags = ()
        if engine is not None:
            try:
                engine.stop()
            except Exception:
                log.exception("stopping GNU Go failed")

    @staticmethod
    def _sync(engine: GtpEngine, state: GameState, game: go.Game, level: int) -> None:
        """Load the game into the engine: size, komi, handicap stones, every move, level."""
        size = state.board_size
        engine.boardsize(size)
        engine.clear_board()
        engine.komi(state.komi)
        # Handicap stones as plain black plays: GTP ``play`` does not enforce alternation and
        # ``genmove`` names its colour, so GNU Go's notion of turn never matters, the stones sit
        # exactly where our rules put them, and GNU Go's handicap count stays 0 (our area
        # scoring gives White no handicap compensation either).
        for point in game.handicap_stones:
            engine.play("black", to_vertex(point.x, point.y, size))
        no_ko = game.rules.ko is KoRule.NONE
        for number, move in enumerate(game.moves, 1):
            vertex = "pass" if move.point is None else to_vertex(move.point.x, move.point.y, size)
            try:
                engine.play(_gtp_color(move.color), vertex)
            except GtpError as exc:
                if not (no_ko and move.point is not None):
                    raise GtpError(exc.command, f"move {number} refused: {exc.message}") from exc
                # GNU Go always forbids the immediate ko retake, which the original's rules allow.
                # A pass by the other side in between lifts that ban (GTP ``play`` does not care
                # about alternation) and leaves the position exactly as our rules have it.
                engine.play(_gtp_color(move.color.opponent), "pass")
                engine.play(_gtp_color(move.color), vertex)
        engine.command(f"level {level}")
