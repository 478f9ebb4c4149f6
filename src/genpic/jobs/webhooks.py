"""Webhooks: a finished job's body, POSTed to its ``webhook_url``, signed, tried a few times.

Signature: ``X-Genpic-Signature`` is the hex HMAC-SHA256 of ``"{timestamp}.{body}"``
under ``GENPIC_WEBHOOK_SECRET``, ``X-Genpic-Timestamp`` the epoch seconds it was
signed at (receivers reject old timestamps to stop replays).

No server-side request forgery: every address the host resolves to must be
public (``genpic.jobs.addresses``: not loopback, private, link-local, reserved,
multicast or unspecified, nor an IPv6 address wrapping one of those). The check
is made where the connection is opened: the connection resolves the host
itself, checks each answer and connects to the checked IP, so there is no second
lookup for a rebinding DNS server to answer differently (TLS still verifies the
certificate and sends SNI for the host name). Redirects are not followed.
``GENPIC_WEBHOOK_ALLOW_PRIVATE=true`` lifts the address rule (tests, private networks).

A delivery makes at most ``MAX_ATTEMPTS`` attempts in all, with backoff between
them, and never takes longer than ``BUDGET_S`` in total: a receiver that never
answers costs one delivery thread that long (``genpic.jobs.delivery``), never a
generation worker.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import http.client
import json
import socket
import ssl
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from genpic.errors import ValidationError
from genpic.jobs.addresses import is_public
from genpic.logs import logger

SIGNATURE_HEADER = "X-Genpic-Signature"
TIMESTAMP_HEADER = "X-Genpic-Timestamp"
#: Attempts in all (the first one included), while the budget lasts.
MAX_ATTEMPTS = 4
#: The pause after the first failed attempt; it doubles after each further one.
BACKOFF_S = 1.0
#: The longest one attempt waits for the receiver (to connect, and for each read).
TIMEOUT_S = 5.0
#: The longest a whole delivery takes, attempts and pauses together.
BUDGET_S = 20.0
# Worth another try: the receiver is overloaded or briefly down.
_RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
Connector = Callable[..., socket.socket]


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """Return the hex HMAC-SHA256 of ``"{timestamp}.{body}"`` under ``secret``."""
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Target:
    """A webhook URL taken apart: what to connect to and what to ask for."""

    scheme: str
    host: str
    port: int
    path: str


def check_url(url: str, *, allow_private: bool) -> Target:
    """Resolve ``url`` and refuse it unless every address it names is public.

    Raises
    ------
    ValidationError
        Not an http(s) URL, the host does not resolve, or it resolves to a
        loopback, private, link-local or otherwise non-public address (field
        ``webhook_url``).
    """
    target = parse_url(url)
    resolve(target.host, target.port, allow_private=allow_private)
    return target


def parse_url(url: str) -> Target:
    """Return ``url``'s parts, or raise ``ValidationError`` if it is no http(s) URL."""
    try:
        parts = urlsplit(url)
    except ValueError:  # "http://a[b": an unclosed IPv6 bracket
        raise _refused(f"{url!r} is not an http(s) URL.") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise _refused(f"{url!r} is not an http(s) URL.")
    if parts.username or parts.password:
        raise _refused("credentials in the URL are not allowed; sign-check with the secret.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise _refused(f"{url!r} has a bad port ({exc}).") from None
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(parts.scheme, parts.hostname, port, path)


def resolve(host: str, port: int, *, allow_private: bool) -> list[str]:
    """Return the addresses ``host`` resolves to, all of them checked public.

    Raises
    ------
    ValidationError
        The host does not resolve, or one of its addresses is not public.
    """
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise _refused(f"{host!r} does not resolve ({exc}).") from None
    addresses = [str(info[4][0]) for info in infos]
    if not allow_private:
        for address in addresses:
            if not is_public(address):
                raise _refused(
                    f"{host} resolves to {address}, a non-public address; webhooks "
                    "only go to public hosts (GENPIC_WEBHOOK_ALLOW_PRIVATE=true lifts this)."
                )
    return addresses


def deliver(
    url: str,
    body: Mapping[str, Any],
    *,
    secret: str | None,
    allow_private: bool,
    attempts: int | None = None,
    backoff_s: float | None = None,
    budget_s: float | None = None,
) -> dict[str, Any]:
    """POST ``body`` to ``url`` in up to ``attempts`` attempts within ``budget_s``; say how it went.

    ``attempts``, ``backoff_s`` and ``budget_s`` default to ``MAX_ATTEMPTS``,
    ``BACKOFF_S`` and ``BUDGET_S`` as they are at the call.

    Returns
    -------
    dict
        ``{"status": "delivered" | "failed" | "refused", "attempts", "reason"?}``;
        never raises.
    """
    attempts = MAX_ATTEMPTS if attempts is None else attempts
    backoff_s = BACKOFF_S if backoff_s is None else backoff_s
    budget_s = BUDGET_S if budget_s is None else budget_s
    data = json.dumps(body, separators=(",", ":")).encode()
    deadline = time.monotonic() + budget_s
    reason = ""
    attempt = 0
    try:
        target = parse_url(url)
    except ValidationError as exc:
        return {"status": "refused", "attempts": 0, "reason": exc.message}
    for attempt in range(1, attempts + 1):
        try:
            status = _post(target, data, secret, deadline, _connector(allow_private))
        except ValidationError as exc:
            return {"status": "refused", "attempts": attempt - 1, "reason": exc.message}
        except (OSError, http.client.HTTPException) as exc:
            reason = f"{type(exc).__name__}: {exc}"
        else:
            if 200 <= status < 300:
                return {"status": "delivered", "attempts": attempt}
            reason = f"HTTP {status}"
            if status not in _RETRY_STATUSES:
                break  # a redirect or a refusal: asking again changes nothing
        logger.warning("webhook attempt failed", extra={"attempt": attempt, "reason": reason})
        pause = backoff_s * 2 ** (attempt - 1)
        if attempt < attempts and time.monotonic() + pause >= deadline:
            reason += f"; stopped: the delivery's {budget_s:g} s were used up"
            break
        if attempt < attempts:
            time.sleep(pause)
    return {"status": "failed", "attempts": attempt, "reason": reason}


def _post(
    target: Target, data: bytes, secret: str | None, deadline: float, connector: Connector
) -> int:
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "genpic-webhook/1",
        TIMESTAMP_HEADER: timestamp,
    }
    if secret:
        headers[SIGNATURE_HEADER] = sign(secret, timestamp, data)
    timeout = max(min(TIMEOUT_S, deadline - time.monotonic()), 0.01)
    connection: http.client.HTTPConnection
    if target.scheme == "http":
        connection = http.client.HTTPConnection(target.host, target.port, timeout=timeout)
    else:
        context = ssl.create_default_context()
        connection = http.client.HTTPSConnection(
            target.host, target.port, timeout=timeout, context=context
        )
    # The connection opens its socket through the checking connector; the Host header
    # and TLS's server name stay the URL's host.
    connection._create_connection = connector  # type: ignore[attr-defined]
    # A receiver trickling its answer byte by byte would outlast any per-read timeout:
    # at the deadline the socket is shut, which ends the attempt whatever it was doing.
    expired = threading.Event()
    cutoff = threading.Timer(max(deadline - time.monotonic(), 0.0), _shut, (connection, expired))
    cutoff.daemon = True
    cutoff.start()
    try:
        connection.request("POST", target.path, body=data, headers=headers)
        status = connection.getresponse().status
    finally:
        cutoff.cancel()
        connection.close()
    if expired.is_set():
        # A cut-off answer can still parse (EOF ends the headers): it is not an answer.
        raise TimeoutError("no complete answer before the delivery's time was up")
    return status


def _connector(allow_private: bool) -> Connector:
    def connect(
        address: tuple[str, int], timeout: float, source_address: Any = None
    ) -> socket.socket:
        host, port = address
        failure: OSError = OSError(f"no address to connect to for {host}")
        for ip in resolve(host, port, allow_private=allow_private):
            try:
                return socket.create_connection((ip, port), timeout, source_address)
            except OSError as exc:
                failure = exc
        raise failure

    return connect


def _shut(connection: http.client.HTTPConnection, expired: threading.Event) -> None:
    expired.set()
    sock = connection.sock
    # Already closed: the attempt ended on its own.
    with contextlib.suppress(OSError):
        if sock is not None:
            sock.shutdown(socket.SHUT_RDWR)


def _refused(reason: str) -> ValidationError:
    return ValidationError(f"webhook_url: {reason}", field="webhook_url")
