"""Two clients paired through the public lobby and seated as Black and White: the steps written
once, run by the tests' threaded clients (:func:`seat`) and the benchmarks' asyncio clients
(:func:`seat_async`) alike.

The steps are a generator of :class:`Send`, :class:`Expect` and :class:`Await`: an event is
expected before the frame that brings it is sent (an asyncio client drops what nobody expects),
and :class:`Reached` marks a milestone for whoever times the steps.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, Callable, Generator, Optional

from .wsclient import AsyncClient, Match, Payload, WsClient, kind


@dataclass
class Send:
    client: Any
    payload: Payload

    def run(self, timeout: float) -> None:
        self.client.send(self.payload)

    async def run_async(self, timeout: float) -> None:
        await self.client.send(self.payload)


@dataclass
class Expect:
    """Answered with a handle for :class:`Await`."""

    client: Any
    match: Match

    def run(self, timeout: float) -> tuple[WsClient, Match, int]:
        return self.client, self.match, self.client.mark()  # from here on

    async def run_async(self, timeout: float) -> asyncio.Future[tuple[Payload, float]]:
        return self.client.expect(self.match)


@dataclass
class Await:
    """Answered with the event expected."""

    handle: Any

    def run(self, timeout: float) -> Payload:
        client, match, mark = self.handle
        return client.wait_for(match, timeout, after=mark)

    async def run_async(self, timeout: float) -> Payload:
        event, _ = await asyncio.wait_for(self.handle, timeout)
        return event


@dataclass
class Reached:
    milestone: str


Steps = Generator[Any, Any, str]


def _check(condition: bool, message: str) -> None:
    if not condition:
        raise AssertionError(message)


def pairing(a: Any, b: Any, board_size: int) -> Steps:
    """``a`` asks for a public game and waits, ``b`` asks and is paired with it: the game's id."""
    waiting = yield Expect(a, kind("WaitForOpponent"))
    yield Send(a, {"type": "FindPublicGame", "boardSize": board_size})
    game_id = (yield Await(waiting))["gameId"]
    yield Reached("WaitForOpponent")
    ready_a = yield Expect(a, kind("GameReady", gameId=game_id))
    ready_b = yield Expect(b, kind("GameReady"))
    yield Send(b, {"type": "FindPublicGame", "boardSize": board_size})
    paired = (yield Await(ready_b))["gameId"]
    _check(paired == game_id, f"B was paired into {paired}, not A's {game_id}")
    yield Await(ready_a)
    yield Reached("GameReady")
    return str(game_id)


def choosing(black: Any, white: Any, game_id: str, name_game: bool = True) -> Steps:
    """``black`` prefers Black and ``white`` White, so each gets it; ``name_game``: the
    preference names the game (the page's client does; the original client does not)."""
    colours = []
    for client, pref in ((black, "Black"), (white, "White")):
        colours.append((yield Expect(client, kind("YourColor", gameId=game_id))))
        named = {"gameId": game_id} if name_game else {}
        yield Send(client, {"type": "ChooseColorPref", "colorPref": pref, **named})
    got = []
    for handle in colours:
        got.append((yield Await(handle))["yourColor"])
    _check(got == ["BLACK", "WHITE"], f"colours {got[0]}/{got[1]} in {game_id}")
    yield Reached("YourColor")
    return game_id


def seating(black: Any, white: Any, board_size: int, name_game: bool = True) -> Steps:
    """:func:`pairing`, then :func:`choosing`: ``black`` and ``white`` seated as named."""
    game_id = yield from pairing(black, white, board_size)
    return (yield from choosing(black, white, game_id, name_game))


def _advance(steps: Steps, answer: Any, progress: Optional[Callable[[str], None]]) -> tuple[bool, Any]:
    """Give ``answer`` to the steps: (False, the next step a client takes), or (True, their result).
    Milestones on the way go to ``progress``."""
    while True:
        try:
            step = steps.send(answer)
        except StopIteration as done:
            return True, str(done.value)
        if not isinstance(step, Reached):
            return False, step
        if progress is not None:
            progress(step.milestone)
        answer = None


def run(steps: Steps, timeout: float = 10.0, progress: Optional[Callable[[str], None]] = None) -> str:
    """Run ``steps`` with :class:`WsClient` s; ``progress`` is told each milestone."""
    finished, step = _advance(steps, None, progress)
    while not finished:
        finished, step = _advance(steps, step.run(timeout), progress)
    return str(step)


async def run_async(steps: Steps, timeout: float = 20.0, progress: Optional[Callable[[str], None]] = None) -> str:
    """Run ``steps`` with :class:`AsyncClient` s; ``progress`` is told each milestone."""
    finished, step = _advance(steps, None, progress)
    while not finished:
        finished, step = _advance(steps, await step.run_async(timeout), progress)
    return str(step)


def seat(black: WsClient, white: WsClient, board_size: int = 9, name_game: bool = False) -> str:
    """Seat two identified test clients in a public game; its id."""
    return run(seating(black, white, board_size, name_game))


async def seat_async(black: AsyncClient, white: AsyncClient, board_size: int, timeout: float = 20.0,
                     progress: Optional[Callable[[str], None]] = None) -> str:
    """Seat two identified benchmark clients in a public game; its id."""
    return await run_async(seating(black, white, board_size), timeout, progress)
