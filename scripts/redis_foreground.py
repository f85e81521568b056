"""The Procfile's ``redis`` line: run a local Redis in the foreground with AOF persistence, or,
when one already answers at REDIS_URL, stay idle (honcho stops everything if a line exits)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from urllib.parse import urlparse

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ensure_redis import ROOT, answers, redis_binary  # noqa: E402


def main() -> None:
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    if answers(url):
        print(f"redis: using the Redis already answering at {url}", flush=True)
        # Stay, so honcho keeps the other lines running, as ``sleep`` (1 MB) rather than as this
        # Python process (30 MB).
        os.execvp("sleep", ["sleep", "infinity"])
    port = str(urlparse(url).port or 6379)
    data = ROOT / "var" / "redis"
    data.mkdir(parents=True, exist_ok=True)
    binary = redis_binary()
    print(f"redis: starting {binary} on port {port} with AOF in {data}", flush=True)
    # Capped, and never evicting: past 90% of the cap no new game starts (app/quotas.py), so the
    # games in play keep the rest; nothing is ever dropped to make room.
    maxmemory = os.environ.get("REDIS_MAXMEMORY", "256mb")
    os.execv(binary, [binary, "--port", port, "--bind", "127.0.0.1", "--dir", str(data),
                      "--appendonly", "yes", "--appendfsync", "everysec", "--save", "",
                      "--maxmemory", maxmemory, "--maxmemory-policy", "noeviction"])


if __name__ == "__main__":
    main()
