"""The client of an HTTP request (``genpic.limits.identity``), as the routes ask for it.

The gate middleware records the name of the API key a request carried in
``scope["state"]``; on Lambda, Mangum passes the API Gateway event as
``scope["aws.event"]``; locally the socket peer is the source address.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request

from genpic.limits.identity import client_from_event, ip_client, key_client

#: Where the gate middleware records the name of the request's API key.
KEY_NAME_STATE = "api_key_name"


def client(request: Request) -> str:
    """Return who ``request`` is counted as (a FastAPI dependency)."""
    state: dict[str, Any] = request.scope.get("state", {})
    name = state.get(KEY_NAME_STATE)
    if name:
        return key_client(name)
    vouched = client_from_event(request.scope.get("aws.event"))
    if vouched:
        return vouched
    peer = request.client.host if request.client else "unknown"
    return ip_client(peer)
