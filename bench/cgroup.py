"""A cgroup of the benchmark's own, with a CPU quota and a memory limit (cgroup v1 or v2).

Made for ``bench/micro.py``: the stack runs inside it, the load generator outside. The cgroup is
created as a child of the cgroup this process is in (per hierarchy on v1, so any limit above it
still applies), under a unique name, and removed by :meth:`Cgroup.destroy`: every process still
in it is killed (SIGKILL), then the directories are removed.

* v1 (``/sys/fs/cgroup/<controller>``, separate or co-mounted hierarchies): ``cpu`` for the quota
  (``cpu.cfs_period_us`` / ``cpu.cfs_quota_us``, throttling in ``cpu.stat``), ``cpuacct`` for the
  CPU used (``cpuacct.usage``, ns), ``memory`` for the limit (``memory.limit_in_bytes``, and the
  same for memory+swap when swap accounting is on), ``memory.failcnt``, ``memory.oom_control``'s
  ``oom_kill``.
* v2 (``/sys/fs/cgroup/cgroup.controllers`` exists): ``cpu.max``, ``memory.max``,
  ``memory.swap.max`` 0, ``cpu.stat`` (``usage_usec``, throttling), ``memory.current``,
  ``memory.peak``, ``memory.events`` (``max``, ``oom_kill``), ``cgroup.kill``. When the cgroup we are
  in cannot delegate the cpu and memory controllers (it holds processes), the root is the parent.

Processes are put in it by :meth:`Cgroup.enter`, meant as a ``preexec_fn``: the child joins the
cgroup between ``fork`` and ``exec``, so nothing it starts is ever outside.
"""

from __future__ import annotations

import errno
import os
import signal
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

ROOT_V2 = Path("/sys/fs/cgroup")
UNLIMITED = 2**63 - 4096  # what v1 shows for "no limit" (PAGE_COUNTER_MAX * page size on x86-64)


class CgroupError(RuntimeError):
    pass


@dataclass
class CpuStat:
    usage_ns: int
    periods: int
    throttled: int
    throttled_ns: int


@dataclass
class MemStat:
    usage: int  # bytes charged now (RSS + page cache + kernel memory charged to it)
    peak: int  # the most ever charged (0 when the kernel does not say)
    anon: int  # anonymous memory (RSS of the processes)
    file: int  # page cache
    failcnt: int  # v1: times the limit was hit (reclaim, not necessarily an OOM); v2: memory.events max
    oom_kill: int  # processes killed by the OOM killer in this cgroup


def _read(path: Path) -> str:
    return path.read_text()


def _write(path: Path, value: str) -> None:
    with open(path, "w") as f:
        f.write(value)


def _keyed(path: Path) -> dict[str, int]:
    out: dict[str, int] = {}
    try:
        for line in _read(path).splitlines():
            parts = line.split()
            if len(parts) == 2:
                try:
                    out[parts[0]] = int(parts[1])
                except ValueError:
                    pass
    except OSError:
        pass
    return out


def _own_cgroups() -> dict[str, str]:
    """controller (or '' for v2) -> our path in that hierarchy, from /proc/self/cgroup."""
    out: dict[str, str] = {}
    for line in _read(Path("/proc/self/cgroup")).splitlines():
        _, controllers, path = line.split(":", 2)
        if controllers == "":
            out[""] = path
        for controller in controllers.split(","):
            if controller:
                out[controller] = path
    return out


def _v1_mounts() -> dict[str, tuple[Path, str]]:
    """controller -> (mount point, root of the mount) for every cgroup v1 hierarchy."""
    out: dict[str, tuple[Path, str]] = {}
    for line in _read(Path("/proc/self/mountinfo")).splitlines():
        left, _, right = line.partition(" - ")
        fields, tail = left.split(), right.split()
        if len(tail) < 3 or tail[0] != "cgroup":
            continue
        mount_root, mount_point = fields[3], fields[4].replace("\\040", " ")
        for option in tail[2].split(","):
            if option in ("cpu", "cpuacct", "memory"):
                out[option] = (Path(mount_point), mount_root)
    return out


def _under(mount_point: Path, mount_root: str, path: str) -> Path:
    relative = os.path.relpath(path, mount_root) if mount_root != "/" else path.lstrip("/")
    return mount_point if relative in (".", "") else mount_point / relative


class Cgroup:
    def __init__(self, name: str, cpu_quota_us: int, cpu_period_us: int, memory_bytes: int,
                 weight_factor: float = 1.0) -> None:
        """``weight_factor``: the cgroup's CPU weight relative to the default (``cpu.shares`` 1024 on
        v1, ``cpu.weight`` 100 on v2), so that within its quota it is not kept waiting by other work
        on the machine; the quota still caps it."""
        if "/" in name or not name:
            raise ValueError(f"bad cgroup name {name!r}")
        self.name = name
        self.weight_factor = weight_factor
        self.cpu_quota_us = cpu_quota_us
        self.cpu_period_us = cpu_period_us
        self.memory_bytes = memory_bytes
        self.v2 = (ROOT_V2 / "cgroup.controllers").exists()
        self.dirs: dict[str, Path] = {}  # role ("cpu", "cpuacct", "memory" on v1; "all" on v2) -> dir
        self._procs_files: list[bytes] = []
        self.created: list[Path] = []

    # -- life cycle -----------------------------------------------------------------------------

    def create(self) -> "Cgroup":
        try:
            if self.v2:
                self._create_v2()
            else:
                self._create_v1()
        except BaseException:
            self.destroy()
            raise
        self._procs_files = [os.fsencode(d / "cgroup.procs") for d in self.unique_dirs()]
        return self

    def _make(self, path: Path) -> Path:
        path.mkdir()
        self.created.append(path)
        return path

    def _create_v1(self) -> None:
        mounts = _v1_mounts()
        own = _own_cgroups()
        missing = [c for c in ("cpu", "cpuacct", "memory") if c not in mounts or c not in own]
        if missing:
            raise CgroupError(f"cgroup v1 controllers not mounted: {', '.join(missing)}")
        by_dir: dict[Path, Path] = {}
        for controller in ("cpu", "cpuacct", "memory"):
            mount_point, mount_root = mounts[controller]
            parent = _under(mount_point, mount_root, own[controller])
            target = parent / self.name
            if target not in by_dir:  # co-mounted controllers share one directory
                by_dir[target] = self._make(target)
            self.dirs[controller] = by_dir[target]
        cpu, memory = self.dirs["cpu"], self.dirs["memory"]
        _write(cpu / "cpu.cfs_period_us", str(self.cpu_period_us))
        _write(cpu / "cpu.cfs_quota_us", str(self.cpu_quota_us))
        _write(cpu / "cpu.shares", str(max(2, min(262144, round(1024 * self.weight_factor)))))
        _write(memory / "memory.limit_in_bytes", str(self.memory_bytes))
        if (memory / "memory.memsw.limit_in_bytes").exists():
            try:  # no swap beyond the limit either (a t3.micro has no swap by default)
                _write(memory / "memory.memsw.limit_in_bytes", str(self.memory_bytes))
            except OSError:
                pass

    def _create_v2(self) -> None:
        own = _own_cgroups().get("", "/")
        candidates = [ROOT_V2 / own.lstrip("/"), ROOT_V2]
        last_error: Optional[BaseException] = None
        for parent in dict.fromkeys(candidates):
            try:
                enabled = _read(parent / "cgroup.subtree_control").split()
                if not {"cpu", "memory"} <= set(enabled):
                    available = _read(parent / "cgroup.controllers").split()
                    if not {"cpu", "memory"} <= set(available):
                        raise CgroupError(f"{parent}: cpu and memory controllers not available")
                    _write(parent / "cgroup.subtree_control", "+cpu +memory")
                target = self._make(parent / self.name)
                break
            except (OSError, CgroupError) as failed:
                last_error = failed
        else:
            raise CgroupError(f"cannot create a cgroup v2 child with cpu and memory: {last_error!r}")
        self.dirs = {"all": target}
        _write(target / "cpu.max", f"{self.cpu_quota_us} {self.cpu_period_us}")
        _write(target / "cpu.weight", str(max(1, min(10000, round(100 * self.weight_factor)))))
        _write(target / "memory.max", str(self.memory_bytes))
        if (target / "memory.swap.max").exists():
            try:
                _write(target / "memory.swap.max", "0")
            except OSError:
                pass

    def unique_dirs(self) -> list[Path]:
        return list(dict.fromkeys(self.dirs.values()))

    def enter(self) -> None:
        """Move the calling process into the cgroup (every hierarchy). Safe as a ``preexec_fn``."""
        pid = str(os.getpid()).encode()
        for path in self._procs_files:
            fd = os.open(path, os.O_WRONLY)
            try:
                os.write(fd, pid)
            finally:
                os.close(fd)

    def set_cpu_quota(self, quota_us: int) -> None:
        """Change the quota (-1: none), e.g. to let the stack shut down quickly."""
        if self.v2:
            _write(self.dirs["all"] / "cpu.max", f"{'max' if quota_us < 0 else quota_us} {self.cpu_period_us}")
        else:
            _write(self.dirs["cpu"] / "cpu.cfs_quota_us", str(quota_us))

    def destroy(self, reap: Optional[Callable[[], None]] = None, timeout_s: float = 15.0) -> list[str]:
        """Kill whatever is still inside, then remove the directories; returns problems, if any."""
        problems: list[str] = []
        if not self.created:
            return problems
        deadline = time.monotonic() + timeout_s
        killed_once = False
        while True:
            pids = self.pids()
            if not pids:
                break
            if not killed_once and self.v2 and (self.dirs["all"] / "cgroup.kill").exists():
                try:
                    _write(self.dirs["all"] / "cgroup.kill", "1")
                except OSError:
                    pass
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            killed_once = True
            if reap is not None:
                reap()
            if time.monotonic() > deadline:
                problems.append(f"processes still in the cgroup after {timeout_s:.0f}s: {sorted(pids)}")
                break
            time.sleep(0.1)
        for path in reversed(self.created):
            for attempt in range(50):
                try:
                    path.rmdir()
                    break
                except FileNotFoundError:
                    break
                except OSError as failed:
                    if failed.errno != errno.EBUSY or attempt == 49:
                        problems.append(f"could not remove {path}: {failed!r}")
                        break
                    if reap is not None:
                        reap()
                    time.sleep(0.1)
        self.created = [p for p in self.created if p.exists()]
        return problems

    # -- readings -------------------------------------------------------------------------------

    def pids(self) -> set[int]:
        found: set[int] = set()
        for path in self.unique_dirs():
            try:
                found.update(int(line) for line in _read(path / "cgroup.procs").split())
            except OSError:
                pass
        return found

    def cpu(self) -> CpuStat:
        if self.v2:
            stat = _keyed(self.dirs["all"] / "cpu.stat")
            return CpuStat(stat.get("usage_usec", 0) * 1000, stat.get("nr_periods", 0),
                           stat.get("nr_throttled", 0), stat.get("throttled_usec", 0) * 1000)
        usage = int(_read(self.dirs["cpuacct"] / "cpuacct.usage"))
        stat = _keyed(self.dirs["cpu"] / "cpu.stat")
        return CpuStat(usage, stat.get("nr_periods", 0), stat.get("nr_throttled", 0), stat.get("throttled_time", 0))

    def memory(self) -> MemStat:
        if self.v2:
            d = self.dirs["all"]
            stat = _keyed(d / "memory.stat")
            events = _keyed(d / "memory.events")
            peak = int(_read(d / "memory.peak")) if (d / "memory.peak").exists() else 0
            return MemStat(int(_read(d / "memory.current")), peak, stat.get("anon", 0), stat.get("file", 0),
                           events.get("max", 0), events.get("oom_kill", 0))
        d = self.dirs["memory"]
        stat = _keyed(d / "memory.stat")
        oom = _keyed(d / "memory.oom_control")
        return MemStat(int(_read(d / "memory.usage_in_bytes")), int(_read(d / "memory.max_usage_in_bytes")),
                       stat.get("total_rss", stat.get("rss", 0)), stat.get("total_cache", stat.get("cache", 0)),
                       int(_read(d / "memory.failcnt")), oom.get("oom_kill", 0))

    def describe(self) -> str:
        where = ", ".join(str(d) for d in self.unique_dirs())
        return (f"cgroup {'v2' if self.v2 else 'v1'} {where}: CPU {self.cpu_quota_us}/{self.cpu_period_us} us "
                f"({100.0 * self.cpu_quota_us / self.cpu_period_us:.0f}% of one core), CPU weight "
                f"{self.weight_factor:g}x the default, memory {self.memory_bytes / 2**20:.0f} MiB")
