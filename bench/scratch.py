"""A stack of the benchmarks' own, started the Procfile way: a key prefix, a temporary directory
(logs, Redis's files), free ports for a Redis and the web, and the process groups started there,
stopped for sure (the app first, Redis last). Shared by bench/footprint.py and bench/micro.py;
:func:`launch` and :func:`start` by every bench that starts a Procfile line."""

from __future__ import annotations

import json
import os
import resource
import shlex
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any, Callable, Mapping, Optional

from tests.support import processes
from tests.support.processes import ROOT, Proc, free_port

ONE_ADDRESS_LOAD = {"SOCKETS_PER_ADDRESS": "1000000", "GAMES_PER_ADDRESS": "1000000",
                    "AI_GAMES_PER_ADDRESS": "1000000", "GAMES_PER_CLIENT": "1000000"}
"""A benchmark's thousands of clients all come from 127.0.0.1: the per-address limits that
protect a public server (docs/security.md) would refuse them. The environment may still say
otherwise."""


def launch(command: str, env: Mapping[str, str], log: Path,
           preexec_fn: Optional[Callable[[], None]] = None) -> subprocess.Popen[bytes]:
    """:func:`tests.support.processes.launch` with the limits of :data:`ONE_ADDRESS_LOAD`."""
    return processes.launch(command, env, log, preexec_fn, defaults=ONE_ADDRESS_LOAD)


def start(label: str, process_type: str, env: Mapping[str, str], log: Path, extra_args: str = "",
          port: Optional[int] = None, preexec_fn: Optional[Callable[[], None]] = None) -> Proc:
    """The Procfile's ``process_type`` line (``extra_args`` appended), launched as :func:`launch` does."""
    command = processes.procfile_command(process_type) + (" " + extra_args if extra_args else "")
    return Proc(label, launch(command, env, log, preexec_fn), log, port)


def raise_nofile(wanted: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else max(soft, wanted)
    if soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < wanted:
        raise SystemExit(f"only {soft} file descriptors allowed; {wanted} needed (raise the hard limit)")


def leftovers(pgids: list[int]) -> list[str]:
    """``pgrep -g`` over every process group we started: what is still alive."""
    if not pgids:
        return []
    found = subprocess.run(["pgrep", "-a", "-g", ",".join(map(str, pgids))], capture_output=True, text=True)
    return found.stdout.split("\n")[:-1] if found.stdout else []


def redis_commandstats(client: Any) -> dict[str, int]:
    """Calls of each command the Redis server ran so far (``INFO commandstats``); empty if it fails."""
    try:
        stats = client.info("commandstats")
    except Exception:  # noqa: BLE001
        return {}
    return {name.removeprefix("cmdstat_"): int(v["calls"]) for name, v in stats.items()}


REDIS_PROBE = """
import json, os, pathlib, runpy, sys
pathlib.Path.mkdir = lambda *a, **k: None  # the script's data directory is not ours to make
def execv(binary, argv):
    print("ARGV " + json.dumps(argv), flush=True)
    sys.exit(0)
os.execv = execv
runpy.run_path(sys.argv[1], run_name="__main__")
"""


def redis_command(port: int, directory: Path) -> str:
    """The redis-server the Procfile's redis line would exec (``scripts/redis_foreground.py``: its
    binary and flags, found by running the script with ``exec`` intercepted), on our port with its
    files in our directory; the flags of the day the bench was written if that fails."""
    script = ROOT / "scripts" / "redis_foreground.py"
    env = {**os.environ, "REDIS_URL": f"redis://127.0.0.1:{port}/0",
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    try:
        out = subprocess.run([sys.executable, "-c", REDIS_PROBE, str(script)], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=30).stdout
        argv = json.loads(next(line[5:] for line in out.splitlines() if line.startswith("ARGV ")))
        if "--dir" in argv:
            argv[argv.index("--dir") + 1] = str(directory)
        else:
            argv += ["--dir", str(directory)]
        return " ".join(shlex.quote(a) for a in argv)
    except (OSError, StopIteration, ValueError, subprocess.SubprocessError) as failed:
        print(f"could not read the redis line's flags ({failed!r}); using the usual ones", file=sys.stderr)
        binary = shutil.which("redis-server", path=env["PATH"]) or "redis-server"
        return (f"{binary} --port {port} --bind 127.0.0.1 --dir {directory} --appendonly yes "
                f"--appendfsync everysec --save '' --maxmemory 256mb --maxmemory-policy noeviction")


class Scratch:
    """A key prefix ``bugout-<name>-<random>``, a temporary directory and two free ports, for a
    stack of a benchmark's own; :meth:`launch` starts its processes, each logging to the
    directory, and :meth:`stop` stops them."""

    def __init__(self, name: str) -> None:
        self.prefix = f"bugout-{name}-{uuid.uuid4().hex[:10]}"
        self.tmp = Path(tempfile.mkdtemp(prefix=f"{self.prefix}-"))
        self.redis_dir = self.tmp / "redis"
        self.redis_dir.mkdir()
        self.redis_port, self.web_port = free_port(), free_port()
        self.redis_url = f"redis://127.0.0.1:{self.redis_port}/0"
        self.env = {"KEY_PREFIX": self.prefix, "REDIS_URL": self.redis_url}
        self.procs: dict[str, Proc] = {}

    @property
    def gateway(self) -> str:
        return f"ws://127.0.0.1:{self.web_port}/gateway"

    def launch(self, name: str, command: str, preexec_fn: Optional[Callable[[], None]] = None) -> Proc:
        """``command`` on the stack's prefix and Redis (and, for ``web``, its port), logging to ``<name>.log``."""
        web = name == "web"
        env = {**self.env, "PORT": str(self.web_port)} if web else self.env
        log = self.tmp / f"{name}.log"
        self.procs[name] = Proc(name, launch(command, env, log, preexec_fn), log, self.web_port if web else None)
        return self.procs[name]

    def stop(self, before_redis: Callable[[], None] = lambda: None) -> None:
        """Every process but Redis (the last started first), then ``before_redis()`` (e.g. what
        still needs Redis), then Redis."""
        for name in reversed(list(self.procs)):
            if name != "redis":
                processes.stop(self.procs[name].process)
        before_redis()
        if "redis" in self.procs:
            processes.stop(self.procs["redis"].process)

    def remove(self, keep_logs: bool) -> None:
        """The temporary directory, or all in it but the logs (whose place is then printed)."""
        if not keep_logs or not self.tmp.exists():
            shutil.rmtree(self.tmp, ignore_errors=True)
            return
        for entry in self.tmp.iterdir():
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
        print(f"logs kept in {self.tmp}", file=sys.stderr)
