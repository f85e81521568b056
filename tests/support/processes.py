"""Start the stack's processes for tests exactly as the Procfile does, and stop them for sure."""

from __future__ import annotations

import os
import shlex
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Mapping, Optional

import redis

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


def kill(process: subprocess.Popen[bytes], sig: int = signal.SIGKILL, grace: float = 10) -> None:
    """Send ``sig`` to the process's group; SIGKILL the group if it is not gone within ``grace``
    seconds, and in any case once its leader is gone (so no child, e.g. an engine, outlives it).
    A process already reaped is left alone: its group id is nobody's business any more."""
    running = process.poll() is None
    if running:
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            pass
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        pass
    if running:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    process.wait(timeout=5)


def quote(text: str) -> str:
    return shlex.quote(text)


def tail(log: Optional[Path], chars: int = 3000) -> str:
    try:
        return log.read_text(errors="replace")[-chars:] if log else "(no log)"
    except OSError as failure:
        return f"(no log: {failure})"


def descendants(pid: int) -> list[tuple[int, str]]:
    """(pid, command name) of every process under ``pid``, read from /proc (Linux)."""
    parent_of: dict[int, tuple[int, str]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # gone meanwhile
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]  # the name may hold spaces and parentheses
        parent_of[int(entry.name)] = (int(stat[stat.rindex(")") + 2:].split()[1]), name)
    found: list[tuple[int, str]] = []
    frontier = [pid]
    while frontier:
        parent = frontier.pop()
        children = [(child, name) for child, (ppid, name) in parent_of.items() if ppid == parent]
        found.extend(children)
        frontier.extend(child for child, _ in children)
    return found


QUEUE_OF = {"worker": "moves", "bot": "bot"}


def worker_name_args(process_type: str, node: str) -> str:
    """Extra arguments that name the worker of a Procfile line ``node@<host>``, in the syntax of
    that line: ``celery ... worker`` takes ``-n``, ``python -m app.worker`` takes ``--name``."""
    name = f"{node}@{socket.gethostname()}"
    program = shlex.split(procfile()[process_type])[0]
    return f"-n {quote(name)}" if program == "celery" else f"--name {quote(name)}"


class WorkerProcess:
    """A Procfile worker line (``worker`` or ``bot``) under a node name of its own, returned once
    it is up: when its liveness beat (``app.liveness``) is in ``{prefix}:workers:{queue}``.

    ``env`` is added to this process's environment (which the child inherits, so e.g. the test
    run's ``KEY_PREFIX`` and ``BOT_IDLE_S`` reach it unless ``env`` overrides them). If the worker
    dies or does not beat within ``timeout`` seconds it is killed and the error shows its log's tail.
    """

    def __init__(self, process_type: str, env: Mapping[str, str], log: Path,
                 timeout: float = 60.0, queue: Optional[str] = None) -> None:
        self.process_type = process_type
        self.queue = queue or QUEUE_OF[process_type]
        self.log = log
        self.prefix = env.get("KEY_PREFIX") or os.environ["KEY_PREFIX"]
        self.redis_url = env.get("REDIS_URL") or os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
        self.node = f"{process_type}-{uuid.uuid4().hex[:8]}"
        self.process = start(process_type, env, extra_args=worker_name_args(process_type, self.node), log=log)
        try:
            self._wait_for_beat(timeout)
        except BaseException:
            kill(self.process, signal.SIGKILL)
            raise

    @property
    def pid(self) -> int:
        return self.process.pid

    def _beaters(self, client: redis.Redis) -> list[str]:
        members = client.zrange(f"{self.prefix}:workers:{self.queue}", 0, -1)
        return [m.decode() if isinstance(m, bytes) else m for m in members]

    def _wait_for_beat(self, timeout: float) -> None:
        client = redis.Redis.from_url(self.redis_url)
        try:
            deadline = time.monotonic() + timeout
            while not any(name.startswith(f"{self.node}@") for name in self._beaters(client)):
                if self.process.poll() is not None:
                    raise AssertionError(f"the {self.process_type} worker exited ({self.process.returncode}) "
                                         f"before it beat:\n{tail(self.log)}")
                if time.monotonic() > deadline:
                    raise AssertionError(f"the {self.process_type} worker did not beat into "
                                         f"{self.prefix}:workers:{self.queue} within {timeout:g}s (a bot "
                                         f"worker without an engine never does):\n{tail(self.log)}")
                time.sleep(0.05)
        finally:
            client.close()

    def stop(self, grace: float = 10) -> None:
        """SIGTERM (a warm shutdown: it finishes its task and leaves the set of live workers),
        then SIGKILL of its whole process group after ``grace`` seconds."""
        kill(self.process, signal.SIGTERM, grace=grace)
