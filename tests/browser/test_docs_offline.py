"""The API docs pages render their operations with the network cut to loopback.

Every request the browser makes is routed through a filter that lets loopback through and
aborts anything else, as a machine offline or behind a firewall would; the test also fails
if the page so much as tried to leave loopback (a CDN script, font or favicon).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import Server, screenshot

_LOOPBACK = ("127.0.0.1", "localhost", "::1", "[::1]")


@pytest.fixture
def offline(browser: Any) -> Iterator[tuple[Any, list[str]]]:
    """A tab whose every non-loopback request is aborted, and the list of those requests."""
    context = browser.new_context(viewport={"width": 1360, "height": 900})
    context.set_default_timeout(15_000)
    refused: list[str] = []

    def loopback_only(route: Any) -> None:
        url = route.request.url
        if urlsplit(url).hostname in _LOOPBACK or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            refused.append(url)
            route.abort("internetdisconnected")

    context.route("**/*", loopback_only)
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    yield tab, refused
    context.close()
    assert not errors, f"script errors on the page: {errors}"


def _assets(tab: Any) -> list[str]:
    return tab.eval_on_selector_all(
        "script[src], link[href]", "els => els.map(e => e.src || e.href)"
    )


def test_swagger_ui_renders_every_operation_offline(
    offline: tuple[Any, list[str]], server: Server
) -> None:
    tab, refused = offline
    tab.goto(server.url + "docs")
    tab.wait_for_selector(".opblock")
    paths = tab.eval_on_selector_all(
        ".opblock .opblock-summary-path", "els => els.map(e => e.dataset.path)"
    )
    assert {"/generate", "/uploads", "/jobs", "/batches", "/v1/images/generations"} <= set(paths)
    # Opening an operation shows its request body, read from /openapi.json.
    generate = tab.locator(".opblock-post:has(.opblock-summary-path[data-path='/generate'])")
    generate.locator(".opblock-summary").click()
    tab.wait_for_selector(".opblock.is-open .opblock-section-request-body")
    screenshot(tab, "docs-offline")
    assert all(urlsplit(url).hostname in _LOOPBACK for url in _assets(tab)), _assets(tab)
    assert refused == []


def test_redoc_renders_every_operation_offline(
    offline: tuple[Any, list[str]], server: Server
) -> None:
    tab, refused = offline
    tab.goto(server.url + "redoc")
    tab.wait_for_selector("[data-section-id^='operation/']")
    sections = tab.eval_on_selector_all(
        "[data-section-id^='operation/']", "els => els.map(e => e.dataset.sectionId)"
    )
    assert len(sections) >= 15, sections
    assert tab.locator("text=/generate").first.is_visible()
    screenshot(tab, "redoc-offline")
    assert refused == []
