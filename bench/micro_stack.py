"""bench/micro.py's view of the stack in its cgroup: every process labelled, the cgroup's CPU
and memory over a window, and the lines that report them."""

from __future__ import annotations

import math
import os
import re
import time
from dataclasses import dataclass

from bench.cgroup import Cgroup, CpuStat, MemStat
from tests.support import proc
from tests.support.processes import Proc

MiB = 1024.0 * 1024.0
NAN = float("nan")
ENGINE_HOSTS = ("worker", "bot")
"""The Procfile lines whose processes start GNU Go."""


def fmt(value: float, digits: int = 1) -> str:
    return "nan" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.{digits}f}"


class Stack:
    """The launched process groups, and every process the cgroup holds, labelled."""

    def __init__(self, cg: Cgroup) -> None:
        self.cg = cg
        self.procs: dict[str, Proc] = {}

    def label(self, pid: int) -> str:
        fields = proc.stat(pid)
        if fields is None:
            return "?"
        comm, pgid = fields[1], int(fields[4])
        base = next((name for name, p in self.procs.items() if p.process.pid in (pid, pgid)), None)
        if "gnugo" in comm:
            return "gnugo"
        if base is None:
            return f"other ({comm})"
        if base == "web" and "gunicorn" in proc.cmdline(pid, 60):
            return "web: gunicorn master" if pid == self.procs["web"].process.pid else "web: gunicorn worker"
        return base if pid == self.procs[base].process.pid else f"{base}: child ({comm})"

    def cpu_by_label(self) -> dict[str, float]:
        """CPU seconds by label. A process's own CPU and that of the children it reaped (cutime:
        the GNU Gos a worker stopped) are apart: the worker that runs the engine does not spin
        just because its GNU Gos did."""
        out: dict[str, float] = {}
        for pid in self.cg.pids():
            own, whole = proc.cpu_ticks(pid, with_children=False), proc.cpu_ticks(pid, with_children=True)
            if own is None or whole is None:
                continue
            label = self.label(pid)
            out[label] = out.get(label, 0.0) + own / proc.CLK_TCK
            if whole > own:  # a worker's children are its GNU Gos; Redis's, its rewrite forks
                reaped = f"{label}: reaped children" + (" (gnugo)" if label in ENGINE_HOSTS else "")
                out[reaped] = out.get(reaped, 0.0) + (whole - own) / proc.CLK_TCK
        return out

    def bot_cpu_s(self) -> float:
        """The engine's CPU: every GNU Go, running or reaped by the worker that ran it, and a
        worker of the AI's queue alone if there is one."""
        return sum(v for k, v in self.cpu_by_label().items()
                   if k in ("bot", "gnugo") or k.startswith("bot:") or k.endswith("(gnugo)"))

    def rss(self) -> tuple[float, list[tuple[str, int, float]]]:
        rows = []
        for pid in sorted(self.cg.pids()):
            info = proc.memory(pid)
            if info:
                rows.append((self.label(pid), pid, info["VmRSS"] / 1024.0))
        return sum(r[2] for r in rows), rows

    def dead(self) -> list[str]:
        return [name for name, p in self.procs.items() if p.process.poll() is not None]

    def reap(self) -> None:
        for p in self.procs.values():
            p.process.poll()


@dataclass
class Snap:
    at: float
    cpu: CpuStat
    by_label: dict[str, float]
    system: tuple[int, int, int]  # the machine's (busy, total, steal) jiffies, all CPUs


def snap(stack: Stack) -> Snap:
    return Snap(time.perf_counter(), stack.cg.cpu(), stack.cpu_by_label(), proc.system_ticks())


def machine_text(before: Snap, after: Snap) -> str:
    """How busy the whole machine was: other work on it makes the stack wait for a core."""
    busy = after.system[0] - before.system[0]
    total = after.system[1] - before.system[1]
    if total <= 0:
        return ""
    cores = os.cpu_count() or 1
    machine = 100.0 * busy / total * cores
    ours = 100.0 * (after.cpu.usage_ns - before.cpu.usage_ns) / 1e9 / max(1e-9, after.at - before.at)
    return (f"machine {machine:.0f}% of {100 * cores}% busy, {max(0.0, machine - ours):.0f}% of it outside the "
            f"cgroup (this load generator and any other work)")


def cpu_text(before: Snap, after: Snap, quota_pct: float, top: int = 6) -> str:
    wall = max(1e-9, after.at - before.at)
    used = 100.0 * (after.cpu.usage_ns - before.cpu.usage_ns) / 1e9 / wall
    periods = after.cpu.periods - before.cpu.periods
    throttled = after.cpu.throttled - before.cpu.throttled
    shares = sorted(((after.by_label[k] - before.by_label.get(k, 0.0), k) for k in after.by_label), reverse=True)
    parts = [f"{k} {100.0 * v / wall:.1f}%" for v, k in shares[:top] if v > 0]
    return (f"CPU {used:.1f}% of a core (quota {quota_pct:.0f}%), throttled in "
            f"{100.0 * throttled / max(1, periods):.0f}% of {periods} periods "
            f"({(after.cpu.throttled_ns - before.cpu.throttled_ns) / 1e9:.1f}s); " + ", ".join(parts)
            + f"; {machine_text(before, after)}")


def mem_text(m: MemStat) -> str:
    return (f"cgroup memory {m.usage / MiB:.0f} MiB (anon {m.anon / MiB:.0f}, page cache {m.file / MiB:.0f}; "
            f"peak {m.peak / MiB:.0f}), limit hit {m.failcnt}x, oom_kill {m.oom_kill}")


def print_rss(title: str, stack: Stack) -> float:
    total, rows = stack.rss()
    m = stack.cg.memory()
    print(f"{title}: RSS of the {len(rows)} processes in the cgroup {total:.1f} MB; {mem_text(m)}", flush=True)
    for label, pid, mb in rows:
        print(f"    {label:<24} pid={pid:<7} {mb:7.1f} MB  {proc.cmdline(pid, 60)}")
    return total


def log_problems(procs: dict[str, Proc]) -> list[str]:
    """Errors and warnings in the processes' logs (what broke or complained under the quota)."""
    lines = []
    for name, p in procs.items():
        try:
            text = p.log.read_text(errors="replace")
        except OSError:
            continue
        errors = [line for line in text.splitlines()
                  if re.search(r"Traceback|ERROR|CRITICAL|Killed|MemoryError|Timeout|timed out", line)]
        warnings = [line for line in text.splitlines()
                    if "WARNING" in line and "logfile ->" not in line and line not in errors]
        for kind, hits in (("error", errors), ("warning", warnings)):
            if hits:
                lines.append(f"{name}: {len(hits)} {kind} lines, e.g.: " + " | ".join(h.strip()[:200] for h in hits[:3]))
    return lines
