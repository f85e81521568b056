"""Start the stack's processes exactly as the Procfile does, wait until they are ready, and stop
them for sure: for the tests and the benchmarks alike."""

from __future__ import annotations

import os
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping, Optional, Sequence

import redis

from .proc import descendants  # noqa: F401  (where the tests have always found it)

ROOT = Path(__file__).resolve().parents[2]


def procfile() -> dict[str, str]:
    lines = (ROOT / "Procfile").read_text().splitlines()
    return dict(line.split(": ", 1) for line in lines if line.strip() and not line.startswith("#"))


HOST_LINES = {"moves": "python -m app.worker moves --beat", "bot": "python -m app.worker bot"}
"""Workers of the hosts that split the Procfile's ``worker`` line (docs/several-machines.md): one
that serves people and no engine, and one that serves only the AI's queue (an engine host,
docs/engines.md). On one machine the Procfile's ``worker`` serves both,
the engine on a thread of its own (app/engine_lane.py); the task tests are served split
(tests/conftest.py), and the tests start these as process types of their own."""


def procfile_command(process_type: str) -> str:
    lines = {**HOST_LINES, **procfile()}
    try:
        return lines[process_type]
    except KeyError:
        raise SystemExit(f"no {process_type!r} line in the Procfile") from None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def launch(command: str, env: Mapping[str, str], log: Optional[Path] = None,
           preexec_fn: Optional[Callable[[], None]] = None,
           defaults: Mapping[str, str] = {}) -> subprocess.Popen[bytes]:
    """``bash -c`` the command in its own session (process group, so a kill reaches every child),
    with the venv first on PATH, its output appended to ``log`` (or dropped).

    The environment is ``defaults``, then this process's, then ``env``. A simple command is
    ``exec``-ed so the pid is the program's; a list (``a && b``) is not, or only its first command
    would run. ``preexec_fn`` runs in the child before the exec (e.g. to join a cgroup).
    """
    simple = not any(op in command for op in ("&&", "||", ";", "|"))
    full_env = {**defaults, **os.environ, **env}
    full_env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{full_env.get('PATH', '')}"
    output = open(log, "ab") if log else subprocess.DEVNULL
    try:
        return subprocess.Popen(["bash", "-c", f"exec {command}" if simple else command], cwd=ROOT,
                                env=full_env, stdout=output, stderr=subprocess.STDOUT,
                                start_new_session=True, preexec_fn=preexec_fn)
    finally:
        if log:
            output.close()  # the child has its own copy of the descriptor


def start(process_type: str, env: Mapping[str, str], extra_args: str = "",
          log: Optional[Path] = None, **options: Any) -> subprocess.Popen[bytes]:
    """Run the Procfile's command for ``process_type`` (``options``: those of :func:`launch`)."""
    command = procfile_command(process_type) + (" " + extra_args if extra_args else "")
    return launch(command, env, log, **options)


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


def stop(process: subprocess.Popen[bytes]) -> None:
    """A warm shutdown (SIGTERM to the group, 15 s to finish), then SIGKILL to whatever is left."""
    try:
        kill(process, signal.SIGTERM, grace=15)
    except subprocess.TimeoutExpired:  # not even SIGKILL took it within 5 s: nothing more to do
        pass


def quote(text: str) -> str:
    return shlex.quote(text)


def tail(log: Optional[Path], chars: int = 3000) -> str:
    try:
        return log.read_text(errors="replace")[-chars:] if log else "(no log)"
    except OSError as failure:
        return f"(no log: {failure})"


@dataclass
class Proc:
    """A started process with a name to report it by, its log and, for a web, its port."""

    label: str
    process: subprocess.Popen[bytes]
    log: Path
    port: Optional[int] = None


# -- readiness --------------------------------------------------------------------------------

def wait_serving(base: str, process: subprocess.Popen[bytes], log: Optional[Path], timeout: float = 30) -> None:
    """Until ``GET /`` answers; fails with the log's tail if the process dies or takes too long."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            urllib.request.urlopen(base + "/", timeout=1).read()
            return
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise AssertionError(f"web did not start: {tail(log)}") from None
            time.sleep(0.05)


def wait_redis(client: redis.Redis, process: subprocess.Popen[bytes], log: Optional[Path] = None,
               timeout: float = 10.0) -> None:
    """Until the Redis ``process`` answers PING; fails with its log's tail if it dies or takes too long."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if client.ping():
                return
        except redis.RedisError:
            if time.monotonic() > deadline or process.poll() is not None:
                raise AssertionError(f"Redis did not start:\n{tail(log, 2000)}") from None
            time.sleep(0.02)


def wait_pinged(sender: Any, workers: Sequence[Proc], timeout: float = 30.0) -> None:
    """Until each of the Celery ``workers`` has answered a ping (``sender``: a Celery app on
    their broker); fails with a log's tail if one exits or they take too long."""
    deadline = time.monotonic() + timeout
    answered: set[str] = set()
    while time.monotonic() < deadline:
        dead = [p for p in workers if p.process.poll() is not None]
        if dead:
            raise AssertionError(f"{dead[0].label} exited ({dead[0].process.returncode}):\n{tail(dead[0].log)}")
        for reply in sender.control.ping(timeout=0.5) or []:
            answered.update(reply)
        if len(answered) >= len(workers):
            return
    raise AssertionError(f"only {len(answered)} of {len(workers)} workers answered a ping in {timeout}s:\n"
                         + tail(workers[0].log))


QUEUE_OF = {"worker": "moves", "moves": "moves", "bot": "bot"}


def worker_name_args(process_type: str, node: str) -> str:
    """Extra arguments that name the worker of a Procfile line ``node@<host>``, in the syntax of
    that line: ``celery ... worker`` takes ``-n``, ``python -m app.worker`` takes ``--name``."""
    name = f"{node}@{socket.gethostname()}"
    program = shlex.split(procfile_command(process_type))[0]
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
