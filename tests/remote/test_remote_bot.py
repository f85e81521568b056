"""The AI on another machine: a bot worker that reaches Redis only over TLS (``rediss://``, the
server checked against a CA file) as a Redis user that may do only what a bot worker needs
(Redis 7 ACLs), recipe in docs/engines.md. A game against the AI is played through it, and the
same credentials are refused anything outside their ACL.

The Redis is the test's own (tls_redis.py); the moves worker and the test connect to it as an
administrator, over TLS too. The bot worker runs the fake GTP engine (ENGINES_FILE), so nothing
here depends on an engine's strength or speed.
"""

from __future__ import annotations

import signal
import uuid
from pathlib import Path
from typing import Iterator

import pytest
import redis

from app.celery_app import create_celery
from app.config import Settings
from app.keys import Keys
from tasks.lobby import game_id_for

from ..fakes import fake_gtp_argv
from ..support import processes
from ..tasks.conftest import Listener, Player
from .tls_redis import TlsRedis

ADMIN, ADMIN_PASSWORD = "bugout-admin", "admin-" + uuid.uuid4().hex
BOT, BOT_PASSWORD = "bugout-bot", "bot-" + uuid.uuid4().hex


def bot_user(prefix: str, password: str) -> str:
    """The ACL file line of docs/engines.md for a bot worker on another machine."""
    # PSUBSCRIBE is checked literally against the channel rules: Celery's remote-control channel
    # (kombu's "pidbox" fanout, which every worker subscribes to) is named as it is.
    return (f"user {BOT} on >{password} resetkeys ~{prefix}:* "
            f"resetchannels &{prefix}:* &{prefix}:celery:/0.celery.pidbox "
            "nocommands +@connection +@read +@write +@pubsub +@scripting +@transaction +time "
            "-@dangerous -@admin -script|flush -script|kill")


class RemoteStack:
    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.prefix = f"bugout-remote-{uuid.uuid4().hex[:6]}"
        self.redis = TlsRedis(tmp, ["user default off", f"user {ADMIN} on >{ADMIN_PASSWORD} ~* &* +@all",
                                    bot_user(self.prefix, BOT_PASSWORD)])
        self.admin_url = self.redis.url(ADMIN, ADMIN_PASSWORD)
        self.bot_url = self.redis.url(BOT, BOT_PASSWORD)
        self.admin = redis.Redis.from_url(self.admin_url, decode_responses=True)
        self.workers: list[processes.WorkerProcess] = []
        self.sender = create_celery(Settings.from_env(redis_url=self.admin_url, key_prefix=self.prefix))
        self.listener: Listener | None = None

    def start(self) -> None:
        common = {"KEY_PREFIX": self.prefix, "VISIBILITY_TIMEOUT_S": "30"}
        self.workers.append(processes.WorkerProcess(  # the server's, for people only
            "moves", {**common, "REDIS_URL": self.admin_url}, log=self.tmp / "worker.log"))
        engines = self.tmp / "engines.toml"
        argv = ", ".join(f'"{a}"' for a in fake_gtp_argv())
        engines.write_text(f'[defaults]\nname = "Fake"\nargv = [{argv}]\n')
        self.workers.append(processes.WorkerProcess(
            "bot", {**common, "REDIS_URL": self.bot_url, "ENGINES_FILE": str(engines)}, log=self.tmp / "bot.log"))
        self.listener = Listener(self.admin_url)

    def denials(self) -> list[str]:
        """What the bot user was refused (the ACL log also holds the start-up probe as ``default``)."""
        return [f"{e['reason']} {e['object']}" for e in self.admin.acl_log() if e["username"] == BOT]

    def stop(self) -> None:
        try:
            if self.listener is not None:
                self.listener.close()
            self.sender.close()
            for worker in self.workers:
                processes.kill(worker.process, signal.SIGTERM)
            self.admin.close()
        finally:
            self.redis.stop()


@pytest.fixture
def remote(tmp_path: Path) -> Iterator[RemoteStack]:
    stack = RemoteStack(tmp_path)
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()


def test_a_bot_worker_over_tls_as_a_restricted_user_plays_and_is_refused_the_rest(remote: RemoteStack) -> None:
    assert remote.listener is not None
    human = Player(remote.listener, Keys(remote.prefix))
    req_id = str(uuid.uuid4())
    game_id = game_id_for(human.client_id, req_id)
    human.follow(game_id)
    remote.sender.send_task("bugout.lobby.attach_bot", args=(human.client_id, "BLACK", "KataGoOneStar", {"boardSize": 9}),
                            kwargs={"req_id": req_id})
    assert human.wait("BotAttached", timeout=30)["gameId"] == game_id
    moved = human.wait("MoveMade", player="BLACK", timeout=60)  # played by the remote bot worker
    assert moved["coord"] == {"x": 0, "y": 0}, remote.denials()
    remote.sender.send_task("bugout.moves.make_move", args=(game_id, human.client_id, "h1", "WHITE", {"x": 4, "y": 4}))
    human.wait("MoveMade", player="WHITE", timeout=30)
    assert human.wait_for(lambda p: p["type"] == "MoveMade" and p["player"] == "BLACK" and p["turn"] == 3,
                          timeout=60)["coord"] == {"x": 1, "y": 0}
    assert remote.denials() == []  # it never needed anything it may not do
    assert any(c["user"] == BOT for c in remote.admin.client_list())  # it is connected as the bot user

    worker = redis.Redis.from_url(remote.bot_url, decode_responses=True)  # the worker's own credentials
    try:
        assert worker.exists(f"{remote.prefix}:game:{game_id}") in (0, 1)  # its keys: allowed
        for refused in (lambda: worker.flushall(), lambda: worker.config_get("*"), lambda: worker.keys("*"),
                        lambda: worker.get("not-bugout:secret"), lambda: worker.acl_setuser(BOT, enabled=True),
                        lambda: worker.publish("elsewhere", "hello")):
            with pytest.raises(redis.exceptions.NoPermissionError):
                refused()
    finally:
        worker.close()
    with pytest.raises(redis.RedisError):  # and without TLS nothing answers at all
        redis.Redis(host="127.0.0.1", port=remote.redis.port, username=BOT, password=BOT_PASSWORD,
                    socket_timeout=5).ping()
