"""Where the stack's Redis connections go (app/connections.py), read off the clients and options it
builds, without connecting: with Sentinels, every connection finds a dead primary by itself.

The failover itself, on real hosts: tests/topology/test_sentinel.py."""

from __future__ import annotations

import socket

from app.config import Settings
from app.connections import DEAD_PEER_S, celery_options, sentinels, state_client, transport_options

SENTINELS = "10.0.0.21:26379,10.0.0.22:26380, 10.0.0.23"


def with_sentinels() -> Settings:
    return Settings.from_env({}, redis_sentinels=SENTINELS, redis_url="redis://:secret@ignored:6379/3")


def finds_dead_peers(options: dict) -> bool:
    tcp = options.get("socket_keepalive_options") or {}
    return bool(options.get("socket_keepalive")) and tcp.get(socket.TCP_USER_TIMEOUT) == DEAD_PEER_S * 1000 \
        and tcp.get(socket.TCP_KEEPIDLE, 99) + tcp.get(socket.TCP_KEEPINTVL, 99) * tcp.get(socket.TCP_KEEPCNT, 99) \
        <= DEAD_PEER_S


def test_the_sentinels_are_read_as_hosts_and_ports() -> None:
    assert sentinels(with_sentinels()) == [("10.0.0.21", 26379), ("10.0.0.22", 26380), ("10.0.0.23", 26379)]
    assert sentinels(Settings.from_env({})) == []


def test_with_sentinels_the_store_and_the_relay_give_up_on_a_dead_primary() -> None:
    for client in (state_client(with_sentinels()), state_client(with_sentinels(), max_connections=8),
                   state_client(with_sentinels(), health_check_interval=30)):
        kwargs = client.connection_pool.connection_kwargs
        assert finds_dead_peers(kwargs), kwargs
        assert (kwargs["db"], kwargs["password"]) == (3, "secret")
        client.close()


def test_with_sentinels_celery_gives_up_on_a_dead_primary_too() -> None:
    settings = with_sentinels()
    assert finds_dead_peers(transport_options(settings))
    assert transport_options(settings)["master_name"] == "bugout"
    broker = celery_options(settings)["broker_url"]
    assert broker.split(";") == ["sentinel://:secret@10.0.0.21:26379/3", "sentinel://:secret@10.0.0.22:26380/3",
                                 "sentinel://:secret@10.0.0.23:26379/3"]


def test_without_sentinels_nothing_changes() -> None:
    settings = Settings.from_env({}, redis_url="redis://127.0.0.1:6379/0")
    assert transport_options(settings) == {}
    client = state_client(settings)
    assert not finds_dead_peers(client.connection_pool.connection_kwargs)
    client.close()
