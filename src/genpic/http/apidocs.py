"""The API docs pages, ``/docs`` (Swagger UI) and ``/redoc``, with no CDN.

FastAPI's own pages load their scripts, styles and favicon from public CDNs, so they are
blank offline or behind a firewall. These pages load the same libraries from the
``fastapi-offline`` package (Swagger UI 5 and ReDoc 2, MIT), served under ``/static/docs/``:
public like the web page's own files, on loopback and on API Gateway alike. Each page
also carries a Content-Security-Policy that allows only this origin (and the page's own
inline script, by hash): ReDoc's footer logo, the one image it still asks a CDN for, is
refused by the browser instead of leaking a request.
"""

from __future__ import annotations

import base64
import hashlib
import re
from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS_URL = "/static/docs"
ASSETS_DIR = Path(str(files("fastapi_offline") / "static"))
SWAGGER_URL = "/docs"
REDOC_URL = "/redoc"
_OAUTH2_REDIRECT_URL = "/docs/oauth2-redirect"
_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)
# Swagger UI and ReDoc style their elements inline, draw icons as data: images, and ReDoc
# runs its search in a worker made from a blob.
_POLICY = (
    "default-src 'self'; script-src 'self'{scripts}; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; worker-src 'self' blob:; frame-ancestors 'none'"
)


def install(app: FastAPI) -> None:
    """Mount the docs assets and add ``/docs`` and ``/redoc`` (before the page's ``/static``)."""
    app.mount(ASSETS_URL, StaticFiles(directory=ASSETS_DIR), name="docs-assets")

    @app.get(SWAGGER_URL, include_in_schema=False)
    def swagger_ui(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return _with_policy(
            get_swagger_ui_html(
                openapi_url=f"{root}{app.openapi_url}",
                title=f"{app.title} - Swagger UI",
                oauth2_redirect_url=f"{root}{_OAUTH2_REDIRECT_URL}",
                swagger_js_url=f"{root}{ASSETS_URL}/swagger-ui-bundle.js",
                swagger_css_url=f"{root}{ASSETS_URL}/swagger-ui.css",
                swagger_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
            )
        )

    @app.get(_OAUTH2_REDIRECT_URL, include_in_schema=False)
    def swagger_ui_redirect() -> HTMLResponse:
        return _with_policy(get_swagger_ui_oauth2_redirect_html())

    @app.get(REDOC_URL, include_in_schema=False)
    def redoc(request: Request) -> HTMLResponse:
        root = request.scope.get("root_path", "")
        return _with_policy(
            get_redoc_html(
                openapi_url=f"{root}{app.openapi_url}",
                title=f"{app.title} - ReDoc",
                redoc_js_url=f"{root}{ASSETS_URL}/redoc.standalone.js",
                redoc_favicon_url=f"{root}{ASSETS_URL}/favicon.png",
                with_google_fonts=False,
            )
        )


def _with_policy(page: HTMLResponse) -> HTMLResponse:
    """Set the page's Content-Security-Policy, allowing its inline scripts by their hash."""
    inline = _INLINE_SCRIPT.findall(bytes(page.body).decode())
    digests = (base64.b64encode(hashlib.sha256(s.encode()).digest()).decode() for s in inline)
    scripts = "".join(f" 'sha256-{digest}'" for digest in digests)
    page.headers["Content-Security-Policy"] = _POLICY.format(scripts=scripts)
    return page
