"""The Procfile's worker line: one Celery worker, its queues, and beat inside if asked.

``python -m app.worker moves bot --beat`` (the Procfile's line) serves human moves and the lobby
inline, the AI's engine on a thread beside them (``app.engine_lane``), and runs the beat schedule
in a thread: one process for all the work of a micro instance, the engine's work never in front
of a human move. ``python -m app.worker bot`` serves only the engine's queue, for a host of its
own (``docs/several-machines.md``); ``python -m app.worker moves`` only the moves.

Why not the ``celery`` command line: it imports click's REPL and prompt_toolkit (about 12 MB per
process on a machine with 1 GiB), and a separate ``beat`` process cost 53 MB only to send two
periodic tasks. Beat here uses RedBeat's Redis lock, so any number of ``moves`` workers may run
``--beat``: one sends the schedule, the others stand by and take over within the lock's lifetime
if it dies (so there is no schedule file on disk either).
"""

from __future__ import annotations

import argparse
import logging
import socket
import sys
from typing import Optional

from app.config import BOT_QUEUE, MOVES_QUEUE, Settings


def main(argv: Optional[list[str]] = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m app.worker", description=__doc__.split("\n\n")[0])
    parser.add_argument("queues", nargs="+", choices=(MOVES_QUEUE, BOT_QUEUE), metavar="queue",
                        help=f"{MOVES_QUEUE} and/or {BOT_QUEUE}")
    parser.add_argument("--beat", action="store_true", help="also run the beat schedule (in a thread)")
    parser.add_argument("--name", default=None, help="worker name (default: <queue>@<host>)")
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    level = settings.log_level.upper()
    logging.basicConfig(level=level, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(processName)s %(name)s: %(message)s")

    queues = list(dict.fromkeys(args.queues))
    if BOT_QUEUE in queues:
        _check_engines(parser, settings)
        from app.liveness import engine_installed

        if len(queues) > 1 and not engine_installed(settings.engines_file):
            # The moves go on; the engine's tasks are left to a worker that can play them, and
            # the players are told the AI is unavailable (no bot worker beats: app.liveness).
            queues.remove(BOT_QUEUE)

    from celery.beat import EmbeddedService

    from app import engine_lane
    from app.celery_app import celery

    if BOT_QUEUE in queues and len(queues) > 1:
        engine_lane.enable()
    worker = celery.Worker(
        queues=queues, pool_cls="solo", hostname=args.name or f"{queues[0]}@{socket.gethostname()}",
        without_heartbeat=True, without_gossip=True, without_mingle=True, loglevel=level, quiet=True,
        no_color=True,
    )
    beat = EmbeddedService(celery, thread=True, scheduler_cls="redbeat.RedBeatScheduler") if args.beat else None
    if beat is not None:
        beat.start()
    try:
        worker.start()
    finally:
        engine_lane.disable()
        if beat is not None:
            # Not waited for: a standby beat blocks on RedBeat's lock, and the thread dies with
            # the process anyway (the lock lapses after BEAT_LOCK_S for the next one).
            beat.service.stop(wait=False)
    sys.exit(worker.exitcode)


def _check_engines(parser: argparse.ArgumentParser, settings: Settings) -> None:
    """A bad ``ENGINES_FILE`` stops a bot worker before it takes a task, saying what is wrong."""
    from app.engines import EngineConfigError, load_engines

    try:
        engines = load_engines(settings.engines_file)
    except EngineConfigError as bad:
        parser.exit(2, f"python -m app.worker bot: bad engine configuration: {bad}\n")
    for strength, spec in engines.items():
        logging.getLogger(__name__).info("%s: %s (%s)", strength.name, spec.name, " ".join(spec.argv))


if __name__ == "__main__":
    main()
