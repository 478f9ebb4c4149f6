"""A loopback HTTP proxy that delays, or never answers, requests before forwarding them.

Put it in front of the moto server (``AWS_ENDPOINT_URL_S3``) to make S3 slow per
HTTP method: ``proxy.delays["PUT"] = 1.5`` holds every PUT 1.5 s before
forwarding it; ``proxy.delays["GET"] = STALL`` accepts GETs and never answers.
"""

from __future__ import annotations

import http.client
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, cast
from urllib.parse import urlsplit

from tests.support.served import Served

STALL = float("inf")
# Hop-by-hop headers, and the ones the proxy recomputes.
_DROPPED = {"connection", "keep-alive", "transfer-encoding", "expect", "content-length"}
_SET_BY_PROXY = {*_DROPPED, "server", "date"}


@dataclass(frozen=True)
class ProxiedRequest:
    """One request the proxy received, and when (monotonic seconds)."""

    method: str
    path: str
    at: float


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    proxy: SlowProxy


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default per-request logging."""

    def _forward(self) -> None:
        cast(_Server, self.server).proxy._forward(self)

    do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = _forward


class SlowProxy(Served):
    """Forwards HTTP to ``target`` after a per-method delay; ``STALL`` never answers."""

    def __init__(self, target: str) -> None:
        self.target = urlsplit(target)
        self.delays: dict[str, float] = {}
        self.requests: list[ProxiedRequest] = []
        self._released = threading.Event()
        self._server: _Server | None = None

    @property
    def url(self) -> str:
        """Return the proxy's endpoint URL."""
        if self._server is None:
            raise RuntimeError("SlowProxy is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def methods(self) -> list[str]:
        """Return the methods of the requests received so far, in order."""
        return [request.method for request in self.requests]

    def start(self) -> SlowProxy:
        """Start serving on a free loopback port."""
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.proxy = self
        threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        ).start()
        return self

    def stop(self) -> None:
        """Release stalled requests and stop serving."""
        self._released.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def _forward(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else None
        self.requests.append(ProxiedRequest(handler.command, handler.path, time.monotonic()))
        delay = self.delays.get(handler.command, 0.0)
        if delay == STALL:
            self._released.wait()
            handler.close_connection = True
            return
        time.sleep(delay)
        headers = {k: v for k, v in handler.headers.items() if k.lower() not in _DROPPED}
        upstream = http.client.HTTPConnection(
            self.target.hostname or "127.0.0.1", self.target.port, timeout=30
        )
        try:
            upstream.request(handler.command, handler.path, body=body, headers=headers)
            response = upstream.getresponse()
            data = response.read()
            handler.send_response(response.status, response.reason)
            for key, value in response.getheaders():
                if key.lower() not in _SET_BY_PROXY:
                    handler.send_header(key, value)
            handler.send_header("Content-Length", str(len(data)))
            handler.end_headers()
            if handler.command != "HEAD":
                handler.wfile.write(data)
        except OSError:
            # The client gave up waiting; there is no one left to answer.
            handler.close_connection = True
        finally:
            upstream.close()
