"""Start the stack's processes for tests exactly as the Procfile does, and stop them for sure."""

from __future__ import annotations

import os
import shlex
import signal
import subprocess
import sys
from pathlib import Path
from typing import Mapping, Optional

ROOT = Path(__file__).resolve().parents[2]


def procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip() and not line.startswith("#"))


def start(process_type: str, env: Mapping[str, str], extra_args: str = "",
          log: Optional[Path] = None) -> subprocess.Popen[bytes]:
    """Run the Procfile's command for ``process_type`` with the venv first on PATH."""
    command = procfile()[process_type] + (" " + extra_args if extra_args else "")
    full_env = {**os.environ, **env}
    full_env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{full_env.get('PATH', '')}"
    output = open(log, "ab") if log else subprocess.DEVNULL
    try:
        return subprocess.Popen(
            ["bash", "-c", f"exec {command}"],
            cwd=ROOT,
            env=full_env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so a kill reaches every child
        )
    finally:
        if log:
            output.close()  # the child has its own copy of the descriptor


def kill(process: subprocess.Popen[bytes], sig: int = signal.SIGKILL) -> None:
    if process.poll() is None:
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            pass
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)


def quote(text: str) -> str:
    return shlex.quote(text)
