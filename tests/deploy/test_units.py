"""The systemd units of deploy/systemd: valid for systemd, one per Procfile line, within budget."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from ..support import processes

UNITS = Path(__file__).resolve().parents[2] / "deploy" / "systemd"
SERVICES = {"web": "bugout-web.service", "worker": "bugout-worker.service"}
MIB = {"K": 1 / 1024, "M": 1, "G": 1024}


def unit(path: Path) -> dict[str, list[str]]:
    """``Section.Key`` -> values, in order (systemd allows a key more than once)."""
    found: dict[str, list[str]] = {}
    section = ""
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            section = line.strip("[]")
            continue
        key, _, value = line.partition("=")
        found.setdefault(f"{section}.{key}", []).append(value)
    return found


def mib(size: str) -> float:
    return float(size[:-1]) * MIB[size[-1]]


def scratch_root(root: Path) -> list[str]:
    """A root for ``systemd-analyze verify --root``: this machine's unit files (sysinit.target and
    the like, caddy.service if Caddy is installed), ours in /etc as install.sh puts them, and an
    executable where each ExecStart points. verify checks only that a command is an executable
    file; that each one really starts and answers is test_install's part."""
    system_units = Path("/usr/lib/systemd/system")
    assert (system_units / "sysinit.target").exists(), "systemd is not installed (scripts/system-deps.sh)"
    shutil.copytree(system_units, root / "usr/lib/systemd/system", symlinks=True)
    etc = root / "etc/systemd/system"
    shutil.copytree(UNITS, etc)
    names = sorted(p.name for p in etc.iterdir() if p.is_file())
    if (system_units / "caddy.service").exists():
        names.append("caddy.service")  # with our drop-in, caddy.service.d/bugout.conf
    for name in names:
        for start in unit(etc / name if (etc / name).exists() else system_units / name).get("Service.ExecStart", []):
            program = root / shlex.split(start)[0].lstrip("/")
            program.parent.mkdir(parents=True, exist_ok=True)
            program.write_text("#!/bin/sh\n")
            program.chmod(0o755)
    (root / "etc/bugout").mkdir()
    (root / "etc/bugout/bugout.env").write_text("")
    return names


@pytest.mark.timeout(60)
def test_every_unit_passes_systemd_analyze_verify(tmp_path) -> None:
    analyze = shutil.which("systemd-analyze")
    assert analyze, "systemd-analyze is missing: scripts/system-deps.sh installs the systemd package"
    names = scratch_root(tmp_path)
    assert {"bugout.target", *SERVICES.values(), "bugout-backup.service", "bugout-backup.timer",
            "caddy.service"} <= set(names)
    checked = subprocess.run([analyze, "verify", "--man=no", f"--root={tmp_path}", *names],
                             capture_output=True, text=True, timeout=50, env={**os.environ, "SYSTEMD_LOG_COLOR": "0"})
    # verify exits 0 on unknown keys or bad values, with a warning: any output is a failure.
    assert (checked.returncode, checked.stdout + checked.stderr) == (0, "")


def test_verify_would_see_a_mistake(tmp_path) -> None:
    """The test above proves something: a misspelt key or a bad value does print."""
    names = scratch_root(tmp_path)
    web = tmp_path / "etc/systemd/system" / SERVICES["web"]
    web.write_text(web.read_text().replace("MemoryMax=", "MemoryMaximum=").replace("Restart=always", "Restart=often"))
    checked = subprocess.run(["systemd-analyze", "verify", "--man=no", f"--root={tmp_path}", SERVICES["web"]],
                             capture_output=True, text=True, timeout=50)
    assert "MemoryMaximum" in checked.stderr and "often" in checked.stderr, checked.stderr
    assert names


def test_each_service_runs_its_procfile_line_as_bugout_and_always_comes_back() -> None:
    procfile = processes.procfile()
    # Production's Redis is Debian's redis-server; the Procfile's `redis` line is for development.
    assert set(procfile) == {*SERVICES, "redis"}
    for line, name in SERVICES.items():
        service = unit(UNITS / name)
        command = shlex.split(procfile[line])
        assert command[0] == "python"
        assert service["Service.ExecStart"] == [shlex.join(["/opt/bugout/venv/bin/python", *command[1:]])], name
        assert service["Service.User"] == service["Service.Group"] == ["bugout"]
        assert service["Service.EnvironmentFile"] == ["/etc/bugout/bugout.env"]
        assert service["Service.WorkingDirectory"] == ["/opt/bugout/src"]
        assert service["Service.Restart"] == ["always"] and service["Unit.StartLimitIntervalSec"] == ["0"]
        assert service["Unit.PartOf"] == ["bugout.target"] and service["Install.WantedBy"] == ["bugout.target"]
        assert name in unit(UNITS / "bugout.target")["Unit.Wants"][0].split()


def test_the_memory_limits_fit_a_t3_micro() -> None:
    """1 GiB: the three services at their hard limits plus Redis at its cap leave the kernel,
    Caddy and sshd about 190 MiB; at their soft limits (MemoryHigh, where the kernel reclaims
    and throttles first) about 290 MiB."""
    redis_cap = next(int(line.split()[1].removesuffix("mb")) for line in
                     (UNITS.parent / "redis-bugout.conf").read_text().splitlines() if line.startswith("maxmemory "))
    highs = [mib(unit(UNITS / name)["Service.MemoryHigh"][0]) for name in SERVICES.values()]
    maxes = [mib(unit(UNITS / name)["Service.MemoryMax"][0]) for name in SERVICES.values()]
    assert all(high < top for high, top in zip(highs, maxes))
    assert sum(maxes) + redis_cap <= 1024 - 190
    assert sum(highs) + redis_cap <= 1024 - 280
