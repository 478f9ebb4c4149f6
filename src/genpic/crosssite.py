"""What another web site cannot make a user's browser do here: the Host, Origin and media rules.

Any page the user opens can make the browser send a "simple" cross-site POST (a
``text/plain``, form or multipart body, no preflight), or point a DNS name of its
own at a server on the user's machine (DNS rebinding). Three rules stop both, for
the HTTP app (``genpic.http.middleware``) and the Lambda handlers alike:

- the ``Host`` must be one of ``GENPIC_ALLOWED_HOSTS`` (by default the loopback
  names, the bind host and ``GENPIC_PUBLIC_URL``'s host; on Lambda any, see
  ``genpic.settings``), so a rebound name is refused before anything runs;
- a state-changing request (POST, PUT, PATCH, DELETE) that carries an ``Origin``
  must come from the server's own origin or one listed in ``GENPIC_CORS_ORIGINS``;
  a request without one (curl, the SDKs) is not a browser's and passes;
- a JSON route takes only ``application/json`` (any parameters, ``charset`` only
  UTF-8) or a structured ``application/*+json`` type (RFC 6839); neither is a type a
  page may send cross-site without a preflight.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from genpic.errors import Forbidden, UnsupportedMediaType
from genpic.settings import Settings

#: Names a loopback server answers by default (never an attacker's DNS name).
LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
#: Where ``genpic serve`` binds unless told otherwise.
DEFAULT_BIND = "127.0.0.1"
#: In ``GENPIC_ALLOWED_HOSTS`` or ``GENPIC_CORS_ORIGINS``: any host, any origin.
ANY = "*"
JSON = "application/json"
MULTIPART = "multipart/form-data"
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_DEFAULT_PORTS = {"http": 80, "https": 443}
# A Host header: a name or an IPv4 address, or a bracketed IPv6 address; an optional port.
_HOST = re.compile(r"^(?P<name>\[[0-9A-Fa-f:.]+\]|[^\[\]:/?#@\\\s]+)(?::(?P<port>[0-9]{1,5}))?$")
_STRUCTURED_JSON = re.compile(r"^application/[a-z0-9.!#$&^_-]+\+json$")


@dataclass(frozen=True)
class SiteRules:
    """The Host and Origin rules of one deployment.

    Parameters
    ----------
    hosts
        The ``Host`` names answered (``ANY``: every one).
    cors_origins
        Other origins allowed to change state (``GENPIC_CORS_ORIGINS``; ``ANY``: every one).
    public_url
        ``GENPIC_PUBLIC_URL``: the server's own origin as the world reaches it, if known.
    """

    hosts: tuple[str, ...]
    cors_origins: tuple[str, ...] = ()
    public_url: str | None = None

    def check(self, method: str, scheme: str, host: str | None, origin: str | None) -> None:
        """Refuse a foreign ``Host``, and a state-changing request from a foreign ``Origin``.

        Raises
        ------
        Forbidden
            The message says which variable admits the host or origin.
        """
        self.check_host(host)
        if method.upper() not in STATE_CHANGING or origin is None:
            return
        if ANY in self.cors_origins:
            return
        own = (f"{scheme}://{host}" if host else None, self.public_url, *self.cors_origins)
        trusted = {origin_of(url) for url in own if url}
        if origin_of(origin) not in trusted - {None}:
            raise Forbidden(
                f"Origin {origin!r} may not call this server: a state-changing request from a "
                "browser must come from the server's own page or an origin listed in "
                "GENPIC_CORS_ORIGINS."
            )

    def check_host(self, host: str | None) -> None:
        """Refuse a ``Host`` header whose name is not in ``hosts`` (a missing one too)."""
        if ANY in self.hosts:
            return
        name = host_name(host or "")
        if name is None or name not in {host_name(allowed) for allowed in self.hosts}:
            raise Forbidden(
                f"Host {host!r} is not a name this server answers ({', '.join(self.hosts)}); "
                "add it to GENPIC_ALLOWED_HOSTS or set GENPIC_PUBLIC_URL."
            )


def site_rules(settings: Settings, bind_host: str | None = DEFAULT_BIND) -> SiteRules:
    """Return the deployment's rules: ``GENPIC_ALLOWED_HOSTS``, else the bind host's defaults.

    ``bind_host`` None: nothing is bound, API Gateway calls a Lambda handler, and only
    with its own domain names (see ``genpic.settings``), so any ``Host`` is answered.
    """
    defaults = default_hosts(bind_host, settings.public_url) if bind_host else (ANY,)
    return SiteRules(settings.allowed_hosts or defaults, settings.cors_origins, settings.public_url)


def default_hosts(bind_host: str, public_url: str | None) -> tuple[str, ...]:
    """The ``Host`` names a server bound to ``bind_host`` answers without ``GENPIC_ALLOWED_HOSTS``.

    The loopback names always (nobody else's DNS can claim them), the bind host, and
    ``public_url``'s host.
    """
    names = [*LOOPBACK_NAMES, bind_host.strip("[]")]
    if public_url:
        public = urlsplit(public_url).hostname
        if public:
            names.append(public)
    return tuple(dict.fromkeys(name.lower() for name in names))


def host_name(host: str) -> str | None:
    """Return the name in a ``Host`` header (lower case, no port, no brackets), or None."""
    match = _HOST.match(host.strip())
    if match is None or (match["port"] and int(match["port"]) > 65535):
        return None
    return match["name"].strip("[]").rstrip(".").lower() or None


def origin_of(url: str) -> str | None:
    """Return ``scheme://host[:port]`` of an http(s) URL or ``Origin``, normalised; else None.

    ``Origin: null`` (sandboxed frames, ``file:`` pages, some redirects) is None: it
    names no site, so it is never trusted.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    name = parts.hostname.lower()
    shown = f"[{name}]" if ":" in name else name
    port = port or _DEFAULT_PORTS[scheme]
    return f"{scheme}://{shown}" if port == _DEFAULT_PORTS[scheme] else f"{scheme}://{shown}:{port}"


def check_media_type(content_type: str | None, accepted: Sequence[str], *, has_body: bool) -> str:
    """Return the body's media type if ``accepted`` lists it; a bodiless request may omit it.

    Parameters
    ----------
    content_type
        The ``Content-Type`` header, if any.
    accepted
        ``JSON`` and/or ``MULTIPART``. ``JSON`` admits ``application/*+json`` too.
    has_body
        Whether the request carries bytes; without any, a missing header is fine.

    Raises
    ------
    UnsupportedMediaType
        Any other type, a JSON ``charset`` other than UTF-8, or a body without a type.
    """
    kind, parameters = _media_type(content_type or "")
    if not kind and not has_body:
        return ""
    if JSON in accepted and (kind == JSON or _STRUCTURED_JSON.match(kind)):
        charset = parameters.get("charset", "utf-8").lower()
        if charset not in ("utf-8", "utf8"):
            raise UnsupportedMediaType(
                f"JSON must be UTF-8; this body says charset={charset}.", field="Content-Type"
            )
        return JSON
    if kind in accepted and kind != JSON:
        return kind
    raise UnsupportedMediaType(
        f"Content-Type {content_type or '(none)'!r} is not accepted here; send "
        f"{' or '.join(_describe(accepted))}.",
        field="Content-Type",
    )


def _media_type(header: str) -> tuple[str, dict[str, str]]:
    kind, *rest = header.split(";")
    parameters = {}
    for parameter in rest:
        name, _, value = parameter.partition("=")
        parameters[name.strip().lower()] = value.strip().strip('"')
    return kind.strip().lower(), parameters


def _describe(accepted: Iterable[str]) -> list[str]:
    return [
        "Content-Type: application/json" if kind == JSON else f"a {kind} body" for kind in accepted
    ]
