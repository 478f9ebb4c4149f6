"""A loopback proxy in front of moto that can answer S3 errors moto never produces.

Real S3 answers a conditional ``PutObject`` (``If-None-Match: *``) with
``409 ConditionalRequestConflict`` when another conditional write to the same key
is in flight; moto serialises writes, so it never does. The proxy forwards every
request to moto unchanged, except the ones a scripted fault matches, which get
S3's REST-XML error body; boto3 parses it as it would parse S3's own.
"""

from __future__ import annotations

import http.client
import threading
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from urllib.parse import unquote, urlsplit

# The double's loopback server hands each request to its owner's ``_handle(handler, raw)``.
from tests.support.bedrock_double import _Handler, _Server
from tests.support.served import Served

# Hop-by-hop headers a proxy must not forward.
_HOP = frozenset({"connection", "keep-alive", "transfer-encoding", "content-length"})


@dataclass(frozen=True)
class ProxiedRequest:
    """One request the proxy saw, and the status it answered."""

    method: str
    key: str
    headers: dict[str, str]
    status: int


@dataclass
class S3Fault:
    """Answer the next ``times`` PutObject calls that carry ``If-None-Match`` with this error."""

    code: str
    status: int
    times: int = 1
    message: str = "injected by the test proxy"


class S3Proxy(Served):
    """Forwards S3 requests to ``upstream`` (moto), injecting scripted faults on conditional puts.

    Parameters
    ----------
    upstream
        The moto server's URL, ``http://127.0.0.1:PORT``.
    """

    def __init__(self, upstream: str) -> None:
        self._upstream = urlsplit(upstream)
        self.requests: list[ProxiedRequest] = []
        self._faults: list[S3Fault] = []
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.double = self  # type: ignore[assignment]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        """Return the proxy's endpoint URL."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def inject(self, fault: S3Fault) -> None:
        """Queue a fault for the next conditional puts."""
        with self._lock:
            self._faults.append(fault)

    def puts(self) -> list[ProxiedRequest]:
        """Return the PutObject requests seen so far, in order."""
        return [r for r in self.requests if r.method == "PUT"]

    def start(self) -> S3Proxy:
        """Start serving."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def _handle(self, handler: BaseHTTPRequestHandler, raw: bytes) -> None:
        headers = {name.lower(): value for name, value in handler.headers.items()}
        key = unquote(urlsplit(handler.path).path).lstrip("/").split("/", 1)[-1]
        fault = self._take_fault(handler.command, headers)
        if fault is not None:
            status, reply_headers, body = fault.status, {}, _error_xml(fault, key)
            reply_headers["Content-Type"] = "application/xml"
        else:
            status, reply_headers, body = self._forward(handler, raw)
        with self._lock:
            self.requests.append(ProxiedRequest(handler.command, key, headers, status))
        handler.send_response(status)
        for name, value in reply_headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    def _take_fault(self, method: str, headers: dict[str, str]) -> S3Fault | None:
        if method != "PUT" or "if-none-match" not in headers:
            return None
        with self._lock:
            if not self._faults:
                return None
            fault = self._faults[0]
            fault.times -= 1
            if fault.times == 0:
                self._faults.pop(0)
            return fault

    def _forward(
        self, handler: BaseHTTPRequestHandler, raw: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection(
            self._upstream.hostname, self._upstream.port, timeout=10
        )
        try:
            forwarded = {k: v for k, v in handler.headers.items() if k.lower() not in _HOP}
            connection.request(handler.command, handler.path, body=raw, headers=forwarded)
            response = connection.getresponse()
            body = response.read()
            headers = {k: v for k, v in response.getheaders() if k.lower() not in _HOP}
            return response.status, headers, body
        finally:
            connection.close()


def _error_xml(fault: S3Fault, key: str) -> bytes:
    # The body S3 sends with every REST error.
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<Error><Code>{fault.code}</Code><Message>{fault.message}</Message>"
        f"<Key>{key}</Key><RequestId>{uuid.uuid4().hex[:16].upper()}</RequestId>"
        "<HostId>proxy</HostId></Error>"
    ).encode()
