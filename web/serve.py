"""The Procfile's ``web`` line: the app on gevent's own WSGI server, in one process.

Run as ``python -m gevent.monkey --module web.serve``, so the standard library is patched
before anything (the ``web`` package imports redis, which imports ssl) is imported.

gunicorn's master process cost 31 MB of a micro instance's memory only to supervise one gevent
worker; the service manager (systemd in ``deploy/``, honcho in development) already restarts a
process that dies. Websockets work the same: simple-websocket takes the socket from gevent's
WSGI environment. ``PORT`` and ``HOST`` choose the address; at most ``MAX_CONNECTIONS``
connections are served at once (the rest wait in the listen backlog); SIGTERM stops accepting
and gives open connections ``STOP_GRACE_S`` to finish.
"""

from __future__ import annotations

from gevent import monkey

monkey.patch_all()

import logging  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from typing import Any  # noqa: E402

import gevent  # noqa: E402
from gevent.pool import Pool  # noqa: E402
from gevent.pywsgi import WSGIServer  # noqa: E402

from app.config import Settings  # noqa: E402
from web import create_app  # noqa: E402

STOP_GRACE_S = 5.0

log = logging.getLogger("bugout.web")


LINGER_S = 2.0


def _linger_and_end(sock: socket.socket) -> None:
    """Half-close, then read and drop what the client still sends until it hangs up (or for
    ``LINGER_S``): closing a socket with unread data sends a reset, and a reset makes the
    client's kernel throw away the close frame (with its reason) that it has not read yet."""
    try:
        sock.shutdown(socket.SHUT_WR)
        sock.settimeout(LINGER_S)
        deadline = time.monotonic() + LINGER_S
        while time.monotonic() < deadline and sock.recv(65536):
            pass
        sock.shutdown(socket.SHUT_RD)
    except OSError:
        pass


def close_after_websocket(app: Any) -> Any:
    """End the TCP connection when a websocket is over.

    simple-websocket talks over a duplicate of the connection's socket; when flask-sock returns,
    gevent's server would keep the original open and wait for another HTTP request on it, so a
    client that does not hang up would hold the connection forever."""

    def wrapped(environ: dict[str, Any], start_response: Any) -> Any:
        answered = []

        def respond(*args: Any, **kwargs: Any) -> Any:
            answered.append(True)
            return start_response(*args, **kwargs)

        result = app(environ, respond)
        # A refused upgrade is an ordinary response (403, say): only a websocket that ran, which
        # answers without start_response, is ended here.
        if environ.get("HTTP_UPGRADE", "").lower() == "websocket" and not answered:
            wsgi_input = environ.get("wsgi.input")
            raw = getattr(getattr(wsgi_input, "rfile", wsgi_input), "raw", None)
            sock = getattr(raw, "_sock", None)
            if sock is not None:
                _linger_and_end(sock)
        return result

    return wrapped


def main() -> None:
    settings = Settings.from_env()
    logging.basicConfig(level=settings.log_level.upper(), stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    host, port = settings.host, settings.port
    # No per-request access log: a websocket is one long request, and the gateway logs what matters.
    server = WSGIServer((host, port), close_after_websocket(create_app(settings)),
                        spawn=Pool(settings.max_connections), log=None, error_log=log)

    def stop() -> None:
        server.stop(timeout=STOP_GRACE_S)

    gevent.signal_handler(signal.SIGTERM, stop)
    gevent.signal_handler(signal.SIGINT, stop)
    log.warning("web: serving on http://%s:%d/", host, port)
    server.serve_forever()


if __name__ == "__main__":
    main()
