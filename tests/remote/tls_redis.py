"""A Redis of the test's own with TLS on and ACL users, as a bot worker on another machine meets it
(docs/engines.md, "The AI on another machine"): a throwaway CA made with the ``openssl`` command,
a server certificate for 127.0.0.1 signed by it, plain TCP off, and an ACL file."""

from __future__ import annotations

import shutil
import signal
import subprocess
import time
from pathlib import Path
from urllib.parse import quote

import redis

from ..support.stack import free_port


def make_certificates(directory: Path) -> tuple[Path, Path, Path]:
    """(CA certificate, server certificate, server key), valid for a day."""
    def run(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=directory, check=True, capture_output=True, timeout=60)

    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem", "-days", "1",
        "-subj", "/CN=bugout test CA")
    run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=localhost")
    (directory / "san.cnf").write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    run("x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
        "-out", "server.pem", "-days", "1", "-extfile", "san.cnf")
    return directory / "ca.pem", directory / "server.pem", directory / "server.key"


class TlsRedis:
    """``redis-server`` listening only with TLS on a free port, its users from ``acl`` (the lines of
    an ACL file). ``url(user, password)`` is a ``rediss://`` URL that checks the server against the
    test's CA."""

    def __init__(self, directory: Path, acl: list[str]) -> None:
        if shutil.which("openssl") is None:
            raise AssertionError("the openssl command is needed to make the test's certificates")
        self.directory = directory
        self.ca, cert, key = make_certificates(directory)
        (directory / "users.acl").write_text("\n".join(acl) + "\n")
        self.port = free_port()
        self.log = directory / "redis.log"
        self.process = subprocess.Popen(
            [shutil.which("redis-server") or "redis-server", "--port", "0", "--tls-port", str(self.port),
             "--bind", "127.0.0.1", "--tls-cert-file", str(cert), "--tls-key-file", str(key),
             "--tls-ca-cert-file", str(self.ca), "--tls-auth-clients", "no", "--save", "", "--appendonly", "no",
             "--aclfile", str(directory / "users.acl"), "--dir", str(directory), "--logfile", str(self.log)],
            stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        try:
            self._wait_until_up()
        except BaseException:
            self.stop()
            raise

    def url(self, user: str, password: str) -> str:
        return (f"rediss://{quote(user)}:{quote(password)}@127.0.0.1:{self.port}/0"
                f"?ssl_cert_reqs=required&ssl_ca_certs={quote(str(self.ca))}")

    def _wait_until_up(self) -> None:
        deadline = time.monotonic() + 20
        while True:
            if self.process.poll() is not None:
                raise AssertionError(f"redis-server with TLS exited: {self.log.read_text()[-2000:] if self.log.exists() else ''}")
            try:
                client = redis.Redis.from_url(self.url("default", "unused"))
                try:
                    client.ping()
                    return
                finally:
                    client.close()
            except redis.AuthenticationError:
                return  # it answers over TLS (and refuses the wrong password)
            except redis.RedisError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
