"""Webhook receivers on loopback: one that answers, one that never does, one that trickles."""

from __future__ import annotations

import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

from tests.support.served import Served

#: The webhook secret the tests sign with.
SECRET = "test-webhook-secret"


class Receiver(Served):
    """Answers scripted statuses (then 200) to POSTs, recording each call's headers and body."""

    def __init__(self, statuses: list[int] | None = None) -> None:
        self.calls: list[tuple[dict[str, str], bytes]] = []
        self._statuses = list(statuses or [])
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.calls.append((dict(self.headers), body))
                status = receiver._statuses.pop(0) if receiver._statuses else 200
                self.send_response(status)
                if status in (301, 302, 307):
                    self.send_header("Location", "http://169.254.169.254/latest/meta-data/")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *_: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = int(self.server.server_address[1])
        self.url = f"http://127.0.0.1:{self.port}/hook"

    def start(self) -> Self:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Silent(Served):
    """Accepts connections and never answers: each waits until the caller gives up."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}/hook"
        self.accepted: list[socket.socket] = []

    def start(self) -> Self:
        threading.Thread(target=self._accept, daemon=True).start()
        return self

    def stop(self) -> None:
        self._listener.close()
        for connection in self.accepted:
            connection.close()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return  # stopped
            self.accepted.append(connection)
            self._on_accept(connection)

    def _on_accept(self, connection: socket.socket) -> None:
        """Hold the connection open without a word."""


class Trickle(Silent):
    """Answers one header byte every ``every_s``, for ``for_s`` in all, then completes a 200.

    Every read gets a byte before any per-read timeout, so only a bound on the
    whole delivery stops a client before ``for_s``.
    """

    def __init__(self, every_s: float = 0.2, for_s: float = 6.0) -> None:
        super().__init__()
        self.every_s = every_s
        self.for_s = for_s

    def _on_accept(self, connection: socket.socket) -> None:
        threading.Thread(target=self._drip, args=(connection,), daemon=True).start()

    def _drip(self, connection: socket.socket) -> None:
        end = time.monotonic() + self.for_s
        try:
            connection.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
            while time.monotonic() < end:
                connection.sendall(b"z")
                time.sleep(self.every_s)
            connection.sendall(b"\r\nContent-Length: 0\r\n\r\n")
        except OSError:
            return  # the client hung up
