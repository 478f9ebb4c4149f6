"""Run moto's threaded server on a free loopback port for wire-level AWS tests."""

from __future__ import annotations

import functools
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

from moto.dynamodb.models import DynamoDBBackend
from moto.server import ThreadedMotoServer

from tests.support.served import Served

# Talk to loopback directly, whatever HTTP(S)_PROXY says.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


# DynamoDB applies each item write atomically; moto's backend does not, so under the
# threaded server two concurrent ADDs on one item can lose one. One lock around the item
# operations gives the tests DynamoDB's guarantee instead of moto's race.
_DYNAMODB_LOCK = threading.RLock()
_ITEM_OPERATIONS = (
    "put_item",
    "update_item",
    "delete_item",
    "get_item",
    "query",
    "scan",
    "transact_write_items",
)


def _serialised(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def locked(*args: Any, **kwargs: Any) -> Any:
        with _DYNAMODB_LOCK:
            return method(*args, **kwargs)

    locked.__genpic_serialised__ = True  # type: ignore[attr-defined]
    return locked


def _make_dynamodb_item_writes_atomic() -> None:
    for name in _ITEM_OPERATIONS:
        method = getattr(DynamoDBBackend, name)
        if not getattr(method, "__genpic_serialised__", False):
            setattr(DynamoDBBackend, name, _serialised(method))


class MotoServer(Served):
    """Runs moto's ThreadedMotoServer on a free loopback port.

    Moto keeps its state per process: reset() also wipes in-process ``mock_aws`` state.
    """

    def __init__(self) -> None:
        self._server: ThreadedMotoServer | None = None
        self.url = ""

    def start(self, timeout: float = 10.0) -> MotoServer:
        """Start the server and wait until it answers HTTP."""
        _make_dynamodb_item_writes_atomic()
        # moto 5.2.5 passes port 0 straight to werkzeug, so the OS picks a free port.
        self._server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self._server.start()
        host, port = self._server.get_host_and_port()
        self.url = f"http://{host}:{port}"
        deadline = time.monotonic() + timeout
        while True:
            try:
                _OPENER.open(f"{self.url}/moto-api/reset", timeout=1).close()
                break
            except urllib.error.HTTPError:  # any HTTP answer means it is up (GET here is a 400)
                break
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise
                time.sleep(0.05)
        return self

    def stop(self) -> None:
        """Stop the server."""
        if self._server is not None:
            self._server.stop()
            self._server = None

    def reset(self) -> None:
        """Wipe all moto state (POST /moto-api/reset)."""
        request = urllib.request.Request(f"{self.url}/moto-api/reset", data=b"", method="POST")
        with _OPENER.open(request, timeout=10) as response:
            if response.status != 200:
                raise RuntimeError(f"moto reset failed: HTTP {response.status}")
