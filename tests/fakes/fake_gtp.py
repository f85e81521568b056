#!/usr/bin/env python3
"""A fake GTP engine for tests: deterministic, instant, standard library only.

It speaks enough GTP for ``app.engine.EngineKeeper`` and ``app.gtp.GtpEngine``: protocol_version,
name, version, list_commands, known_command, boardsize, clear_board, komi, level, play, genmove,
undo, is_legal, list_stones, final_status_list, final_score, quit. It keeps a real board
(captures, suicide refused unless ``--allow-all-suicide`` is among its arguments), and answers
``genmove`` with the first point in reading order (top-left first) that is empty, is not
suicide, does not retake a simple ko and does not fill one of the mover's own one-point eyes;
else it passes. It considers no stone dead.

Run it where GNU Go would run (``GNUGO_BINARY``), or as any engine's command line in an
``ENGINES_FILE`` (``app.engines``); it ignores GNU Go's command-line flags. It also takes
``time_settings`` and ``time_left`` (and only records them). Behaviour taken from the
environment, or from the same options on its command line (``--genmove-delay-s=60``,
``--unknown=time_left,time_settings``, …: the name without ``FAKE_GTP_``, lower case, ``-`` for
``_``), which win, so one worker can run differently configured fakes for different strengths:

``FAKE_GTP_GENMOVE_DELAY_S``   seconds to think before answering ``genmove``
``FAKE_GTP_DEAD_DELAY_S``      seconds before answering ``final_status_list`` (dead-stone analysis)
``FAKE_GTP_HANG``              comma-separated command names that are never answered
``FAKE_GTP_FAIL``              comma-separated command names answered with ``? fake failure``
``FAKE_GTP_DIE_AFTER``         answer N commands, then exit (status 3) on the next one, unanswered
``FAKE_GTP_UNKNOWN``           comma-separated command names it does not know (answered
                               ``? unknown command`` and left out of ``list_commands``)
``FAKE_GTP_NAME``              what ``name`` answers (default ``Fake GTP``)
``FAKE_GTP_LOG``               a file to which it appends ``<pid> start <command>`` when it begins
                               a command and ``<pid> done <command>`` just before it answers, so a
                               test can wait for a slow command to have begun

While it waits (a delay or a hang) it still watches its input: when the client closes the pipe
it exits at once, so it never outlives a client that gave up.
"""

from __future__ import annotations

import os
import re
import select
import sys
import time
from typing import Optional

COLUMNS = "ABCDEFGHJKLMNOPQRSTUVWXYZ"
COMMANDS = (
    "protocol_version", "name", "version", "list_commands", "known_command", "boardsize",
    "clear_board", "komi", "level", "play", "genmove", "undo", "is_legal", "list_stones",
    "final_status_list", "final_score", "time_settings", "time_left", "quit",
)
OPTIONS = ("genmove_delay_s", "dead_delay_s", "hang", "fail", "die_after", "log", "unknown", "name")
BLACK, WHITE = "B", "W"


class Failure(Exception):
    """A ``? message`` answer."""


def settings(argv: list[str]) -> dict[str, str]:
    """``FAKE_GTP_*`` from the environment, overridden by ``--option=value`` arguments."""
    found = {option: os.environ.get(f"FAKE_GTP_{option.upper()}", "") for option in OPTIONS}
    for arg in argv:
        name, _, value = arg.partition("=")
        option = name[2:].replace("-", "_") if name.startswith("--") else ""
        if option in OPTIONS and _:
            found[option] = value
    return found


def _names(text: str) -> set[str]:
    return {name.strip() for name in text.split(",") if name.strip()}


class Board:
    def __init__(self, size: int = 19, allow_suicide: bool = False) -> None:
        self.size = size
        self.allow_suicide = allow_suicide
        self.stones: dict[tuple[int, int], str] = {}
        self.ko: Optional[tuple[int, int]] = None
        """The point the player to move may not take back at once (simple ko), if any."""
        self.history: list[tuple[dict[tuple[int, int], str], Optional[tuple[int, int]]]] = []

    def neighbours(self, point: tuple[int, int]) -> list[tuple[int, int]]:
        x, y = point
        candidates = ((x - 1, y), (x + 1, y), (x, y - 1), (x, y + 1))
        return [(a, b) for a, b in candidates if 0 <= a < self.size and 0 <= b < self.size]

    def group(self, stones: dict[tuple[int, int], str], start: tuple[int, int]) -> tuple[set, set]:
        color = stones[start]
        members, liberties, todo = {start}, set(), [start]
        while todo:
            for near in self.neighbours(todo.pop()):
                owner = stones.get(near)
                if owner is None:
                    liberties.add(near)
                elif owner == color and near not in members:
                    members.add(near)
                    todo.append(near)
        return members, liberties

    def try_play(self, color: str, point: tuple[int, int]) -> tuple[dict, Optional[tuple[int, int]]]:
        """The stones after ``color`` plays ``point`` and the new ko point; Failure if illegal."""
        if point in self.stones:
            raise Failure("illegal move")
        stones = dict(self.stones)
        stones[point] = color
        other = WHITE if color == BLACK else BLACK
        captured: set[tuple[int, int]] = set()
        for near in self.neighbours(point):
            if stones.get(near) == other and near not in captured:
                members, liberties = self.group(stones, near)
                if not liberties:
                    captured |= members
        for dead in captured:
            del stones[dead]
        members, liberties = self.group(stones, point)
        if not liberties:
            if not self.allow_suicide:
                raise Failure("illegal move")
            for dead in members:
                del stones[dead]
        ko = None
        if len(captured) == 1 and members == {point} and len(liberties) == 1:
            ko = next(iter(captured))
        return stones, ko

    def play(self, color: str, point: Optional[tuple[int, int]]) -> None:
        if point is None:
            self.history.append((self.stones, self.ko))
            self.ko = None
            return
        stones, ko = self.try_play(color, point)
        self.history.append((self.stones, self.ko))
        self.stones, self.ko = stones, ko

    def undo(self) -> None:
        if not self.history:
            raise Failure("cannot undo")
        self.stones, self.ko = self.history.pop()

    def is_legal(self, color: str, point: tuple[int, int]) -> bool:
        if point == self.ko:
            return False
        try:
            self.try_play(color, point)
        except Failure:
            return False
        return True

    def own_eye(self, color: str, point: tuple[int, int]) -> bool:
        return all(self.stones.get(near) == color for near in self.neighbours(point))

    def choose(self, color: str) -> Optional[tuple[int, int]]:
        for y in range(self.size):
            for x in range(self.size):
                point = (x, y)
                if point in self.stones or self.own_eye(color, point) or not self.is_legal(color, point):
                    continue
                try:
                    stones, _ = self.try_play(color, point)
                except Failure:
                    continue
                if point in stones:  # not a suicide, even where suicide is allowed
                    return point
        return None

    def area_score(self, komi: float) -> str:
        black = sum(1 for c in self.stones.values() if c == BLACK)
        white = len(self.stones) - black
        seen: set[tuple[int, int]] = set()
        for y in range(self.size):
            for x in range(self.size):
                if (x, y) in self.stones or (x, y) in seen:
                    continue
                region, borders, todo = {(x, y)}, set(), [(x, y)]
                while todo:
                    for near in self.neighbours(todo.pop()):
                        if near in self.stones:
                            borders.add(self.stones[near])
                        elif near not in region:
                            region.add(near)
                            todo.append(near)
                seen |= region
                if borders == {BLACK}:
                    black += len(region)
                elif borders == {WHITE}:
                    white += len(region)
        margin = black - white - komi
        if margin == 0:
            return "0"
        return f"B+{margin:g}" if margin > 0 else f"W+{-margin:g}"


class Engine:
    def __init__(self, argv: list[str]) -> None:
        self.allow_suicide = "--allow-all-suicide" in argv
        self.board = Board(19, self.allow_suicide)
        self.komi = 0.0
        options = settings(argv)
        self.genmove_delay = float(options["genmove_delay_s"] or 0)
        self.dead_delay = float(options["dead_delay_s"] or 0)
        self.hang = _names(options["hang"])
        self.fail = _names(options["fail"])
        self.unknown = _names(options["unknown"])
        self.name = options["name"] or "Fake GTP"
        self.die_after = int(options["die_after"]) if options["die_after"] else None
        self.log_path = options["log"] or None
        self.time_left: dict[str, tuple[int, int]] = {}
        """The last ``time_left`` per colour: (seconds, stones)."""
        self.answered = 0
        self.pending = b""
        self.stdin = sys.stdin.buffer.fileno()

    # -- input -----------------------------------------------------------------------------------
    def _read_more(self, timeout: Optional[float]) -> bool:
        """Wait up to ``timeout`` for input; False if none came. Exits on end of input."""
        ready, _, _ = select.select([self.stdin], [], [], timeout)
        if not ready:
            return False
        chunk = os.read(self.stdin, 65536)
        if not chunk:
            sys.exit(0)  # the client closed the pipe
        self.pending += chunk
        return True

    def next_line(self) -> str:
        while b"\n" not in self.pending:
            self._read_more(None)
        line, self.pending = self.pending.split(b"\n", 1)
        return line.decode("utf-8", "replace")

    def wait(self, seconds: Optional[float]) -> None:
        """Sleep ``seconds`` (None: for ever), exiting at once if the client goes away."""
        deadline = None if seconds is None else time.monotonic() + seconds
        while True:
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                return
            self._read_more(1.0 if remaining is None else min(remaining, 1.0))

    # -- output ----------------------------------------------------------------------------------
    def log(self, what: str, command: str) -> None:
        if self.log_path:
            with open(self.log_path, "a", encoding="utf-8") as out:
                out.write(f"{os.getpid()} {what} {command}\n")

    @staticmethod
    def answer(ok: bool, ident: str, text: str) -> None:
        body = ("=" if ok else "?") + ident + (" " + text if text else "")
        os.write(sys.stdout.fileno(), (body + "\n\n").encode())

    # -- commands --------------------------------------------------------------------------------
    def vertex(self, text: str) -> Optional[tuple[int, int]]:
        text = text.strip().upper()
        if text == "PASS":
            return None
        match = re.fullmatch(r"([A-HJ-Z])(\d{1,2})", text)
        if not match:
            raise Failure("invalid coordinate")
        x, row = COLUMNS.index(match.group(1)), int(match.group(2))
        if x >= self.board.size or not 1 <= row <= self.board.size:
            raise Failure("invalid coordinate")
        return x, self.board.size - row

    def name_of(self, point: tuple[int, int]) -> str:
        return f"{COLUMNS[point[0]]}{self.board.size - point[1]}"

    @staticmethod
    def color(text: str) -> str:
        low = text.strip().lower()
        if low in ("b", "black"):
            return BLACK
        if low in ("w", "white"):
            return WHITE
        raise Failure("invalid color")

    def run(self, name: str, args: list[str]) -> str:
        if name in self.unknown or name not in COMMANDS:
            raise Failure("unknown command")
        if name == "protocol_version":
            return "2"
        if name == "name":
            return self.name
        if name == "version":
            return "1.0"
        if name == "list_commands":
            return "\n".join(c for c in COMMANDS if c not in self.unknown)
        if name == "known_command":
            return "true" if args and args[0] in COMMANDS and args[0] not in self.unknown else "false"
        if name in ("time_settings", "time_left"):
            numbers = args[1:] if name == "time_left" else args
            if len(numbers) != 2 + (name == "time_settings") or not all(n.isdigit() for n in numbers):
                raise Failure("syntax error")
            if name == "time_left":
                self.time_left[self.color(args[0])] = (int(numbers[0]), int(numbers[1]))
            return ""
        if name == "boardsize":
            size = int(args[0]) if args and args[0].isdigit() else 0
            if not 1 <= size <= len(COLUMNS):
                raise Failure("unacceptable size")
            self.board = Board(size, self.allow_suicide)
            return ""
        if name == "clear_board":
            self.board = Board(self.board.size, self.allow_suicide)
            return ""
        if name == "komi":
            try:
                self.komi = float(args[0])
            except (IndexError, ValueError):
                raise Failure("komi not a float") from None
            return ""
        if name in ("level", "quit"):
            return ""
        if name == "play":
            if len(args) < 2:
                raise Failure("invalid color or coordinate")
            color, point = self.color(args[0]), self.vertex(args[1])
            if point is not None and point == self.board.ko:
                raise Failure("illegal move")
            self.board.play(color, point)
            return ""
        if name == "genmove":
            if not args:
                raise Failure("invalid color")
            color = self.color(args[0])
            self.wait(self.genmove_delay)
            point = self.board.choose(color)
            self.board.play(color, point)
            return "PASS" if point is None else self.name_of(point)
        if name == "undo":
            self.board.undo()
            return ""
        if name == "is_legal":
            color, point = self.color(args[0]), self.vertex(args[1])
            return "1" if point is None or self.board.is_legal(color, point) else "0"
        if name == "list_stones":
            color = self.color(args[0]) if args else BLACK
            points = sorted(p for p, c in self.board.stones.items() if c == color)
            return " ".join(self.name_of(p) for p in points)
        if name == "final_status_list":
            self.wait(self.dead_delay)
            status = args[0].lower() if args else ""
            if status == "alive":
                return " ".join(self.name_of(p) for p in sorted(self.board.stones))
            if status in ("dead", "seki"):
                return ""
            raise Failure("invalid status")
        if name == "final_score":
            return self.board.area_score(self.komi)
        raise Failure("unknown command")

    def serve(self) -> None:
        while True:
            line = self.next_line().split("#", 1)[0].strip()
            if not line:
                continue
            words = line.split()
            ident = ""
            if words[0].isdigit():
                ident, words = words[0], words[1:]
                if not words:
                    continue
            name, args = words[0], words[1:]
            command = " ".join(words)
            if self.die_after is not None and self.answered >= self.die_after:
                self.log("die", command)
                os._exit(3)
            self.log("start", command)
            if name in self.hang:
                self.wait(None)
            try:
                if name in self.fail:
                    raise Failure("fake failure")
                text = self.run(name, args)
                ok = True
            except Failure as failure:
                text, ok = str(failure), False
            self.log("done", command)  # before the answer: a client that has it sees the line
            self.answer(ok, ident, text)
            self.answered += 1
            if name == "quit":
                return


def main() -> None:
    Engine(sys.argv[1:]).serve()


if __name__ == "__main__":
    main()
