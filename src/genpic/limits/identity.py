"""Who a client is, the name its images are counted under (``GENPIC_RATE_LIMIT``, ``/stats``).

In order of trust:

- ``key:<name>``: the name of the API key the request carried (``GENPIC_API_KEYS``
  holds ``name=key`` pairs; ``GENPIC_API_KEY`` is the client ``default``);
- ``jwt:<sub>`` or ``iam:<caller ARN>``: the caller API Gateway's authorizer
  vouched for, from the Lambda event's ``requestContext`` (HTTP API 2.0: ``authorizer.jwt
  .claims.sub``, ``authorizer.iam.userArn``; REST API 1.0: ``authorizer.claims.sub``,
  ``identity.userArn``);
- ``ip:<address>``: the source address: on Lambda the one API Gateway saw
  (``requestContext.http.sourceIp`` / ``identity.sourceIp``), locally the socket
  peer. ``X-Forwarded-For`` is never trusted: any caller can write it;
- ``lambda:invoke``: a direct Lambda invocation, which carries no caller at all.

Event shapes: https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-lambda.html
and https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-lambda-proxy-integrations.html
"""

from __future__ import annotations

import hmac
from collections.abc import Mapping
from typing import Any

#: The client of a direct Lambda invocation (``aws lambda invoke``), which names no caller.
DIRECT_INVOKE = "lambda:invoke"


class ApiKeys:
    """The deployment's API keys by client name (``Settings.api_keys``).

    Parameters
    ----------
    pairs
        ``(name, key)`` pairs; names and keys are unique.
    """

    def __init__(self, pairs: tuple[tuple[str, str], ...]) -> None:
        self._keys = [(name, key.encode()) for name, key in pairs]

    def __bool__(self) -> bool:
        """Whether any key is set (then every route but the open ones needs one)."""
        return bool(self._keys)

    def match(self, given: str) -> str | None:
        """Return the client name whose key is ``given``, or None.

        Every key is compared, in constant time, whatever matched: how long this
        takes says nothing about which key was nearly right.
        """
        offered = given.encode()
        found = None
        for name, key in self._keys:
            if hmac.compare_digest(offered, key):
                found = name
        return found


def key_client(name: str) -> str:
    """Return the client an API key's ``name`` stands for."""
    return f"key:{name}"


def ip_client(address: str) -> str:
    """Return the client a source ``address`` stands for."""
    return f"ip:{address}"


def client_from_event(event: Any) -> str | None:
    """Return the caller an API Gateway event vouches for, else its source IP, else None."""
    context = event.get("requestContext") if isinstance(event, Mapping) else None
    if not isinstance(context, Mapping):
        return None
    authorizer = _mapping(context, "authorizer")
    subject = _text(_mapping(_mapping(authorizer, "jwt"), "claims"), "sub") or _text(
        _mapping(authorizer, "claims"), "sub"
    )
    if subject:
        return f"jwt:{subject}"
    caller = _text(_mapping(authorizer, "iam"), "userArn") or _text(
        _mapping(context, "identity"), "userArn"
    )
    if caller:
        return f"iam:{caller}"
    address = _text(_mapping(context, "http"), "sourceIp") or _text(
        _mapping(context, "identity"), "sourceIp"
    )
    return ip_client(address) if address else None


def _mapping(parent: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    value = parent.get(name)
    return value if isinstance(value, Mapping) else {}


def _text(parent: Mapping[str, Any], name: str) -> str | None:
    value = parent.get(name)
    return value.strip() or None if isinstance(value, str) else None
