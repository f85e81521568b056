"""deploy/backup.sh and deploy/restore.sh on a Redis of the test's own, configured as deployed
(AOF, no RDB snapshots): what was in Redis at the backup is there again after a restore, and
what came after it is not."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import redis

from ..support.stack import OwnRedis

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"

pytestmark = pytest.mark.timeout(60)


def no_replication_delay(url: str) -> None:
    """Redis waits ``repl-diskless-sync-delay`` (5 s) for more replicas before it sends a
    snapshot to ``redis-cli --rdb``; in production a backup may wait, a test need not."""
    client = redis.Redis.from_url(url)
    client.config_set("repl-diskless-sync-delay", 0)
    client.close()


def run(script: str, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(["bash", str(DEPLOY / script), *args], capture_output=True, text=True, timeout=50,
                          env={**os.environ, **env})
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def test_a_backup_restores_the_games_as_they_were(tmp_path) -> None:
    for tool in ("redis-server", "redis-cli"):
        assert shutil.which(tool), f"{tool} is missing: scripts/system-deps.sh installs redis-server and redis-tools"
    data = tmp_path / "redis"
    data.mkdir()
    server = OwnRedis(data)
    try:
        no_replication_delay(server.url)
        client = redis.Redis.from_url(server.url, decode_responses=True)
        client.hset("bugout-backup-test:game:kept", mapping={"moves": "dd,pp,dp", "version": "3"})
        client.set("bugout-backup-test:greeting", "hello")
        backup = Path(run("backup.sh", str(tmp_path / "backups"), REDIS_URL=server.url).stdout.strip())
        assert backup.parent == tmp_path / "backups" and backup.stat().st_size > 0
        assert (tmp_path / "backups").stat().st_mode & 0o777 == 0o700
        client.set("bugout-backup-test:greeting", "changed after the backup")
        client.set("bugout-backup-test:later", "made after the backup")
        client.close()
    finally:
        server.stop()

    restored = run("restore.sh", "--redis-dir", str(data), "--no-services", str(backup))
    assert "2 keys" in restored.stdout, restored.stdout
    assert [p.name for p in data.glob("appendonlydir.before-restore-*")], "the replaced files are kept aside"

    server.start()  # on the same directory: Redis loads the restored AOF
    try:
        client = redis.Redis.from_url(server.url, decode_responses=True)
        assert client.hgetall("bugout-backup-test:game:kept") == {"moves": "dd,pp,dp", "version": "3"}
        assert client.get("bugout-backup-test:greeting") == "hello"
        assert client.get("bugout-backup-test:later") is None
        assert client.config_get("appendonly")["appendonly"] == "yes"
        client.close()
    finally:
        server.stop()


def test_old_backups_are_pruned(tmp_path) -> None:
    server = OwnRedis(tmp_path)
    try:
        backups = tmp_path / "backups"
        backups.mkdir()
        for day in range(1, 5):
            old = backups / f"bugout-2026010{day}T030000Z.rdb"
            old.write_bytes(b"old")
            os.utime(old, (day * 86400, day * 86400))
        no_replication_delay(server.url)
        newest = Path(run("backup.sh", str(backups), REDIS_URL=server.url, KEEP="3").stdout.strip())
    finally:
        server.stop()
    assert sorted(p.name for p in backups.iterdir()) == sorted(
        ["bugout-20260103T030000Z.rdb", "bugout-20260104T030000Z.rdb", newest.name])
