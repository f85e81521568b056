"""The GTP client: one engine process spoken to over pipes (see the package docstring)."""

from __future__ import annotations

import os
import re
import selectors
import subprocess
import threading
import time
from collections.abc import Sequence
from types import TracebackType

from .errors import EngineDied, EngineError, EngineTimeout, EngineUnavailable, GtpError
from .locate import find_gnugo
from .vertices import check_size

_STOP_GRACE = 1.0  # seconds to wait for "quit" / terminate during stop()
_READ_CHUNK = 65536

_COLORS = {"b": "black", "black": "black", "w": "white", "white": "white"}


def _color(color: str) -> str:
    try:
        return _COLORS[color.strip().lower()]
    except (KeyError, AttributeError):
        raise ValueError(f"color must be 'black' or 'white', got {color!r}") from None


def _token(value: str, what: str) -> str:
    """Validate a single GTP argument token (no whitespace / control chars)."""
    if not isinstance(value, str) or not value or any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in value):
        raise ValueError(f"invalid {what}: {value!r}")
    return value


def _normalize_move(move: str) -> str:
    low = move.strip().lower()
    if low in ("pass", "resign"):
        return low
    return move.strip().upper()


class GtpEngine:
    """A GNU Go process spoken to over GTP via stdin/stdout pipes.

    Not re-entrant across threads by design, but commands are serialized by
    an internal lock so concurrent callers cannot interleave on the pipe.
    """

    def __init__(
        self,
        args: Sequence[str] = (),
        timeout: float = 10.0,
        *,
        binary: str | None = None,
        command: Sequence[str] | None = None,
    ) -> None:
        if isinstance(args, str) or isinstance(command, str):
            raise TypeError("args and command must be sequences of strings, not a single str")
        self.args: tuple[str, ...] = tuple(args)
        self.timeout = float(timeout)
        self.binary = binary
        self.command_line: tuple[str, ...] | None = tuple(command) if command is not None else None
        """Any GTP engine's full command line (``args`` are appended); ``None``: GNU Go, as
        ``<binary> --mode gtp <args>``."""
        self._proc: subprocess.Popen[bytes] | None = None
        self._fd: int | None = None
        self._buf = bytearray()
        self._lock = threading.RLock()

    # -- lifecycle ---------------------------------------------------------

    @property
    def is_running(self) -> bool:
        proc = self._proc
        return proc is not None and proc.poll() is None

    @property
    def pid(self) -> int | None:
        """PID of the current process, or ``None`` if none was started / it was stopped."""
        proc = self._proc
        return proc.pid if proc is not None else None

    def start(self) -> None:
        """Start the engine process if it is not running (idempotent)."""
        with self._lock:
            if self._proc is not None:
                if self._proc.poll() is None:
                    return
                self._discard()
            if self.command_line is not None:
                argv = [*self.command_line, *self.args]
            else:
                argv = [self.binary or find_gnugo(), "--mode", "gtp", *self.args]
            try:
                proc = subprocess.Popen(
                    argv,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                    bufsize=0,
                    close_fds=True,
                )
            except OSError as exc:
                raise EngineUnavailable(f"cannot start {argv!r}: {exc}") from exc
            assert proc.stdout is not None
            fd = proc.stdout.fileno()
            os.set_blocking(fd, False)
            self._proc = proc
            self._fd = fd
            self._buf.clear()

    def stop(self) -> None:
        """Send ``quit`` (best effort), then terminate / kill and reap the process."""
        with self._lock:
            proc = self._proc
            if proc is None:
                return
            if proc.poll() is None:
                try:
                    self._send("quit")
                    self._read_response("quit", _STOP_GRACE)
                except (EngineError, OSError):
                    pass
            self._discard()

    def _discard(self) -> None:
        """Forget the current process, killing and reaping it if needed."""
        proc = self._proc
        self._proc = None
        self._fd = None
        self._buf.clear()
        if proc is None:
            return
        for stream in (proc.stdin, proc.stdout):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass
        if proc.poll() is None:
            try:
                proc.wait(timeout=_STOP_GRACE)
            except subprocess.TimeoutExpired:
                proc.terminate()
                try:
                    proc.wait(timeout=_STOP_GRACE)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()

    def _kill(self) -> None:
        proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait()
        self._discard()

    def __enter__(self) -> GtpEngine:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        state = f"pid={self.pid}" if self.is_running else "stopped"
        return f"<GtpEngine args={list(self.args)!r} {state}>"

    # -- protocol ----------------------------------------------------------

    def command(self, cmd: str, timeout: float | None = None) -> str:
        """Send one GTP command and return the response text after ``"= "``.

        ``timeout`` overrides the engine's default for this call only.
        Raises :class:`GtpError` on ``?`` responses, :class:`EngineTimeout`
        (process killed) or :class:`EngineDied` (process gone; the next call
        restarts it).
        """
        if not isinstance(cmd, str) or "\n" in cmd or "\r" in cmd or not cmd.strip():
            raise ValueError(f"invalid GTP command {cmd!r}")
        cmd = cmd.strip()
        limit = self.timeout if timeout is None else float(timeout)
        with self._lock:
            proc = self._proc
            if proc is not None and proc.poll() is not None:
                # Died while idle: report it once; the next call restarts.
                rc = proc.returncode
                self._discard()
                raise EngineDied(cmd, "process had exited", rc)
            if proc is None:
                self.start()
            self._send(cmd)
            return self._read_response(cmd, limit)

    def _send(self, cmd: str) -> None:
        proc = self._proc
        assert proc is not None and proc.stdin is not None
        try:
            proc.stdin.write(cmd.encode("utf-8") + b"\n")
        except (BrokenPipeError, ConnectionResetError, ValueError) as exc:
            rc = proc.poll()
            self._discard()
            raise EngineDied(cmd, f"write failed: {exc}", rc) from exc

    def _read_response(self, cmd: str, timeout: float) -> str:
        fd = self._fd
        assert fd is not None
        deadline = time.monotonic() + timeout
        with selectors.DefaultSelector() as sel:
            sel.register(fd, selectors.EVENT_READ)
            while True:
                raw = self._pop_response()
                if raw is not None:
                    return self._parse(cmd, raw)
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    self._kill()
                    raise EngineTimeout(cmd, timeout)
                if not sel.select(remaining):
                    continue
                try:
                    chunk = os.read(fd, _READ_CHUNK)
                except BlockingIOError:
                    continue
                except OSError as exc:
                    rc = self._proc.poll() if self._proc else None
                    self._kill()
                    raise EngineDied(cmd, f"read failed: {exc}", rc) from exc
                if not chunk:
                    proc = self._proc
                    rc = None
                    if proc is not None:
                        try:
                            rc = proc.wait(timeout=_STOP_GRACE)
                        except subprocess.TimeoutExpired:
                            pass
                    self._kill()
                    raise EngineDied(cmd, "EOF on engine stdout", rc)
                self._buf += chunk.replace(b"\r", b"")

    def _pop_response(self) -> bytes | None:
        end = self._buf.find(b"\n\n")
        if end < 0:
            return None
        raw = bytes(self._buf[:end])
        del self._buf[: end + 2]
        return raw

    @staticmethod
    def _parse(cmd: str, raw: bytes) -> str:
        text = raw.decode("utf-8", errors="replace").lstrip("\n")
        m = re.match(r"([=?])\d*(?: |\n|$)", text)
        if m is None:
            raise GtpError(cmd, f"malformed GTP response {text!r}")
        body = text[m.end():].strip()
        if m.group(1) == "?":
            raise GtpError(cmd, body)
        return body

    # -- convenience helpers ----------------------------------------------

    def version(self) -> str:
        return self.command("version")

    def name(self) -> str:
        return self.command("name")

    def boardsize(self, n: int) -> None:
        check_size(n)
        self.command(f"boardsize {n}")

    def clear_board(self) -> None:
        self.command("clear_board")

    def komi(self, k: float) -> None:
        self.command(f"komi {float(k):g}")

    def play(self, color: str, vertex: str) -> None:
        self.command(f"play {_color(color)} {_token(vertex, 'vertex')}")

    def genmove(self, color: str, timeout: float | None = None) -> str:
        """Let the engine move; returns e.g. ``"D4"``, ``"pass"`` or ``"resign"``."""
        return _normalize_move(self.command(f"genmove {_color(color)}", timeout))

    def list_commands(self) -> set[str]:
        """The commands the engine says it knows (``list_commands``)."""
        return set(self.command("list_commands").split())

    def is_legal(self, color: str, vertex: str) -> bool:
        return self.command(f"is_legal {_color(color)} {_token(vertex, 'vertex')}") == "1"

    def list_stones(self, color: str) -> list[str]:
        return self.command(f"list_stones {_color(color)}").split()

    def final_score(self, timeout: float | None = None) -> str:
        """E.g. ``"B+3.5"``, ``"W+0.5"`` or ``"0"``."""
        return self.command("final_score", timeout)

    def final_status_list(self, status: str, timeout: float | None = None) -> list[str]:
        """Vertices with the given status (``alive``, ``dead``, ``seki``, ...), flattened."""
        return self.command(f"final_status_list {_token(status, 'status')}", timeout).split()

    def fixed_handicap(self, n: int) -> list[str]:
        return self.command(f"fixed_handicap {int(n)}").split()

    def undo(self) -> None:
        self.command("undo")

    def loadsgf(self, path: str | os.PathLike[str], move: int | str | None = None) -> str:
        """Load an SGF file (path must not contain whitespace); returns the color to move."""
        args = _token(os.fspath(path), "SGF path")
        if move is not None:
            args += f" {_token(str(move), 'move number or vertex')}"
        return self.command(f"loadsgf {args}")
