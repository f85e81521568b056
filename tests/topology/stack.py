"""The stack on several hosts (network namespaces, ``net.py``), started the way an operator would:

::

                       clients (the root namespace, 10.77.N.1)
                                  │ ws://edge/gateway
                       ┌──────────▼──────────┐
                       │ edge: haproxy :80   │  health check GET /healthz every 0.5 s
                       └─────┬──────────┬────┘
                   ┌─────────▼───┐  ┌───▼─────────┐
                   │ web1 :5000  │  │ web2 :5000  │   HOST=own address, REDIS_URL=data
                   └─────┬───────┘  └──────┬──────┘
                         └──────┬──────────┘
                       ┌────────▼────────┐
                       │ data: Redis     │  (+ data2: replica, sen1..3: Sentinels)
                       └────────▲────────┘
                   ┌────────────┴─────────────┐
           ┌───────┴──────────┐     ┌─────────┴───────┐
           │ work1: moves bot │     │ work2: (spare,   │
           │ --beat           │     │ or a 2nd worker) │
           └──────────────────┘     └──────────────────┘

Every process is the Procfile's command run inside its host's namespace with the project's venv,
on a key prefix of its own. :class:`Topology` is a context manager: leaving it (test passed,
failed or interrupted) kills everything it started and deletes the namespaces.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Iterable, Optional

import redis

from app.config import Settings
from app.store import GameStore

from ..support.processes import procfile_command
from .net import Host, Net, wait_until

PYTHON_BIN = str(Path(sys.executable).parent)
REDIS_PORT, SENTINEL_PORT, WEB_PORT, EDGE_PORT = 6379, 26379, 5000, 80
MASTER_NAME = "bugout"

HAPROXY_CFG = """\
global
    maxconn 4000
defaults
    mode http
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    timeout tunnel 1h
    timeout check 3s
    option forwardfor
frontend gateway
    bind {edge}:{edge_port}
    default_backend webs
backend webs
    balance leastconn
    # A web answers /healthz with 200, or 503 when Redis or every worker is gone: either way it
    # serves sockets. A web that does not answer twice in a row is out, and so are its sockets
    # (their clients reconnect, to the other). The check's own timeout (3 s) must exceed what
    # /healthz takes on a slow network (three Redis round trips and a TCP handshake).
    option httpchk GET /healthz
    http-check expect rstatus ^(200|503)$
    default-server inter 500ms fall 2 rise 2 on-marked-down shutdown-sessions
{servers}
"""


class Topology:
    def __init__(self, tmp: Path, hosts: Iterable[str] = ("data", "edge", "web1", "web2", "work1", "work2"),
                 **env: str) -> None:
        self.tmp = tmp
        self.net = Net(tmp)
        try:
            for name in hosts:
                self.net.add_host(name)
        except BaseException:
            self.net.close()
            raise
        self.prefix = f"bugout-topo-{self.net.id}-{uuid.uuid4().hex[:6]}"
        self.redis_url = f"redis://{self.host('data').address}:{REDIS_PORT}/0"
        self.env = {
            **os.environ,
            "PATH": f"{PYTHON_BIN}{os.pathsep}{os.environ.get('PATH', '')}",
            "PYTHONUNBUFFERED": "1",
            "KEY_PREFIX": self.prefix,
            "REDIS_URL": self.redis_url,
            "VISIBILITY_TIMEOUT_S": "6",
            "SOCKETS_PER_ADDRESS": "100000",
            "GAMES_PER_ADDRESS": "1000000",
            "GAMES_PER_CLIENT": "1000",
            "LOG_LEVEL": "WARNING",
            **env,
        }
        for name in ("BROKER_URL", "RESULT_BACKEND_URL", "STATE_REDIS_URL"):
            self.env.pop(name, None)
        self.workers: dict[str, tuple[Host, object, str]] = {}
        self._store: Optional[GameStore] = None
        self._store_settings: Optional[Settings] = None

    # -- access ---------------------------------------------------------------------------------
    def host(self, name: str) -> Host:
        return self.net.hosts[name]

    @property
    def gateway(self) -> str:
        return f"ws://{self.host('edge').address}:{EDGE_PORT}/gateway"

    @property
    def settings(self) -> Settings:
        return Settings.from_env(self.env)

    @property
    def store(self) -> GameStore:
        if self._store is None:
            self._store = GameStore.connect(self.settings)
        return self._store

    # -- processes ------------------------------------------------------------------------------
    def start_redis(self, host_name: str = "data", replica_of: Optional[str] = None) -> object:
        host = self.host(host_name)
        directory = self.tmp / f"redis-{host_name}"
        directory.mkdir(exist_ok=True)
        argv = [shutil.which("redis-server") or "redis-server", "--bind", host.address, "--port", str(REDIS_PORT),
                "--protected-mode", "no", "--dir", str(directory), "--save", "", "--appendonly", "yes",
                "--appendfsync", "everysec", "--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0"]
        if replica_of:
            argv += ["--replicaof", self.host(replica_of).address, str(REDIS_PORT)]
        process = self.net.run(host, argv, self.env, "redis")
        self._wait_answering(host, REDIS_PORT, "Redis", "redis")
        return process

    def start_sentinel(self, host_name: str, primary: str = "data") -> object:
        """A Sentinel on ``host_name`` watching ``primary`` as MASTER_NAME (quorum 2, down after 1 s)."""
        host = self.host(host_name)
        config = self.tmp / f"sentinel-{host_name}.conf"
        config.write_text(f"port {SENTINEL_PORT}\nbind {host.address}\nprotected-mode no\n"
                          f"dir {self.tmp}\n"
                          f"sentinel monitor {MASTER_NAME} {self.host(primary).address} {REDIS_PORT} 2\n"
                          f"sentinel down-after-milliseconds {MASTER_NAME} 1000\n"
                          f"sentinel failover-timeout {MASTER_NAME} 5000\n")
        process = self.net.run(host, [shutil.which("redis-sentinel") or "redis-sentinel", str(config)], self.env,
                               "sentinel")
        self._wait_answering(host, SENTINEL_PORT, "Sentinel", "sentinel")
        return process

    def _wait_answering(self, host: Host, port: int, what: str, log: str) -> None:
        """Until the Redis-protocol server ``what`` on ``host`` answers a PING (its log on failure)."""
        client = redis.Redis(host=host.address, port=port, socket_timeout=1)
        try:
            wait_until(lambda: _pings(client), 15, f"{what} on {host.name} did not answer",
                       detail=lambda: self.net.log(host, log))
        finally:
            client.close()

    def start_web(self, host_name: str, wait: bool = True) -> object:
        host = self.host(host_name)
        env = {**self.env, "HOST": host.address, "PORT": str(WEB_PORT),
               "TRUSTED_PROXIES": self.host("edge").address}
        process = self.net.run(host, ["bash", "-c", "exec " + procfile_command("web")], env, "web")
        if wait:
            self.wait_web(host_name)
        return process

    def wait_web(self, host_name: str) -> None:
        host = self.host(host_name)
        base = f"http://{host.address}:{WEB_PORT}/"
        wait_until(lambda: _answers(base), 30, f"the web on {host_name} did not serve",
                   detail=lambda: self.net.log(host, "web"))

    def start_edge(self, webs: Iterable[str] = ("web1", "web2")) -> object:
        edge = self.host("edge")
        servers = "\n".join(f"    server {w} {self.host(w).address}:{WEB_PORT} check" for w in webs)
        config = self.tmp / "haproxy.cfg"
        config.write_text(HAPROXY_CFG.format(edge=edge.address, edge_port=EDGE_PORT, servers=servers))
        process = self.net.run(edge, [shutil.which("haproxy") or "haproxy", "-db", "-f", str(config)], self.env,
                               "haproxy")
        base = f"http://{edge.address}:{EDGE_PORT}/"
        wait_until(lambda: _answers(base), 15, "haproxy did not serve", detail=lambda: self.net.log(edge, "haproxy"))
        return process

    def start_worker(self, host_name: str, queue: str = "moves", beat: bool = True, wait: bool = True,
                     **env: str) -> str:
        """The Procfile's worker (``moves bot --beat``), or an engine host's (``bot``), on ``host_name``;
        returns its node name, once its liveness beat is in Redis (``wait``)."""
        host = self.host(host_name)
        node = f"{queue}-{host_name}-{uuid.uuid4().hex[:4]}@{host_name}"
        command = procfile_command("worker" if queue == "moves" else "bot")
        if queue == "moves" and not beat:
            command = command.replace(" --beat", "")
        process = self.net.run(host, ["bash", "-c", f"exec {command} --name {node}"], {**self.env, **env},
                               f"{queue}")
        self.workers[node] = (host, process, queue)
        if wait:
            self.wait_beating(node)
        return node

    def beating(self, queue: str = "moves") -> set[str]:
        names = self.store.redis.zrange(self.store.keys.workers(queue), 0, -1)
        return set(names)

    def wait_beating(self, node: str, timeout: float = 60) -> None:
        host, process, queue = self.workers[node]
        wait_until(lambda: node in self.beating(str(queue)), timeout, f"worker {node} did not beat",
                   every=0.1, detail=lambda: self.net.log(host, str(queue)))

    def start_standard(self, bot: bool = False) -> None:
        """Redis on data, both webs, the edge, and the Procfile's worker (and an engine host's, if asked) on
        work1. The webs and the worker start side by side and are waited for together."""
        started = time.monotonic()
        self.start_redis()
        webs = [self.start_web(name, wait=False) for name in ("web1", "web2")]
        node = self.start_worker("work1", wait=False)
        bot_node = self.start_worker("work1", queue="bot", wait=False) if bot else None
        for name in ("web1", "web2"):
            self.wait_web(name)
        self.start_edge()
        self.wait_beating(node)
        if bot_node:
            self.wait_beating(bot_node)
        print(f"topology {self.net.id} on {self.net.subnet}: up in {time.monotonic() - started:.1f}s "
              f"({len(webs)} webs, edge {self.host('edge').address})")

    def logs(self) -> str:
        parts = []
        for path in sorted(self.tmp.glob("*.log")):
            text = path.read_text(errors="replace")
            if text.strip():
                parts.append(f"--- {path.name} ---\n{text[-1500:]}")
        return "\n".join(parts)

    def close(self) -> None:
        if self._store is not None:
            try:
                self._store.redis.close()
                self._store.redis.connection_pool.disconnect()
            except Exception:  # noqa: BLE001
                pass
        self.net.close()

    def __enter__(self) -> "Topology":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _pings(client: redis.Redis) -> bool:
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False


def _answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=1).read()
        return True
    except OSError:
        return False
