"""Run ``genpic serve`` as a real process on a free loopback port."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.support.served import Served

# Talk to loopback directly, whatever HTTP(S)_PROXY says.
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def free_port() -> int:
    """Return a TCP port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def on_the_bedrock_double(endpoint: str, region: str) -> dict[str, str]:
    """The env of a ``genpic serve`` whose engine calls the Bedrock double at ``endpoint``.

    Template enhancer and local storage; dummy credentials and no AWS config files.
    """
    return {
        "GENPIC_ENGINE": "bedrock",
        "GENPIC_ENHANCER": "template",
        "GENPIC_STORAGE": "local",
        "AWS_ENDPOINT_URL_BEDROCK_RUNTIME": endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": region,
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        "AWS_EC2_METADATA_DISABLED": "true",
    }


class LiveServer(Served):
    """``genpic serve --port N`` in a subprocess, configured by ``env`` alone."""

    def __init__(self, data_dir: Path, env: dict[str, str] | None = None) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.data_dir = data_dir
        # Nothing of the caller's AWS or genpic configuration leaks into the server.
        inherited = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("GENPIC_", "AWS_")) and k not in ("OUTPUT_BUCKET", "INPUT_BUCKET")
        }
        self._env = {**inherited, "GENPIC_DATA_DIR": str(data_dir), **(env or {})}
        self._process: subprocess.Popen[str] | None = None
        self.banner = ""

    def start(self, timeout: float = 20.0) -> LiveServer:
        """Start the server and wait until ``/health`` answers."""
        # The installed console script, exactly as a user runs it.
        command = [str(Path(sys.executable).parent / "genpic"), "serve", "--port", str(self.port)]
        self._process = subprocess.Popen(
            command, env=self._env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise RuntimeError(f"genpic serve exited: {self._process.stdout.read()}")  # type: ignore[union-attr]
            try:
                with _OPENER.open(f"{self.url}/health", timeout=1):
                    break
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.1)
        else:
            raise RuntimeError("genpic serve did not answer /health in time")
        self.banner = self._process.stdout.readline()  # type: ignore[union-attr]
        return self

    def stop(self) -> None:
        """Stop the server process."""
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)
            if self._process.stdout:
                self._process.stdout.close()
            self._process = None
