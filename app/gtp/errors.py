"""What goes wrong with an engine: its process (:class:`EngineError`) or a command it refused
(:class:`GtpError`)."""

from __future__ import annotations


class EngineError(RuntimeError):
    """Base class for engine process problems (not GTP-level failures)."""


class EngineUnavailable(EngineError):
    """The GNU Go binary cannot be found or started."""


class EngineTimeout(EngineError):
    """A command got no complete response in time; the process was killed."""

    def __init__(self, command: str, timeout: float) -> None:
        super().__init__(f"GTP command {command!r} timed out after {timeout:g}s; engine killed")
        self.command = command
        self.timeout = timeout


class EngineDied(EngineError):
    """The engine process exited; the next command starts a fresh one."""

    def __init__(self, command: str, detail: str = "", returncode: int | None = None) -> None:
        msg = f"GTP engine died during command {command!r}"
        if returncode is not None:
            msg += f" (exit status {returncode})"
        if detail:
            msg += f": {detail}"
        super().__init__(msg)
        self.command = command
        self.returncode = returncode


class GtpError(ValueError):
    """The engine answered a command with a ``? message`` failure response."""

    def __init__(self, command: str, message: str) -> None:
        super().__init__(f"GTP command {command!r} failed: {message}")
        self.command = command
        self.message = message
