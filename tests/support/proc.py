"""Readers of /proc (Linux) for the tests and the benchmarks: a process's CPU time, memory,
wake-ups and command line, its process group and descendants, and the machine's CPU.

Every reader returns ``None`` (or an empty result) for a process that is gone: a reading races
with the process's end, and the callers decide what that means.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Optional

CLK_TCK = os.sysconf("SC_CLK_TCK")
"""The unit of the CPU times in /proc/<pid>/stat (ticks a second)."""


def stat(pid: int) -> Optional[list[str]]:
    """Fields of /proc/<pid>/stat, numbered as in proc(5) minus one: [0] pid, [1] comm (which may
    hold spaces and parentheses), [3] ppid, [4] pgrp, [13] utime, [14] stime, [15] cutime, [16] cstime."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    head, _, tail = raw.rpartition(")")
    pid_text, comm = head.split(" (", 1)
    return [pid_text, comm] + tail.split()


def all_stats() -> dict[int, list[str]]:
    """:func:`stat` of every process, by pid."""
    stats = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit() and (fields := stat(int(entry))) is not None:
            stats[int(entry)] = fields
    return stats


def group_pids(pgid: int, stats: Optional[dict[int, list[str]]] = None) -> list[int]:
    """The processes of process group ``pgid``."""
    return [pid for pid, fields in (stats if stats is not None else all_stats()).items() if int(fields[4]) == pgid]


def tree_pids(root: int, stats: dict[int, list[str]]) -> set[int]:
    """``root``'s process group and every descendant (in case one left the group)."""
    found = set(group_pids(root, stats))
    if root in stats:
        found.add(root)
    grew = True
    while grew:
        grew = False
        for pid, fields in stats.items():
            if pid not in found and int(fields[3]) in found:
                found.add(pid)
                grew = True
    return found


def descendants(pid: int) -> list[tuple[int, str]]:
    """(pid, command name) of every process under ``pid``."""
    stats = all_stats()
    found: list[tuple[int, str]] = []
    frontier = [pid]
    while frontier:
        parent = frontier.pop()
        children = [(child, fields[1]) for child, fields in stats.items() if int(fields[3]) == parent]
        found.extend(children)
        frontier.extend(child for child, _ in children)
    return found


def cpu_ticks(pid: int, with_children: bool) -> Optional[int]:
    """utime + stime of all the process's threads, in ticks; ``with_children``: plus cutime +
    cstime, the CPU of the children it reaped (e.g. a GNU Go that was stopped)."""
    fields = stat(pid)
    if fields is None:
        return None
    return sum(int(v) for v in fields[13:17 if with_children else 15])


def cpu_seconds(pid: int, with_children: bool = False) -> Optional[float]:
    """:func:`cpu_ticks` in seconds."""
    ticks = cpu_ticks(pid, with_children)
    return None if ticks is None else ticks / CLK_TCK


def memory(pid: int) -> dict[str, int]:
    """VmRSS, RssAnon, RssFile, RssShmem and Pss (kB; Pss 0 where the kernel does not say), and
    Threads; empty if the process is gone."""
    out: dict[str, int] = {}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "RssAnon", "RssFile", "RssShmem", "Threads"):
                out[key] = int(value.split()[0])
    except OSError:
        return {}
    out["Pss"] = 0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                out["Pss"] = int(line.split()[1])
    except OSError:
        pass
    return out


def thread_switches(pid: int) -> dict[int, int]:
    """Context switches (voluntary + not) of each thread: each one is a wake-up of that thread."""
    switches: dict[int, int] = {}
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return switches
    for tid in tids:
        try:
            text = Path(f"/proc/{pid}/task/{tid}/status").read_text()
        except OSError:
            continue
        switches[int(tid)] = sum(int(line.split()[1]) for line in text.splitlines()
                                 if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")))
    return switches


def sched_ns(pid: int) -> Optional[tuple[int, int]]:
    """(on a CPU, waiting on a run queue) in ns, summed over the process's threads."""
    run = wait = 0
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            try:
                fields = Path(f"/proc/{pid}/task/{tid}/schedstat").read_text().split()
            except OSError:
                continue
            run += int(fields[0])
            wait += int(fields[1])
    except OSError:
        return None
    return run, wait


def cmdline(pid: int, width: int = 70) -> str:
    """The command line, cut to ``width`` characters."""
    try:
        words = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return "?"
    text = " ".join(w.decode(errors="replace") for w in words if w)
    return text if len(text) <= width else text[:width - 3] + "..."


def system_ticks() -> tuple[int, int, int]:
    """(busy, total, steal) jiffies over all CPUs; steal: taken by the hypervisor for others."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:9]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values), values[7]
