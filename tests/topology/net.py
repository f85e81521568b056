"""Hosts with their own addresses inside one machine: Linux network namespaces joined by veth
pairs to a bridge in the root namespace (which holds the tests and their clients).

::

    root namespace (pytest, the clients)  10.77.N.1 on bridge bo<id>br
        ├── veth bo<id>h1 ── eth0 of namespace bo<id>-data   10.77.N.11
        ├── veth bo<id>h2 ── eth0 of namespace bo<id>-edge   10.77.N.12
        └── ...

Every name carries a random run id (4 hex digits) and the subnet's third octet is one no other
address of this machine uses, so runs side by side never meet. A run records its id and pid in
``STATE_DIR``; a later run deletes the namespaces and links of any run whose pid is gone (a run
killed before its teardown), and only those. :meth:`Net.close` kills every process in every
namespace of the run (``ip netns pids``, so nothing started inside survives) and deletes the
namespaces and the bridge, whatever happened before.

Faults: :meth:`Net.cut` takes a host's link down on the bridge side (packets to and from it
vanish, connections stay open on both sides, as in a partition); :meth:`Net.kill_host` cuts and
then SIGKILLs everything in the namespace (a host that died: no FIN, no RST reaches anyone).
"""

from __future__ import annotations

import ipaddress
import os
import random
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Optional, Sequence

STATE_DIR = Path("/run/bugout-topology")
NAME = re.compile(r"^bo([0-9a-f]{4})(?:-|br$|[hbp]\d+$)")


def ip(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["ip", *args], check=check, capture_output=True, text=True, timeout=20)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _kill_namespace(ns: str) -> None:
    """SIGKILL every process in namespace ``ns`` until none is left (bounded)."""
    for _ in range(50):
        found = ip("netns", "pids", ns, check=False).stdout.split()
        if not found:
            return
        for pid in found:
            try:
                os.kill(int(pid), signal.SIGKILL)
            except (ProcessLookupError, ValueError):
                pass
        time.sleep(0.05)


def _end_processes(host: Host, wait_s: float) -> None:
    """SIGKILL what ``host`` runs (each process's group, then whatever is left in its
    namespace) and reap the processes started there, each waited for up to ``wait_s``."""
    for process in host.processes:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
    _kill_namespace(host.ns)
    for process in host.processes:
        try:
            process.wait(timeout=wait_s)
        except subprocess.TimeoutExpired:
            pass


def clean_stale() -> list[str]:
    """Delete the namespaces, bridges and links of runs whose process is gone; what it removed."""
    removed: list[str] = []
    live: set[str] = set()
    if STATE_DIR.is_dir():
        for record in STATE_DIR.iterdir():
            try:
                pid = int(record.read_text().split()[0])
            except (OSError, ValueError, IndexError):
                pid = 0
            if pid and _alive(pid):
                live.add(record.name)
            else:
                record.unlink(missing_ok=True)
    for ns in ip("netns", "list", check=False).stdout.split("\n"):
        name = ns.split(" ")[0]
        match = NAME.match(name)
        if match and match.group(1) not in live:
            _kill_namespace(name)
            ip("netns", "del", name, check=False)
            removed.append(name)
    for line in ip("-o", "link", "show", check=False).stdout.splitlines():
        parts = line.split(":")
        if len(parts) < 2:
            continue
        link = parts[1].strip().split("@")[0]
        match = NAME.match(link)
        if match and match.group(1) not in live:
            ip("link", "del", link, check=False)
            removed.append(link)
    return removed


def free_subnet() -> ipaddress.IPv4Network:
    """A 10.77.N.0/24 that no address of this machine's root namespace is in."""
    used = ip("-4", "-o", "addr", "show").stdout
    taken = {int(m) for m in re.findall(r"inet 10\.77\.(\d+)\.", used)}
    choices = [n for n in range(10, 250) if n not in taken]
    return ipaddress.IPv4Network(f"10.77.{random.choice(choices)}.0/24")


@dataclass
class Host:
    name: str
    ns: str
    address: str
    link: str
    """The root-namespace end of its veth pair (a port of the bridge)."""
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)


class Net:
    def __init__(self, run_dir: Path) -> None:
        clean_stale()
        self.id = f"{random.randrange(16 ** 4):04x}"
        self.run_dir = run_dir
        STATE_DIR.mkdir(parents=True, exist_ok=True)
        (STATE_DIR / self.id).write_text(f"{os.getpid()}\n")
        self.subnet = free_subnet()
        self.bridge = f"bo{self.id}br"
        self.gateway = str(self.subnet.network_address + 1)
        self.hosts: dict[str, Host] = {}
        self.own: list[subprocess.Popen[bytes]] = []
        """Processes of the root namespace (the wire)."""
        self._closed = False
        try:
            ip("link", "add", self.bridge, "type", "bridge")
            ip("addr", "add", f"{self.gateway}/24", "dev", self.bridge)
            ip("link", "set", self.bridge, "up")
        except BaseException:
            self.close()
            raise

    def add_host(self, name: str) -> Host:
        index = len(self.hosts) + 1
        host = Host(name, f"bo{self.id}-{name}", str(self.subnet.network_address + 10 + index),
                    f"bo{self.id}h{index}")
        self.hosts[name] = host
        ip("netns", "add", host.ns)
        ip("link", "add", host.link, "type", "veth", "peer", "name", "eth0", "netns", host.ns)
        ip("link", "set", host.link, "master", self.bridge, "up")
        ip("-n", host.ns, "addr", "add", f"{host.address}/24", "dev", "eth0")
        ip("-n", host.ns, "link", "set", "eth0", "up")
        ip("-n", host.ns, "link", "set", "lo", "up")
        ip("-n", host.ns, "route", "add", "default", "via", self.gateway)
        return host

    def run(self, host: Host, argv: Sequence[str], env: Mapping[str, str], log: str) -> subprocess.Popen[bytes]:
        """Start ``argv`` inside ``host``'s namespace, in a session of its own, output to
        ``<run_dir>/<host>-<log>.log``."""
        path = self.run_dir / f"{host.name}-{log}.log"
        with open(path, "ab") as output:
            process = subprocess.Popen(["ip", "netns", "exec", host.ns, *argv], env=dict(env), stdout=output,
                                       stderr=subprocess.STDOUT, start_new_session=True,
                                       cwd=Path(__file__).resolve().parents[2])
        host.processes.append(process)
        return process

    def log(self, host: Host, log: str, chars: int = 3000) -> str:
        try:
            return (self.run_dir / f"{host.name}-{log}.log").read_text(errors="replace")[-chars:]
        except OSError as failure:
            return f"(no log: {failure})"

    # -- faults ---------------------------------------------------------------------------------
    def cut(self, host: Host) -> None:
        ip("link", "set", host.link, "down")

    def heal(self, host: Host) -> None:
        ip("link", "set", host.link, "up")

    def kill(self, host: Host, process: subprocess.Popen[bytes]) -> None:
        """SIGKILL ``process`` and its group."""
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.wait(timeout=10)

    def kill_host(self, host: Host) -> None:
        """The host dies: off the network first (nothing it had open says goodbye), then every
        process in it is SIGKILLed."""
        self.cut(host)
        _end_processes(host, wait_s=10)

    def impair(self, delay_s: float, loss: float, seed: int = 1) -> None:
        """Put every host behind a cable of ``delay_s`` and ``loss`` (``wire.py``): one-way
        ``2 * delay_s`` between two hosts, ``delay_s`` between a host and the root namespace."""
        pairs = []
        for index, host in enumerate(self.hosts.values(), start=1):
            bridge_end, wire_end = f"bo{self.id}b{index}", f"bo{self.id}p{index}"
            ip("link", "add", bridge_end, "type", "veth", "peer", "name", wire_end)
            for link in (bridge_end, wire_end, host.link):
                ip("link", "set", link, "gso_max_size", "1500")
            ip("-n", host.ns, "link", "set", "eth0", "gso_max_size", "1500")
            ip("link", "set", wire_end, "up")
            ip("link", "set", bridge_end, "master", self.bridge, "up")
            pairs.append(f"{host.link}:{wire_end}")
        ip("link", "set", self.bridge, "gso_max_size", "1500")
        path = self.run_dir / "wire.log"
        with open(path, "ab") as output:
            wire = subprocess.Popen([sys.executable, "-m", "tests.topology.wire", str(delay_s), str(loss), str(seed),
                                     *pairs], stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
                                    cwd=Path(__file__).resolve().parents[2])
        self.own.append(wire)
        wait_until(lambda: "ready" in path.read_text() or wire.poll() is not None, 15, "the wire did not start")
        assert wire.poll() is None, path.read_text()
        for host in self.hosts.values():  # now through the wire, not the bridge
            ip("link", "set", host.link, "nomaster")

    # -- teardown -------------------------------------------------------------------------------
    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        for process in self.own:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            process.wait(timeout=5)
        for host in self.hosts.values():
            _end_processes(host, wait_s=5)
            ip("netns", "del", host.ns, check=False)
            ip("link", "del", host.link, check=False)
        for line in ip("-o", "link", "show", check=False).stdout.splitlines():
            parts = line.split(":")
            if len(parts) > 1 and parts[1].strip().split("@")[0].startswith(f"bo{self.id}"):
                ip("link", "del", parts[1].strip().split("@")[0], check=False)
        ip("link", "del", self.bridge, check=False)
        (STATE_DIR / self.id).unlink(missing_ok=True)

    def __enter__(self) -> "Net":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def names_of_run(run_id: str) -> list[str]:
    """Namespaces and links of a run still present (for the teardown test)."""
    found = [n.split(" ")[0] for n in ip("netns", "list", check=False).stdout.splitlines()
             if n.startswith(f"bo{run_id}")]
    for line in ip("-o", "link", "show", check=False).stdout.splitlines():
        parts = line.split(":")
        if len(parts) > 1 and parts[1].strip().split("@")[0].startswith(f"bo{run_id}"):
            found.append(parts[1].strip().split("@")[0])
    return found


def wait_until(predicate, timeout: float, what: str, every: float = 0.05,
               detail: Optional[callable] = None) -> None:  # type: ignore[valid-type]
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} within {timeout:g}s" + (f":\n{detail()}" if detail else ""))
        time.sleep(every)
