"""Wait until bugout's web process says it is healthy, and say what it reported.

``python deploy/healthcheck.py [URL] [--ai] [--timeout S]`` (default
``http://127.0.0.1:5000/healthz``): exit 0 once ``/healthz`` answers 200 (Redis answers and a
``moves`` worker beats) and, with ``--ai``, a worker of the AI's queue with GNU Go beats too; 1 if not within
the timeout. deploy/install.sh runs it after starting the services; tests/deploy runs it
against the processes they start from the installed units. Standard library only.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import urllib.error
import urllib.request


def report(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=2) as answer:
            return answer.status, json.load(answer)
    except urllib.error.HTTPError as answer:  # 503: degraded, with the same report
        return answer.code, json.load(answer)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url", nargs="?", default="http://127.0.0.1:5000/healthz")
    parser.add_argument("--ai", action="store_true", help="also wait for the AI opponent")
    parser.add_argument("--timeout", type=float, default=60.0)
    args = parser.parse_args()
    deadline = time.monotonic() + args.timeout
    last: object = "no answer"
    while True:
        try:
            status, last = report(args.url)
            if status == 200 and (last.get("ai") or not args.ai):
                ai = "available" if last.get("ai") else "unavailable (no bot worker with GNU Go)"
                print(f"healthcheck: ok: Redis answers, {last['workers']} moves worker(s), AI {ai}")
                return 0
        except (OSError, ValueError) as failure:  # not listening yet, or not our JSON
            last = failure
        if time.monotonic() > deadline:
            print(f"healthcheck: not healthy after {args.timeout:g} s: {last}", file=sys.stderr)
            return 1
        time.sleep(0.5)


if __name__ == "__main__":
    sys.exit(main())
