"""What bench/micro.py's measurements share: the run's state, the clients (each from a loopback
address of its own), and one recorded move of a game at a human pace."""

from __future__ import annotations

import argparse
import asyncio
import itertools
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import redis

from bench.loadgen import MOVE_TIMEOUT_S, SETUP_TIMEOUT_S, Game, Load, next_move, send_move
from bench.micro_stack import Stack
from tests.support.wsclient import AsyncClient

# -- the load: a recorder of every move, shared by the ramp's games ---------------------------------

@dataclass
class Failure:
    at: float
    what: str


@dataclass
class Recorder:
    moves: list[tuple[float, float]] = field(default_factory=list)  # (sent, arrived) of accepted moves
    failures: list[Failure] = field(default_factory=list)
    in_flight: dict[str, float] = field(default_factory=dict)
    resent: int = 0

    def fail(self, what: str) -> None:
        self.failures.append(Failure(time.perf_counter(), what))

    def since(self, at: float) -> list[Failure]:
        return [f for f in self.failures if f.at >= at]


def dialect_names(dialect: str) -> list[str]:
    """What the clients declare in ``Identify``: ``page``, every extension, as the page's client
    does (``web/static/js/protocol.js``); ``original``, none, as the original BUGOUT client."""
    if dialect == "original":
        return []
    try:
        from app.dialect import ALL, names
    except ImportError:  # a server without dialects: unknown fields are ignored
        return ["rejections", "scoring", "resume"]
    return names(ALL)


_addresses = itertools.count()


def source_address() -> str:
    """A loopback address of its own for each client (127.1.0.1, 127.1.0.2, ...): the whole of
    127/8 is the loopback interface, so real players' distinct addresses are modelled without any
    traffic leaving the machine, and the web's per-address limits see one player per address."""
    i = next(_addresses)
    return f"127.{1 + i // (254 * 256) % 254}.{i // 254 % 256}.{1 + i % 254}"


class PageClients:
    """How the clients open: identifying with the extensions of ``EXTENSIONS``, each from an
    address of its own unless ``ONE_ADDRESS``."""

    EXTENSIONS: list[str] = []
    ONE_ADDRESS = False

    @classmethod
    def options(cls) -> dict[str, Any]:
        extra: dict[str, Any] = {} if cls.ONE_ADDRESS else {"local_addr": (source_address(), 0)}
        return {"extensions": cls.EXTENSIONS, "timeout": SETUP_TIMEOUT_S, **extra}


async def open_page_client(url: str) -> AsyncClient:
    return await AsyncClient.open(url, "deflate", **PageClients.options())


class PageLoad(Load):
    """bench/loadgen.py's lobby pairing, with the clients of ``PageClients``."""

    def connect_options(self) -> dict[str, Any]:
        return PageClients.options()


def think_time(args: argparse.Namespace) -> float:
    if args.jitter == "uniform":
        return float(args.interval) * random.uniform(0.5, 1.5)
    return random.expovariate(1.0 / args.interval)


class RunBase:
    """The state of a run, and the moves of its games at a human pace."""

    def __init__(self, args: argparse.Namespace, url: str, sender: Any, stack: Stack, store: redis.Redis,
                 prefix: str, t_launch: float, deadline: float, quota_pct: float) -> None:
        self.args = args
        self.url = url
        self.sender = sender
        self.stack = stack
        self.cg = stack.cg
        self.store = store
        self.prefix = prefix
        self.t_launch = t_launch
        self.deadline = deadline  # time.monotonic() by which the ramp must be over
        self.quota_pct = quota_pct
        ns = SimpleNamespace(compression="deflate", flat_out=False, burst=False, interval=args.interval,
                             breakdown=False)
        self.load = PageLoad(ns, [url], sender)  # type: ignore[arg-type]
        self.rec = Recorder()
        self.figures: dict[str, float] = {}
        self.idle_ns_per_s = 0.0
        self.stopping = False
        self.notes: list[str] = []
        self.steps: list[dict[str, Any]] = []
        self.oom_base = 0
        self.bot_plans: list[list[tuple[int, int]]] = []
        self.bot_errors: Counter[str] = Counter()
        self.errors_seen = 0
        self.lags: list[tuple[float, float]] = []

    def left(self) -> float:
        return self.deadline - time.monotonic()

    def note(self, text: str) -> None:
        self.notes.append(text)
        print(f"NOTE: {text}", flush=True)

    # -- one move of a ramp game, recorded ------------------------------------------------------

    async def move(self, game: Game) -> bool:
        move = await next_move(game)
        sent = move.sent
        self.rec.in_flight[move.req_id] = sent
        try:
            answered = await send_move(move, self._resent)
        except Exception as failed:  # noqa: BLE001  (the socket closed)
            if not self.stopping:
                self.rec.fail(f"socket dropped during a move: {failed!r}"[:160])
            return False
        finally:
            self.rec.in_flight.pop(move.req_id, None)
        if answered is None:
            self.rec.fail("a move lost (3 sends unanswered)")
            return False
        event, arrived = answered
        if event.get("type") != "MoveMade":
            self.rec.fail(f"move answered {event.get('type')}:{event.get('reason') or event.get('code')}")
            return False
        game.played += 1
        self.rec.moves.append((sent, arrived))
        return True

    def _resent(self) -> None:
        self.rec.resent += 1
        self.rec.fail(f"a move unanswered for {MOVE_TIMEOUT_S:.0f}s (resent)")

    async def retire(self, game: Game) -> None:
        for client in (game.black, game.white):
            if client in self.load.clients:
                self.load.clients.remove(client)
            await client.close()

    async def play(self, game: Game) -> None:
        await asyncio.sleep(random.uniform(0.0, self.args.interval))  # a random phase
        while not self.stopping:
            if game.full:
                await self.retire(game)
                try:
                    game = await self.load.new_game()
                except Exception as failed:  # noqa: BLE001
                    self.rec.fail(f"pairing a replacement game failed: {failed!r}"[:160])
                    return
            if not await self.move(game):
                return
            await asyncio.sleep(think_time(self.args))
