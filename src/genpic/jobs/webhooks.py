"""Webhooks: a finished job's body, POSTed to its ``webhook_url``, signed and retried.

Signature: ``X-Genpic-Signature`` is the hex HMAC-SHA256 of ``"{timestamp}.{body}"``
under ``GENPIC_WEBHOOK_SECRET``, ``X-Genpic-Timestamp`` the epoch seconds it was
signed at (receivers reject old timestamps to stop replays).

No server-side request forgery: the host is resolved, every address it resolves
to must be public (not loopback, private, link-local, multicast, reserved or
unspecified), and the connection goes to one of those checked addresses, so a
DNS answer cannot change between the check and the request. Redirects are not
followed. ``GENPIC_WEBHOOK_ALLOW_PRIVATE=true`` lifts the address rule (tests,
private networks).
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import json
import socket
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from genpic.errors import ValidationError
from genpic.logs import logger

SIGNATURE_HEADER = "X-Genpic-Signature"
TIMESTAMP_HEADER = "X-Genpic-Timestamp"
ATTEMPTS = 4
BACKOFF_S = 1.0
TIMEOUT_S = 5.0
# Worth another try: the receiver is overloaded or briefly down.
_RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """Return the hex HMAC-SHA256 of ``"{timestamp}.{body}"`` under ``secret``."""
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Target:
    """A checked webhook URL: where to connect (``address``) and what to ask for."""

    scheme: str
    host: str
    port: int
    path: str
    address: str


def check_url(url: str, *, allow_private: bool) -> Target:
    """Resolve ``url`` and refuse it unless every address it names is public.

    Raises
    ------
    ValidationError
        Not an http(s) URL, the host does not resolve, or it resolves to a
        loopback, private, link-local or otherwise non-public address (field
        ``webhook_url``).
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _refused(f"{url!r} is not an http(s) URL.")
    if parts.username or parts.password:
        raise _refused("credentials in the URL are not allowed; sign-check with the secret.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
        infos = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, ValueError) as exc:
        raise _refused(f"{parts.hostname!r} does not resolve ({exc}).") from None
    addresses = [str(info[4][0]) for info in infos]
    if not allow_private:
        for address in addresses:
            ip = ipaddress.ip_address(address.split("%", 1)[0])
            if not ip.is_global or ip.is_multicast:
                raise _refused(
                    f"{parts.hostname} resolves to {address}, a non-public address; webhooks "
                    "only go to public hosts (GENPIC_WEBHOOK_ALLOW_PRIVATE=true lifts this)."
                )
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(parts.scheme, parts.hostname, port, path, addresses[0])


def deliver(
    url: str,
    body: Mapping[str, Any],
    *,
    secret: str | None,
    allow_private: bool,
    attempts: int = ATTEMPTS,
    backoff_s: float = BACKOFF_S,
) -> dict[str, Any]:
    """POST ``body`` to ``url``, retrying with exponential backoff; return the outcome.

    Returns
    -------
    dict
        ``{"status": "delivered" | "failed" | "refused", "attempts", "reason"?}``;
        never raises.
    """
    data = json.dumps(body, separators=(",", ":")).encode()
    reason = ""
    attempt = 0
    for attempt in range(1, attempts + 1):
        try:
            target = check_url(url, allow_private=allow_private)
        except ValidationError as exc:
            return {"status": "refused", "attempts": attempt - 1, "reason": exc.message}
        try:
            status = _post(target, data, secret)
        except OSError as exc:
            reason = f"{type(exc).__name__}: {exc}"
        else:
            if 200 <= status < 300:
                return {"status": "delivered", "attempts": attempt}
            reason = f"HTTP {status}"
            if status not in _RETRY_STATUSES:
                break  # a redirect or a refusal: asking again changes nothing
        logger.warning("webhook attempt failed", extra={"attempt": attempt, "reason": reason})
        if attempt < attempts:
            time.sleep(backoff_s * 2 ** (attempt - 1))
    return {"status": "failed", "attempts": attempt, "reason": reason}


def _post(target: Target, data: bytes, secret: str | None) -> int:
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "genpic-webhook/1",
        "Host": target.host if target.port in (80, 443) else f"{target.host}:{target.port}",
        TIMESTAMP_HEADER: timestamp,
    }
    if secret:
        headers[SIGNATURE_HEADER] = sign(secret, timestamp, data)
    connection = _connection(target)
    try:
        connection.request("POST", target.path, body=data, headers=headers)
        return connection.getresponse().status
    finally:
        connection.close()


def _connection(target: Target) -> http.client.HTTPConnection:
    # Connect to the checked address; TLS still verifies the certificate for the host name.
    if target.scheme == "http":
        return http.client.HTTPConnection(target.address, target.port, timeout=TIMEOUT_S)
    return _PinnedHTTPS(target, ssl.create_default_context())


class _PinnedHTTPS(http.client.HTTPSConnection):
    def __init__(self, target: Target, context: ssl.SSLContext) -> None:
        super().__init__(target.host, target.port, timeout=TIMEOUT_S, context=context)
        self._address = target.address
        self._context = context

    def connect(self) -> None:
        raw = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(raw, server_hostname=self.host)


def _refused(reason: str) -> ValidationError:
    return ValidationError(f"webhook_url: {reason}", field="webhook_url")
