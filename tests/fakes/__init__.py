"""Stand-ins for outside programs, for tests that need them to misbehave on cue."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

FAKE_GTP = Path(__file__).resolve().with_name("fake_gtp.py")


def fake_gtp_binary(directory: Path) -> Path:
    """An executable for ``GNUGO_BINARY`` that runs the fake GTP engine with this interpreter.

    A wrapper in ``directory`` rather than the script itself, so it neither depends on the
    script's executable bit surviving a checkout nor on which ``python3`` is on PATH.
    """
    wrapper = directory / "fake-gnugo"
    wrapper.write_text(f'#!/bin/sh\nexec {shlex.quote(sys.executable)} {shlex.quote(str(FAKE_GTP))} "$@"\n')
    wrapper.chmod(0o755)
    return wrapper


def fake_gtp_argv(*options: str) -> list[str]:
    """The fake engine's command line for an ``ENGINES_FILE`` or ``EngineSpec.argv``, with options
    such as ``--genmove-delay-s=600`` (they win over the ``FAKE_GTP_*`` environment)."""
    return [sys.executable, str(FAKE_GTP), *options]
