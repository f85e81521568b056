"""Plain HTTP: the page, health, and SGF downloads."""

from __future__ import annotations

import dataclasses
import functools
import logging
import uuid
from typing import Any

from flask import Blueprint, Response, abort, current_app, jsonify, render_template

from app import choices, dialect, engine, events, game, sgf, social
from app.config import BOT_QUEUE, MOVES_QUEUE
from app.liveness import WorkerBeacons

log = logging.getLogger(__name__)

bp = Blueprint("pages", __name__)


@bp.get("/")
def index() -> str:
    settings = current_app.extensions["bugout"].settings
    protocol = {"extensions": dialect.names(dialect.ALL), "statuses": events.STATUSES}
    return render_template("index.html", protocol=protocol,
                           choices=_choices(settings.engines_file))


@functools.cache
def _choices(engines_file: str) -> dict[str, Any]:
    """What the page offers a creator, from the one home of each list."""
    return {
        "board_sizes": choices.BOARD_SIZES,
        "bots": [{"name": s.bot_name, "stars": int(s), "engine": engine.describe(s, engines_file)}
                 for s in choices.Strength],
    }


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    """Redis answers, and which workers beat lately (``app.liveness``): two Redis commands.

    Never a Celery broadcast ping: each one costs every worker a reply and the web a reply
    queue, and a burst of them once stopped the web process (docs/security.md)."""
    state = current_app.extensions["bugout"]
    report: dict[str, Any] = {"redis": False, "workers": 0}
    try:
        store = state.store()
        report["redis"] = bool(store.redis.ping())
        beacons = WorkerBeacons(store.redis, store.keys)
        queues = {queue: beacons.count(queue) for queue in (MOVES_QUEUE, BOT_QUEUE)}
        report["workers"] = queues[MOVES_QUEUE]
        report["ai"] = queues[BOT_QUEUE] > 0
    except Exception as failure:  # noqa: BLE001  (health must answer, whatever fails)
        log.warning("healthz: %s", failure)
        report["error"] = type(failure).__name__
    healthy = report["redis"] and report["workers"] > 0
    report["status"] = "ok" if healthy else "degraded"
    return jsonify(report), 200 if healthy else 503


@bp.get("/games/<uuid:game_id>.sgf")
def game_record(game_id: uuid.UUID) -> Response:
    """Only game ids (UUIDs) reach the store: any other path is a 404 without a Redis key.
    The game's chat lines are its comments (``C[]``)."""
    state_store = current_app.extensions["bugout"].store()
    state = state_store.load(str(game_id))
    if state is None:
        abort(404)
    board = state.board()
    if state.result:
        from app.go import Outcome

        board.end(Outcome.from_result(state.result))
    record = dataclasses.replace(sgf.record_of(board),
                                 comments=game.sgf_comments(social.chat_lines(state_store, str(game_id))))
    return Response(
        sgf.dumps(record),
        mimetype="application/x-go-sgf",
        headers={"Content-Disposition": f'attachment; filename="bugout-{game_id}.sgf"'},
    )
