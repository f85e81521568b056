"""Every Redis key and channel name of a stack, under its ``KEY_PREFIX``: one place, so two stacks
can share a Redis and ``docs/data-model.md`` can list them all."""

from __future__ import annotations


class Keys:
    """Every key and channel name, in one place."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def game(self, game_id: str) -> str:
        return f"{self.prefix}:game:{game_id}"

    def game_prefix(self) -> str:
        return f"{self.prefix}:game:"

    def events(self, game_id: str) -> str:
        return f"{self.prefix}:game:{game_id}:events"

    def replies(self, game_id: str) -> str:
        return f"{self.prefix}:game:{game_id}:replies"

    def client_game(self, client_id: str) -> str:
        return f"{self.prefix}:client:{client_id}:game"

    def invite(self, compact_id: str) -> str:
        return f"{self.prefix}:invite:{compact_id}"

    def active_games(self) -> str:
        return f"{self.prefix}:games:active"

    def presence(self) -> str:
        return f"{self.prefix}:presence"

    def engine_status(self) -> str:
        return f"{self.prefix}:engine:status"

    def owned_games(self, kind: str, owner: str) -> str:
        """Sorted set: the games a client (``kind`` ``client``) or an address created, by time."""
        return f"{self.prefix}:owner:{kind}:{owner}"

    def workers(self, queue: str) -> str:
        """Sorted set: each worker consuming ``queue``, scored by its last liveness beat."""
        return f"{self.prefix}:workers:{queue}"

    def lobby(self, board_size: int) -> str:
        return f"{self.prefix}:lobby:public:{board_size}"

    def game_channel(self, game_id: str) -> str:
        return f"{self.prefix}:ch:game:{game_id}"

    def client_channel(self, client_id: str) -> str:
        return f"{self.prefix}:ch:client:{client_id}"

    def channel_prefix(self) -> str:
        return f"{self.prefix}:ch:"

    # Chat and live games (app/social.py; docs/data-model.md).
    def chat(self, game_id: str) -> str:
        return f"{self.prefix}:game:{game_id}:chat"

    def chat_channel(self, game_id: str) -> str:
        return f"{self.prefix}:ch:chat:{game_id}"

    def kibitz_channel(self, game_id: str) -> str:
        return f"{self.prefix}:ch:kibitz:{game_id}"

    def live_index(self) -> str:
        return f"{self.prefix}:live"

    def live_entry(self, game_id: str) -> str:
        return f"{self.prefix}:live:{game_id}"
