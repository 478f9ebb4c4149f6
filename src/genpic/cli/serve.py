"""``genpic serve``: the HTTP app and its web page on uvicorn.

Registered on the CLI by ``genpic.cli``; FastAPI and uvicorn are imported only
when the command runs, so the rest of the CLI starts as fast as before.
"""

from __future__ import annotations

import ipaddress
from typing import Annotated

import typer

from genpic.crosssite import DEFAULT_BIND
from genpic.settings import API_KEY, API_KEYS, Settings

DEFAULT_HOST = DEFAULT_BIND
DEFAULT_PORT = 8080


def serve(
    host: Annotated[
        str, typer.Option(help="Interface to bind; beyond loopback needs GENPIC_API_KEY(S).")
    ] = DEFAULT_HOST,
    port: Annotated[int, typer.Option(help="TCP port.")] = DEFAULT_PORT,
) -> None:
    """Serve the web page and the HTTP API (generate, compare, OpenAI-compatible /v1)."""
    settings = Settings.from_env()
    if not is_loopback(host) and not settings.api_keys:
        typer.echo(
            f"error: binding {host} exposes genpic beyond this machine; set {API_KEY} to a "
            f"secret key (or {API_KEYS} to name=key pairs) first (clients then send "
            "'Authorization: Bearer <key>').",
            err=True,
        )
        raise typer.Exit(code=2)
    import uvicorn

    from genpic.http.app import create_app

    app = create_app(settings, bind_host=host)
    shown = f"[{host}]" if ":" in host else host
    typer.echo(f"genpic is serving on http://{shown}:{port}/  (API docs: /docs; Ctrl-C stops)")
    uvicorn.run(app, host=host, port=port, log_level="warning")


def is_loopback(host: str) -> bool:
    """Whether ``host`` binds only this machine (127.0.0.0/8, ::1 or localhost)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
