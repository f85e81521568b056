"""Plain HTTP: the page, health, and SGF downloads."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, current_app, jsonify, render_template

from app import dialect, sgf
from app.celery_app import celery

bp = Blueprint("pages", __name__)


@bp.get("/")
def index() -> str:
    return render_template("index.html", protocol={"extensions": dialect.names(dialect.ALL)})


@bp.get("/healthz")
def healthz() -> tuple[Response, int]:
    state = current_app.extensions["bugout"]
    report: dict[str, Any] = {"redis": False, "workers": 0}
    try:
        report["redis"] = bool(state.store().redis.ping())
    except Exception as failure:  # noqa: BLE001
        report["redis_error"] = str(failure)
    try:
        report["workers"] = len(celery.control.ping(timeout=current_app.config["HEALTH_PING_TIMEOUT_S"]) or [])
    except Exception as failure:  # noqa: BLE001
        report["workers_error"] = str(failure)
    healthy = report["redis"] and report["workers"] > 0
    report["status"] = "ok" if healthy else "degraded"
    return jsonify(report), 200 if healthy else 503


@bp.get("/games/<game_id>.sgf")
def game_record(game_id: str) -> Response:
    state = current_app.extensions["bugout"].store().load(game_id)
    if state is None:
        abort(404)
    board = state.board()
    if state.result:
        from app.go import Outcome

        board.end(Outcome.from_result(state.result))
    record = sgf.record_of(board)
    return Response(
        sgf.dumps(record),
        mimetype="application/x-go-sgf",
        headers={"Content-Disposition": f'attachment; filename="bugout-{game_id}.sgf"'},
    )
