"""Caddy run by a test with the shipped deploy/Caddyfile, and TLS clients from chosen addresses.

The test's Caddyfile is a global options block of its own (free high ports, a local CA whose
root is not installed anywhere, no admin endpoint) followed by deploy/Caddyfile verbatim, with
BUGOUT_DOMAIN, HOST and PORT in Caddy's environment as systemd gives them from bugout.env. So
what is proven is the shipped site block, not a copy.

On Linux all of 127.0.0.0/8 is the loopback: a client bound to 127.0.0.2 reaches Caddy on
127.0.0.1 and Caddy sees 127.0.0.2, while Caddy itself reaches the app from 127.0.0.1.
"""

from __future__ import annotations

import http.client
import os
import shutil
import signal
import socket
import ssl
import subprocess
import time
from pathlib import Path
from typing import Any, Optional

from ..support import processes
from ..support.processes import free_port
from ..support.wsclient import WsClient

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "deploy" / "Caddyfile"
DOMAIN = "bugout.test"

TEST_OPTIONS = """{
	http_port {http_port}
	https_port {https_port}
	default_bind 127.0.0.1
	local_certs
	skip_install_trust
	admin off
}
"""


def caddy_binary() -> str:
    found = shutil.which("caddy")
    assert found, "caddy is not installed: `make test` installs it (scripts/system-deps.sh)"
    return found


def caddy_env(home: Path, **env: str) -> dict[str, str]:
    """Caddy's environment: its data (the local CA) and config under ``home``, and ``env``."""
    return {**os.environ, "HOME": str(home), "XDG_DATA_HOME": str(home / "data"),
            "XDG_CONFIG_HOME": str(home / "config"), **env}


class Caddy:
    """``caddy run`` with the shipped site in front of ``upstream_port``, up once it serves the
    site over HTTPS with a certificate from its own CA. Stopped by ``stop`` (its whole group)."""

    def __init__(self, home: Path, upstream_port: int, timeout: float = 30.0) -> None:
        self.home = home
        self.http_port, self.https_port = free_port(), free_port()
        self.config = home / "Caddyfile"
        self.config.write_text(TEST_OPTIONS.replace("{http_port}", str(self.http_port))
                               .replace("{https_port}", str(self.https_port)) + SHIPPED.read_text())
        self.env = caddy_env(home, BUGOUT_DOMAIN=DOMAIN, HOST="127.0.0.1", PORT=str(upstream_port))
        self.log = home / "caddy.log"
        with open(self.log, "ab") as output:
            self.process = subprocess.Popen(
                [caddy_binary(), "run", "--config", str(self.config), "--adapter", "caddyfile"],
                env=self.env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            self._wait_until_serving(timeout)
        except BaseException:
            self.stop()
            raise

    @property
    def root_ca(self) -> Path:
        """Caddy's local CA root (made at its first start), which only our clients trust."""
        return self.home / "data" / "caddy" / "pki" / "authorities" / "local" / "root.crt"

    @property
    def site(self) -> str:
        """The site's origin as a browser sees it (host and port, as in the Host header)."""
        return f"https://{DOMAIN}:{self.https_port}"

    @property
    def gateway(self) -> str:
        return f"wss://{DOMAIN}:{self.https_port}/gateway"

    def tls_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(cafile=str(self.root_ca))  # verifies name and chain
        context.set_alpn_protocols(["http/1.1"])
        return context

    def tls_socket(self, source: str = "127.0.0.1") -> ssl.SSLSocket:
        """A verified TLS connection to the site from the address ``source``."""
        raw = socket.create_connection(("127.0.0.1", self.https_port), timeout=10, source_address=(source, 0))
        try:
            return self.tls_context().wrap_socket(raw, server_hostname=DOMAIN)
        except BaseException:
            raw.close()
            raise

    def get(self, path: str, source: str = "127.0.0.1",
            headers: Optional[dict[str, str]] = None) -> tuple[int, dict[str, str], bytes]:
        """``GET https://bugout.test:<port><path>`` from ``source``: status, headers, body."""
        connection = http.client.HTTPConnection(DOMAIN, self.https_port, timeout=10)
        connection.sock = self.tls_socket(source)  # already connected: no name lookup
        try:
            connection.request("GET", path, headers=headers or {})
            answer = connection.getresponse()
            return answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read()
        finally:
            connection.close()

    def ws(self, source: str, identify: bool = True, **options: Any) -> WsClient:
        """A websocket over TLS through Caddy from ``source``; like a browser on the site's page
        it sends ``Origin: https://bugout.test:<port>`` unless ``options`` say otherwise."""
        client = WsClient(self.gateway, socket=self.tls_socket(source), **options)
        if identify:
            client.identify()
        return client

    def _wait_until_serving(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        last: Optional[BaseException] = None
        while True:
            if self.process.poll() is not None:
                raise AssertionError(f"caddy exited ({self.process.returncode}):\n{processes.tail(self.log)}")
            if self.root_ca.exists():
                try:
                    if self.get("/")[0] == 200:
                        return
                except (OSError, ssl.SSLError, http.client.HTTPException) as failure:
                    last = failure  # the certificate is being issued, or the app not up yet
            if time.monotonic() > deadline:
                raise AssertionError(f"caddy did not serve the site in {timeout:g}s ({last}):\n"
                                     f"{processes.tail(self.log)}")
            time.sleep(0.1)

    def stop(self) -> None:
        processes.kill(self.process, signal.SIGTERM)
