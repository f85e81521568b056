"""Starting the stack's processes for the benchmarks exactly as the Procfile says, and stopping
them for sure: shared by bench/task_roundtrip.py, bench/load.py and bench/footprint.py."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path
from typing import Callable, Mapping, Optional

ROOT = Path(__file__).resolve().parent.parent
ONE_ADDRESS_LOAD = {"BUGOUT_SOCKETS_PER_ADDRESS": "1000000", "GAMES_PER_ADDRESS": "1000000",
                    "AI_GAMES_PER_ADDRESS": "1000000", "GAMES_PER_CLIENT": "1000000"}


def procfile_command(process_type: str) -> str:
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, command = line.split(": ", 1)
            if name == process_type:
                return command
    raise SystemExit(f"no {process_type!r} line in the Procfile")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def launch(command: str, env: Mapping[str, str], log: Path,
           preexec_fn: Optional[Callable[[], None]] = None) -> subprocess.Popen[bytes]:
    """``bash -c`` the command in its own session (process group), the venv first on PATH.

    A simple command is ``exec``-ed so the pid is the program's; a list (``a && b``) is not, or
    only its first command would run. ``preexec_fn`` runs in the child before the exec (e.g. to
    join a cgroup: bench/micro.py).
    """
    simple = not any(op in command for op in ("&&", "||", ";", "|"))
    # A benchmark's thousands of clients all come from 127.0.0.1: the per-address limits that
    # protect a public server (docs/security.md) would refuse them.
    full_env = {**ONE_ADDRESS_LOAD, **os.environ, **env}
    full_env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{full_env.get('PATH', '')}"
    with open(log, "ab") as output:
        return subprocess.Popen(["bash", "-c", f"exec {command}" if simple else command], cwd=ROOT,
                                env=full_env, stdout=output, stderr=subprocess.STDOUT,
                                start_new_session=True, preexec_fn=preexec_fn)


def stop_group(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the process group (warm shutdown), then SIGKILL if anything lingers."""
    for sig, wait_s in ((signal.SIGTERM, 15), (signal.SIGKILL, 5)):
        if process.poll() is not None:
            return
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait_s)
            return
        except subprocess.TimeoutExpired:
            continue
