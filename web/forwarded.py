"""Where a request really came from: its client address, scheme and host.

Behind a reverse proxy (Caddy terminating TLS, say) the socket's peer is the proxy, and the
scheme and host the browser used are in ``X-Forwarded-Proto`` / ``X-Forwarded-Host`` /
``X-Forwarded-For``. Those headers are believed only from the proxy addresses configured in
``TRUSTED_PROXIES`` (none by default): anyone else could write them.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from typing import Mapping, Optional

_HOST = re.compile(r"^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$")


@dataclass(frozen=True)
class Origin:
    address: str
    """The client's address (the proxy's own, unless the proxy is trusted)."""
    scheme: str
    """``http`` or ``https`` as the browser used it."""
    host: Optional[str]
    """``host[:port]`` as the browser used it, when it is a well-formed host name."""

    @property
    def base_url(self) -> Optional[str]:
        return f"{self.scheme}://{self.host}" if self.host else None


def origin_allowed(origin_header: Optional[str], own: Origin, allowed: frozenset[str]) -> bool:
    """Whether a browser page at ``origin_header`` may open the socket: the site's own origin
    (as the browser reached it) and the ``ALLOWED_ORIGINS``. A client that sends no Origin is
    not a browser page, and another site cannot make a browser omit it."""
    if not origin_header:
        return True
    origin = origin_header.strip().rstrip("/").lower()
    own_origin = (own.base_url or "").lower()
    return origin == own_origin or origin in allowed


def parse_origins(text: str) -> frozenset[str]:
    """``ALLOWED_ORIGINS``: ``scheme://host[:port]`` separated by commas or spaces."""
    return frozenset(part.rstrip("/").lower() for part in re.split(r"[,\s]+", text.strip()) if part)


def parse_proxies(text: str) -> frozenset[str]:
    """``TRUSTED_PROXIES``: addresses separated by commas or spaces (normalised)."""
    found = set()
    for part in re.split(r"[,\s]+", text.strip()):
        if part:
            found.add(str(ipaddress.ip_address(part)))
    return frozenset(found)


def _first(value: Optional[str]) -> Optional[str]:
    """The first entry of a comma-separated header: what the proxy nearest the client wrote
    for a single proxy; the client's own claim otherwise (which is why only a trusted proxy's
    headers are read)."""
    if not value:
        return None
    head = value.split(",")[0].strip()
    return head or None


def _client_address(forwarded_for: str, trusted: frozenset[str], peer: str) -> str:
    """The nearest address in ``X-Forwarded-For`` that is not one of our proxies: each proxy
    appends the address it saw, so entries further left are the client's own claims."""
    for entry in reversed([part.strip() for part in forwarded_for.split(",") if part.strip()]):
        address = _normal(entry)
        if address not in trusted:
            return address
    return peer


def _normal(address: Optional[str]) -> str:
    try:
        return str(ipaddress.ip_address(address or ""))
    except ValueError:
        return address or ""


def origin_of(environ: Mapping[str, object], trusted: frozenset[str]) -> Origin:
    peer = _normal(str(environ.get("REMOTE_ADDR") or ""))
    scheme = str(environ.get("wsgi.url_scheme") or "http")
    host = str(environ.get("HTTP_HOST") or "") or None
    address = peer
    if peer in trusted:
        address = _client_address(str(environ.get("HTTP_X_FORWARDED_FOR") or ""), trusted, peer)
        scheme = (_first(str(environ.get("HTTP_X_FORWARDED_PROTO") or "")) or scheme).lower()
        host = _first(str(environ.get("HTTP_X_FORWARDED_HOST") or "")) or host
    if scheme not in ("http", "https"):
        scheme = "http"
    if host is not None and not _HOST.match(host):
        host = None
    return Origin(address, scheme, host)
