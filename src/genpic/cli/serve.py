"""``genpic serve``: the HTTP app and its web page on uvicorn.

The socket is bound before "serving on" is printed, so a busy port is one line and
never a traceback. FastAPI and uvicorn are imported only when the command runs, so the
rest of the CLI starts as fast as before.
"""

from __future__ import annotations

import errno
import ipaddress
import socket
from typing import Annotated, NoReturn

import typer

from genpic.cli.errors import BAD_INPUT, FAILED
from genpic.crosssite import DEFAULT_BIND
from genpic.settings import API_KEY, API_KEYS, Settings

DEFAULT_HOST = DEFAULT_BIND
DEFAULT_PORT = 8080
# Connections that may wait while the app starts (uvicorn's own default).
BACKLOG = 2048


def serve(
    host: Annotated[
        str, typer.Option(help="Interface to bind; beyond loopback needs GENPIC_API_KEY(S).")
    ] = DEFAULT_HOST,
    port: Annotated[
        int, typer.Option(min=0, max=65535, help="TCP port (0: any free one).")
    ] = DEFAULT_PORT,
) -> None:
    """Serve the web page and the HTTP API (generate, compare, OpenAI-compatible /v1)."""
    settings = Settings.from_env()
    if not is_loopback(host) and not settings.api_keys:
        typer.echo(
            f"error: --host {host}: exposes genpic beyond this machine; set {API_KEY} to a "
            f"secret key (or {API_KEYS} to name=key pairs) first (clients then send "
            "'Authorization: Bearer <key>').",
            err=True,
        )
        raise typer.Exit(code=BAD_INPUT)
    import uvicorn

    from genpic.http.app import create_app

    listening = _bind(host, port)
    app = create_app(settings, bind_host=host)
    shown = f"[{host}]" if ":" in host else host
    bound = listening.getsockname()[1]
    typer.echo(f"genpic is serving on http://{shown}:{bound}/  (API docs: /docs; Ctrl-C stops)")
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning"))
    server.run(sockets=[listening])


def _bind(host: str, port: int) -> socket.socket:
    """Bind and listen on ``host:port`` before anything is announced; one line if it cannot."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host.strip("[]"), port, type=socket.SOCK_STREAM
        )[0]
    except socket.gaierror as exc:
        _cannot(f"--host {host}: not an address of this machine ({exc.strerror})", BAD_INPUT)
    listening = socket.socket(family, kind, proto)
    # So a restart need not wait out the last run's TIME_WAIT; a live listener still refuses.
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listening.bind(address)
        listening.listen(BACKLOG)
    except OSError as exc:
        listening.close()
        if exc.errno == errno.EADDRINUSE:
            _cannot(
                f"--port {port}: already in use on {host}; stop what listens there, "
                "or choose another --port",
                FAILED,
            )
        what = BAD_INPUT if exc.errno == errno.EADDRNOTAVAIL else FAILED
        _cannot(f"cannot listen on {host}:{port} ({exc.strerror})", what)
    return listening


def _cannot(message: str, status: int) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=status)


def is_loopback(host: str) -> bool:
    """Whether ``host`` binds only this machine (127.0.0.0/8, ::1 or localhost)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
