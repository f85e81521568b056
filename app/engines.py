"""Which GTP engine plays each AI strength: configuration, not code.

By default every strength is GNU Go (one process, its level set per request with the GTP ``level``
command: 1, 4, 6 and 8). ``ENGINES_FILE`` (``Settings.engines_file``) names a TOML or JSON file
that replaces any part of that; ``docs/engines.md`` has examples for KataGo, Leela Zero and Pachi::

    [defaults]                      # every strength, unless its own table says otherwise
    argv = ["katago", "gtp", "-model", "/srv/b18.bin.gz", "-config", "/srv/gtp.cfg"]
    rules = "none"
    seconds_per_move = 5

    [one_star]
    name = "KataGo, 1 visit"
    commands = ["kata-set-param maxVisits 1"]

Each strength's table is laid over ``[defaults]``; a strength whose merged table names no
``argv`` stays GNU Go at its level (with the table's other keys applied, e.g. a shorter
``seconds_per_move``). Unknown keys, sections or values fail loudly: the bot worker checks the
file (and that each engine's program exists) before it takes any task (``python -m app.worker
bot``), and the web process shows each strength's ``name``.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any, Literal, Mapping, Optional, Union, cast

from app import go
from app.choices import Strength
from app.go import KoRule, Scoring
from app.gtp import EngineUnavailable, find_gnugo

__all__ = [
    "GNUGO",
    "GNUGO_LEVELS",
    "EngineConfigError",
    "EngineSpec",
    "check_installed",
    "configured",
    "default_engines",
    "load_engines",
    "resolve_argv",
    "rule_flags",
]

GNUGO = "gnugo"
"""An ``argv[0]`` of exactly this is found by :func:`app.gtp.find_gnugo` (so ``GNUGO_BINARY``
still applies); any other is looked up on ``PATH`` when the engine starts."""

GNUGO_LEVELS: dict[Strength, int] = {
    Strength.ONE_STAR: 1, Strength.TWO_STARS: 4, Strength.THREE_STARS: 6, Strength.FOUR_STARS: 8}
"""GNU Go's level for each strength. The strongest is 8, not GNU Go's default 10: level 10 took up
to 2.4 s on 19x19 middle games here, level 8 at most 0.94 s (``bench/bot.py``)."""

Rules = Literal["gnugo", "none"]
Overrun = Literal["pass", "resign"]
SECTIONS = {s.name.lower(): s for s in Strength}
"""The file's table for each strength: ``one_star`` … ``four_stars``."""


class EngineConfigError(ValueError):
    """The engines file cannot be used; the message says which file, table and key."""


@dataclass(frozen=True)
class EngineSpec:
    """How to run and drive the engine of one strength."""

    name: str
    """What players are told plays this strength (the page shows it next to the stars)."""
    argv: tuple[str, ...]
    """The engine's command line, speaking GTP on stdin/stdout (``gnugo``: see :data:`GNUGO`)."""
    commands: tuple[str, ...] = ()
    """GTP commands sent after the game is loaded, before ``genmove`` (e.g. ``level 4``)."""
    rules: Rules = "none"
    """``gnugo``: the game's rules become GNU Go's command-line flags (``app.engine.rule_flags``).
    ``none``: the engine keeps its own rules (the server's judge decides legality anyway; an
    engine with other rules may only misjudge ko fights and the count it aims for)."""
    seconds_per_move: float = 10.0
    """The longest a ``genmove`` may take (less when the AI's clock has less left)."""
    time_controls: bool = True
    """Send ``time_settings``/``time_left`` from the game's clock (or ``seconds_per_move`` as a
    one-move byo-yomi when the game has none), if the engine lists those commands."""
    on_overrun: Overrun = "pass"
    """What the AI plays when its engine overruns the time per move and is stopped."""

    def __post_init__(self) -> None:
        if not self.argv or not all(isinstance(a, str) and a for a in self.argv):
            raise EngineConfigError("argv must be a non-empty list of non-empty strings")
        if self.rules not in ("gnugo", "none"):
            raise EngineConfigError(f"rules must be 'gnugo' or 'none', not {self.rules!r}")
        if self.on_overrun not in ("pass", "resign"):
            raise EngineConfigError(f"on_overrun must be 'pass' or 'resign', not {self.on_overrun!r}")
        if isinstance(self.seconds_per_move, bool) or not 0 < float(self.seconds_per_move) <= 3600:
            raise EngineConfigError(f"seconds_per_move must be in (0, 3600], not {self.seconds_per_move!r}")
        for command in self.commands:
            if not isinstance(command, str) or not command.strip() or "\n" in command:
                raise EngineConfigError(f"commands must be single-line GTP commands, not {command!r}")

    @property
    def process_key(self) -> tuple[str, ...]:
        """Two strengths with the same key share one warm process (GNU Go's levels do)."""
        return self.argv


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


def gnugo(level: int) -> EngineSpec:
    return EngineSpec(name=f"GNU Go level {level}", argv=(GNUGO, "--mode", "gtp"),
                      commands=(f"level {level}",), rules="gnugo")


def default_engines() -> dict[Strength, EngineSpec]:
    return {strength: gnugo(level) for strength, level in GNUGO_LEVELS.items()}


_KEYS = {f.name for f in fields(EngineSpec)}


def _spec(base: EngineSpec, table: Mapping[str, Any], where: str) -> EngineSpec:
    unknown = sorted(set(table) - _KEYS)
    if unknown:
        raise EngineConfigError(f"{where}: unknown key(s) {', '.join(unknown)}; known: {', '.join(sorted(_KEYS))}")
    values = dict(table)
    for key in ("argv", "commands"):
        if key in values:
            if isinstance(values[key], str) or not isinstance(values[key], (list, tuple)):
                raise EngineConfigError(f"{where}: {key} must be a list of strings")
            values[key] = tuple(values[key])
    if "argv" in values:
        # Another engine: nothing of GNU Go's (level commands, rule flags) carries over.
        values.setdefault("name", Path(values["argv"][0]).name if values["argv"] else "")
        values.setdefault("commands", ())
        values.setdefault("rules", "none")
        base = EngineSpec(name="", argv=(GNUGO,))
    for key in ("time_controls",):
        if key in values and not isinstance(values[key], bool):
            raise EngineConfigError(f"{where}: {key} must be true or false")
    if "seconds_per_move" in values and not isinstance(values["seconds_per_move"], (int, float)):
        raise EngineConfigError(f"{where}: seconds_per_move must be a number")
    try:
        return replace(base, **values)
    except EngineConfigError as bad:
        raise EngineConfigError(f"{where}: {bad}") from None
    except TypeError as bad:
        raise EngineConfigError(f"{where}: {bad}") from None


def parse_engines(document: Mapping[str, Any], source: str = "engines file") -> dict[Strength, EngineSpec]:
    """The engines a parsed TOML/JSON document describes (see the module docstring)."""
    if not isinstance(document, Mapping):
        raise EngineConfigError(f"{source}: the top level must be a table")
    unknown = sorted(set(document) - set(SECTIONS) - {"defaults"})
    if unknown:
        raise EngineConfigError(f"{source}: unknown table(s) {', '.join(unknown)}; "
                                f"known: defaults, {', '.join(SECTIONS)}")
    tables = {name: document.get(name, {}) for name in ("defaults", *SECTIONS)}
    for name, table in tables.items():
        if not isinstance(table, Mapping):
            raise EngineConfigError(f"{source}: [{name}] must be a table")
    engines = default_engines()
    for name, strength in SECTIONS.items():
        merged = {**tables["defaults"], **tables[name]}
        engines[strength] = _spec(engines[strength], merged, f"{source} [{name}]")
    return engines


def load_engines(path: Optional[str | os.PathLike[str]]) -> dict[Strength, EngineSpec]:
    """The engines of ``path`` (``.json``, else TOML); the defaults when ``path`` is empty."""
    if not path:
        return default_engines()
    source = os.fspath(path)
    try:
        raw = Path(source).read_bytes()
    except OSError as missing:
        raise EngineConfigError(f"ENGINES_FILE {source!r} cannot be read: {missing}") from None
    try:
        if source.endswith(".json"):
            document = json.loads(raw)
        else:
            document = tomllib.loads(raw.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as bad:  # TOMLDecodeError and JSONDecodeError are ValueErrors
        raise EngineConfigError(f"ENGINES_FILE {source!r} is not valid: {bad}") from None
    return parse_engines(cast(Mapping[str, Any], document), source)


@functools.cache
def _cached(path: str) -> dict[Strength, EngineSpec]:
    return load_engines(path)


def configured(path: str = "") -> dict[Strength, EngineSpec]:
    """The engines of ``path`` (``Settings.engines_file``; empty: the defaults), read once per
    path and process."""
    return dict(_cached(path))


def resolve_argv(spec: EngineSpec) -> list[str]:
    """The command line to start, its program found now (raises ``EngineUnavailable``)."""
    program = spec.argv[0]
    if program == GNUGO:
        return [find_gnugo(), *spec.argv[1:]]
    found = program if os.sep in program else shutil.which(program)
    if not found or not (os.path.isfile(found) and os.access(found, os.X_OK)):
        raise EngineUnavailable(f"engine program {program!r} is not an executable file (on PATH)")
    return [found, *spec.argv[1:]]


def check_installed(engines: Mapping[Strength, EngineSpec]) -> None:
    """Raise ``EngineUnavailable`` naming every strength whose program cannot be found."""
    missing = []
    for strength, spec in engines.items():
        try:
            resolve_argv(spec)
        except EngineUnavailable as failure:
            missing.append(f"{strength.name.lower()} ({spec.name}): {failure}")
    if missing:
        raise EngineUnavailable("; ".join(missing))

