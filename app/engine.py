"""The AI engine keeper: one warm GTP engine process per bot worker process.

Used inside the Celery bot worker (solo pool), but pure Python + subprocess: no Celery or Redis
here. Status changes (``Idle`` / ``Booting`` / ``Online``) go to the ``on_status`` callback, which
the worker wires to whatever publishes ``IdleStatusProvided``::

    keeper = EngineKeeper(engines=app.engines.configured(settings.engines_file), idle_stop_s=300,
                          on_status=publish)
    reply = keeper.genmove(state)       # a Point, None (pass) or "resign"

Which engine plays a strength is configuration (``app.engines``): GNU Go at levels 1/4/6/8 by
default, any GTP engine otherwise. Dead stones are not the engine's work: ``app.go.life``
suggests them in milliseconds.

Every request loads the whole game into the engine, then asks it (``app.engine_play``): the
engine holds no state between requests, so any number of games share the process.

One process at a time: a request whose engine command line or rule flags (GNU Go's rule flags are
process-wide) differ from the running process's restarts it. GNU Go's strengths share one
process, as they differ only by ``level``.

Time: ``genmove`` may take what ``app.engine_time.move_budget`` allows; an engine that overruns
it is killed and :class:`EngineOverran` says what to play instead (``app.engine_play``).

Concurrency: one re-entrant lock serializes all engine use (the worker's task thread and the idle
timer thread). Each use touches a last-used time and re-arms a single daemon timer that stops the
engine once it has been unused for ``idle_stop_s`` seconds.

Failures: an engine that dies mid-request, or times out while the game is loaded into it, is
restarted once and the whole request retried; a second failure, a missing program, or a move the
engine refuses raise :class:`EngineFailure`.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import replace
from typing import Callable, Mapping, Optional, TypeVar, Union

from app import go
from app.choices import Strength
from app.engine_play import RESIGN, EngineFailure, EngineOverran, GenmoveResult, ask_move, sync_game
from app.engines import GNUGO, GNUGO_LEVELS, EngineSpec, configured, gnugo, resolve_argv, rule_flags
from app.events import BOOTING, IDLE, ONLINE
from app.game import GameState
from app.gtp import EngineDied, EngineTimeout, EngineUnavailable, GtpEngine, GtpError

__all__ = [
    "BOOTING",
    "GNUGO_LEVELS",
    "describe",
    "IDLE",
    "ONLINE",
    "RESIGN",
    "EngineFailure",
    "EngineKeeper",
    "EngineOverran",
    "GenmoveResult",
    "rule_flags",
]

log = logging.getLogger(__name__)


def describe(strength: Strength, engines_file: str = "") -> str:
    """Which engine plays a strength, in words for players (the configured engine's ``name``)."""
    try:
        return configured(engines_file)[strength].name
    except ValueError as broken:  # a bad ENGINES_FILE stops the bot worker; the page stays up
        log.error("cannot describe the engine of %s: %s", strength.name, broken)
        return "the AI"

StatusCallback = Callable[[str, float], None]
T = TypeVar("T")


class EngineKeeper:
    """Keeps one engine process warm for this worker process; see the module docstring."""

    def __init__(
        self,
        idle_stop_s: Optional[float] = 300,
        timeout_s: float = 10,
        on_status: StatusCallback = lambda status, since: None,
        binary: Optional[str] = None,
        engines: Optional[Mapping[Strength, EngineSpec]] = None,
    ) -> None:
        default = {strength: replace(gnugo(level), seconds_per_move=float(timeout_s))
                   for strength, level in GNUGO_LEVELS.items()}
        self.engines: dict[Strength, EngineSpec] = dict(engines) if engines is not None else default
        """The engine of each strength; by default GNU Go at its levels, ``timeout_s`` a move."""
        self.idle_stop_s = idle_stop_s
        """Seconds unused before the engine stops; ``None`` never stops it on its own."""
        self.timeout_s = float(timeout_s)
        """Deadline of each GTP command but ``genmove`` (a timed-out engine is killed)."""
        self.binary = binary
        """GNU Go's path; ``None`` lets :func:`app.gtp.find_gnugo` look for it at each start."""
        self._on_status = on_status
        self._lock = threading.RLock()
        self._engine: Optional[GtpEngine] = None
        self._key: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())
        self._known: frozenset[str] = frozenset()
        self._name = "the engine"
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
        return self._key[1] if self._engine is not None else ()

    def spec(self, strength: Strength) -> EngineSpec:
        """The engine that plays ``strength``."""
        return self.engines[strength]

    def __repr__(self) -> str:
        return f"<EngineKeeper {self._status} pid={self.pid} flags={list(self.flags)}>"

    # -- lifecycle -------------------------------------------------------------------------------
    def ensure(self, rules: Optional[str] = None, strength: Strength = Strength.FOUR_STARS) -> None:
        """Start the engine of ``strength`` if it is not running (reports Booting, then Online).

        With ``rules`` (a preset name), a process started with other rule flags is restarted;
        without, a running process is kept whatever its flags, and a new one gets Chinese rules.
        Raises :class:`EngineFailure` if the engine cannot be started.
        """
        spec = self.spec(strength)
        with self._lock:
            self.touch()
            try:
                if rules is None and self._engine is not None and self._engine.is_running:
                    return
                self._ensure(spec, self._flags_for(spec, rules if rules is not None else go.CHINESE))
            except (EngineUnavailable, EngineDied, EngineTimeout, GtpError) as exc:
                raise EngineFailure(f"{spec.name} could not be started: {exc}") from exc
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
            log.info("stopping %s after %.0f s unused", self._name, now - self._last_used)
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
            log.exception("idle stop of the engine failed")

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

    @staticmethod
    def _flags_for(spec: EngineSpec, rules: Union[str, go.RuleSet]) -> tuple[str, ...]:
        return rule_flags(rules) if spec.rules == "gnugo" else ()

    def _command_line(self, spec: EngineSpec) -> list[str]:
        if spec.argv[0] == GNUGO and self.binary is not None:
            return [self.binary, *spec.argv[1:]]
        return resolve_argv(spec)

    def _ensure(self, spec: EngineSpec, flags: tuple[str, ...]) -> GtpEngine:
        """The running engine for ``spec`` with ``flags``, (re)started if needed. Lock held."""
        key = (spec.process_key, flags)
        engine = self._engine
        if engine is not None:
            if engine.is_running and self._key == key:
                return engine
            if engine.is_running:
                log.info("restarting the engine for %s %s (was %s)", spec.name, flags, self._key)
            else:
                log.warning("%s (pid %s) is gone; starting a new one", self._name, engine.pid)
            self._forget_broken_engine()
        self._set_status(BOOTING)
        started = time.perf_counter()
        engine = GtpEngine(flags, timeout=self.timeout_s)
        try:
            engine.command_line = tuple(self._command_line(spec))
            engine.start()
            engine.command("protocol_version")  # it answers: it is up
            try:
                known = frozenset(engine.list_commands())
            except GtpError:  # a minimal engine: it gets only the commands GTP requires
                known = frozenset()
        except BaseException:
            engine.stop()
            self._set_status(IDLE)
            raise
        self._engine, self._key, self._known, self._name = engine, key, known, spec.name
        log.info("%s pid %s up in %.0f ms: %s", spec.name, engine.pid,
                 (time.perf_counter() - started) * 1000, " ".join(engine.command_line + flags))
        self._set_status(ONLINE)
        return engine

    # -- requests --------------------------------------------------------------------------------
    def genmove(self, state: GameState) -> GenmoveResult:
        """The engine's move for the player to move in ``state``.

        Returns a :class:`Point`, ``None`` for a pass, or :data:`RESIGN`; raises
        :class:`EngineOverran` (with the move to play instead) when the engine took longer than
        its time for the move. The caller still judges the move before playing it.
        """
        spec = self.spec(_strength(state))

        def ask(engine: GtpEngine, game: go.Game) -> GenmoveResult:
            return ask_move(engine, game, spec, state, self._known)

        return self._request(state, spec, ask, "genmove")

    def _request(self, state: GameState, spec: EngineSpec, ask: Callable[[GtpEngine, go.Game], T],
                 what: str) -> T:
        game = state.board()
        flags = self._flags_for(spec, state.rules)
        with self._lock:
            self.touch()
            try:
                for attempt in (1, 2):
                    try:
                        engine = self._ensure(spec, flags)
                        sync_game(engine, state, game, spec.commands)
                        return ask(engine, game)
                    except EngineOverran:
                        self._stop_locked()  # killed by its deadline; the next request boots one
                        raise
                    except (EngineDied, EngineTimeout) as exc:
                        self._forget_broken_engine()
                        if attempt == 2:
                            self._set_status(IDLE)
                            raise EngineFailure(
                                f"{spec.name} failed twice on {what} (game {state.game_id}): {exc}"
                            ) from exc
                        log.warning("%s failed on %s (game %s), restarting: %s",
                                    spec.name, what, state.game_id, exc)
                    except EngineUnavailable as exc:
                        self._set_status(IDLE)
                        raise EngineFailure(f"{spec.name} is not available: {exc}") from exc
                    except (GtpError, ValueError) as exc:
                        # A refused move or a reply we cannot read: retrying would not help.
                        raise EngineFailure(
                            f"{spec.name} could not do {what} (game {state.game_id}): {exc}"
                        ) from exc
                raise AssertionError("unreachable")
            finally:
                self.touch()

    def _forget_broken_engine(self) -> None:
        engine, self._engine = self._engine, None
        self._key, self._known = ((), ()), frozenset()
        if engine is not None:
            try:
                engine.stop()
            except Exception:
                log.exception("stopping %s failed", self._name)


def _strength(state: GameState) -> Strength:
    return Strength(state.bot_strength or Strength.FOUR_STARS)
