"""bench/footprint.py's readings of the stack: each process's memory, CPU and wake-ups (from
/proc), and the Redis commands run meanwhile, printed process by process."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass

from tests.support import proc
from tests.support.processes import Proc

MB = 1024.0  # /proc reports kB


@dataclass
class Member:
    label: str
    pid: int
    engine: bool  # gnugo: reported on its own, not in the stack's totals


class Stack:
    """The processes of the stack, found afresh at every measurement (gunicorn forks, gnugo)."""

    def __init__(self, procs: list[Proc]) -> None:
        self.procs = procs

    def members(self) -> list[Member]:
        stats = proc.all_stats()
        members = []
        for started in self.procs:
            for pid in sorted(proc.tree_pids(started.process.pid, stats)):
                comm = stats[pid][1]
                engine = "gnugo" in comm
                if pid == started.process.pid:
                    label = started.label
                elif engine:
                    label = f"{started.label}: gnugo"
                elif comm in ("bash", "sh"):
                    label = f"{started.label}: shell"
                else:
                    label = f"{started.label}: child"
                members.append(Member(label, pid, engine))
        return members


def memory_report(title: str, stack: Stack) -> tuple[float, dict[str, float]]:
    """Print each process's memory; return the stack's total VmRSS (MB, engines excluded)."""
    rows = []
    for member in stack.members():
        info = proc.memory(member.pid)
        if info:
            rows.append((member, info))
    total = sum(info["VmRSS"] for m, info in rows if not m.engine) / MB
    pss = sum(info["Pss"] for m, info in rows if not m.engine) / MB
    print(f"{title}: total VmRSS {total:.1f} MB (PSS, shared pages counted once: {pss:.1f} MB)")
    print(f"  {'process':<24} {'pid':>7} {'VmRSS':>8} {'anon':>8} {'file':>8} {'PSS':>8} {'thr':>4}  command")
    per: dict[str, float] = {}
    for member, info in rows:
        per[member.label] = per.get(member.label, 0.0) + info["VmRSS"] / MB
        flag = "  (engine: not in the total)" if member.engine else ""
        print(f"  {member.label:<24} {member.pid:>7} {info['VmRSS'] / MB:7.1f}M {info.get('RssAnon', 0) / MB:7.1f}M "
              f"{info.get('RssFile', 0) / MB:7.1f}M {info['Pss'] / MB:7.1f}M {info.get('Threads', 0):>4}  "
              f"{proc.cmdline(member.pid)}{flag}")
    if not any(m.engine for m, _ in rows):
        print("  gnugo: not running")
    return total, per


@dataclass
class CpuSample:
    at: float
    ticks: dict[int, int]
    switches: dict[int, dict[int, int]]  # pid -> thread -> context switches
    labels: dict[int, Member]
    system: tuple[int, int, int]


def cpu_sample(stack: Stack) -> CpuSample:
    members = stack.members()
    ticks, switches, labels = {}, {}, {}
    for member in members:
        t = proc.cpu_ticks(member.pid, with_children=True)
        if t is not None:
            ticks[member.pid] = t
            switches[member.pid] = proc.thread_switches(member.pid)
            labels[member.pid] = member
    return CpuSample(time.perf_counter(), ticks, switches, labels, proc.system_ticks())


def cpu_report(before: CpuSample, after: CpuSample) -> tuple[float, float]:
    """Print each process's CPU and wake-ups; return (stack % of one core, engines %)."""
    wall = after.at - before.at
    print(f"idle CPU over {wall:.1f}s (100% = one core; wake-ups = context switches of all threads):")
    stack_pct = engine_pct = 0.0
    for pid, member in after.labels.items():
        if pid not in before.ticks:
            print(f"  {member.label:<24} {pid:>7}  started during the window (counted from 0)")
        used = 100.0 * (after.ticks[pid] - before.ticks.get(pid, 0)) / proc.CLK_TCK / wall
        # Threads that ended during the window take their switches with them: a lower bound.
        earlier = before.switches.get(pid, {})
        wakeups = sum(n - earlier.get(tid, 0) for tid, n in after.switches[pid].items()) / wall
        if member.engine:
            engine_pct += used
        else:
            stack_pct += used
        print(f"  {member.label:<24} {pid:>7} {used:6.2f}%  {wakeups:7.1f} wake-ups/s  {proc.cmdline(pid, 60)}")
    for pid, member in before.labels.items():
        if pid not in after.labels:
            print(f"  {member.label:<24} {pid:>7}  exited during the window (its CPU is not counted)")
    busy = after.system[0] - before.system[0]
    total = after.system[1] - before.system[1]
    if total:
        cores = os.cpu_count() or 1
        machine = 100.0 * busy / total * cores
        print(f"  {'whole machine':<24} {'':>7} {machine:6.2f}% of {100 * cores}% "
              f"(not the stack's: {max(0.0, machine - stack_pct - engine_pct):.2f}%)")
    return stack_pct, engine_pct


def redis_command_report(before: dict[str, int], after: dict[str, int], seconds: float) -> None:
    delta = {k: v - before.get(k, 0) for k, v in after.items()}
    top = sorted(((v, k) for k, v in delta.items() if v > 0), reverse=True)
    ours = {"info", "client|list"}
    shown = [(v, k) for v, k in top if k not in ours]
    print(f"Redis commands while idle ({seconds:.0f}s; this bench's own INFO calls left out): "
          + (", ".join(f"{k} {v} ({v / seconds:.2f}/s)" for v, k in shown) or "none"))

