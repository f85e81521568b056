"""A whole stack for a fault test: web and worker processes started the Procfile way on a key
prefix (and, if asked, a Redis) of its own, with handles to restart or kill each part."""

from __future__ import annotations

import shutil
import signal
import subprocess
import time
import uuid
from pathlib import Path
from typing import Optional

import redis

from app.config import Settings
from app.store import GameStore

from . import processes
from .processes import free_port, wait_serving

__all__ = ["free_port", "WebProcess", "OwnRedis", "Stack"]


class WebProcess:
    """The Procfile's web line on a free port, on the test run's own key prefix."""

    def __init__(self, log: Path, env: Optional[dict[str, str]] = None) -> None:
        self.port = free_port()
        self.log = log
        self.process = processes.start("web", {"PORT": str(self.port), **(env or {})}, log=log)
        self.base = f"http://127.0.0.1:{self.port}"
        self.gateway = f"ws://127.0.0.1:{self.port}/gateway"
        wait_serving(self.base, self.process, log)

    def stop(self) -> None:
        processes.kill(self.process, signal.SIGTERM)


class OwnRedis:
    """A redis-server on a free port with AOF persistence, in a directory of its own."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: Optional[subprocess.Popen[bytes]] = None
        self.start()

    def start(self) -> None:
        binary = shutil.which("redis-server") or "redis-server"
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.directory),
             "--appendonly", "yes", "--appendfsync", "always", "--save", ""],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        client = redis.Redis.from_url(self.url)
        try:
            processes.wait_redis(client, self.process)
        finally:
            client.close()

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=10)

    def restart(self) -> None:
        self.stop()
        self.start()


class Stack:
    def __init__(self, tmp: Path, redis_url: str, prefix: Optional[str] = None) -> None:
        self.tmp = tmp
        self.prefix = prefix or f"bugout-fault-{uuid.uuid4().hex[:8]}"
        self.redis_url = redis_url
        self.settings = Settings.from_env(redis_url=redis_url, key_prefix=self.prefix, visibility_timeout_s=2)
        self.store = GameStore.connect(self.settings)
        self.env = {"KEY_PREFIX": self.prefix, "REDIS_URL": redis_url, "VISIBILITY_TIMEOUT_S": "2"}
        self.web_port = free_port()
        self.web: Optional[subprocess.Popen[bytes]] = None
        self.workers: list[subprocess.Popen[bytes]] = []
        self.nodes: dict[int, str] = {}
        """The node name (before ``@host``) of each worker started by ``start_worker``, by pid."""

    @property
    def gateway(self) -> str:
        return f"ws://127.0.0.1:{self.web_port}/gateway"

    def start_web(self) -> None:
        self.web = processes.start("web", {**self.env, "PORT": str(self.web_port)}, log=self.tmp / "web.log")
        wait_serving(f"http://127.0.0.1:{self.web_port}", self.web, self.tmp / "web.log")

    def start_worker(self, **env: str) -> subprocess.Popen[bytes]:
        """The Procfile's ``worker`` line on this stack's prefix, at once (see ``wait_workers``)."""
        node = f"w{uuid.uuid4().hex[:6]}"
        worker = processes.start("worker", {**self.env, **env}, extra_args=processes.worker_name_args("worker", node),
                                 log=self.tmp / "worker.log")
        self.workers.append(worker)
        self.nodes[worker.pid] = node
        return worker

    def start_ready(self, process_type: str = "worker", **env: str) -> processes.WorkerProcess:
        """The Procfile's ``worker`` or ``bot`` line on this stack's prefix, returned once its
        liveness beat is in Redis; stopped with the stack."""
        started = processes.WorkerProcess(process_type, {**self.env, **env}, log=self.tmp / f"{process_type}.log")
        self.workers.append(started.process)
        return started

    def wait_workers(self, count: int = 1, timeout: float = 30) -> None:
        """Until ``count`` of the workers started by ``start_worker`` and still running have beaten
        into ``{prefix}:workers:moves`` (``app.liveness``): from then on they consume."""
        deadline = time.monotonic() + timeout
        while True:
            beaten = {name.split("@", 1)[0] for name in self.store.redis.zrange(self.store.keys.workers("moves"), 0, -1)}
            running = [p for p in self.workers if p.poll() is None and self.nodes.get(p.pid) in beaten]
            if len(running) >= count:
                return
            assert time.monotonic() < deadline, (
                f"{count} worker(s) did not beat within {timeout:g}s:\n{processes.tail(self.tmp / 'worker.log')}")
            time.sleep(0.05)

    def stop(self) -> None:
        for process in [self.web, *self.workers]:
            if process is not None:
                processes.kill(process, signal.SIGTERM)
        try:
            self.store.delete_everything()
        except redis.RedisError:
            pass
        self.store.redis.close()
        self.store.redis.connection_pool.disconnect()
