"""A live ``genpic serve`` on loopback and Debian's chromium driven by Playwright.

Playwright's own browser download cannot work here, so the tests drive the system
chromium (``apt-get install chromium``). Without it they fail, saying how to install it:
a silent skip would let the page go untested (``.ci/run`` installs it).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.support.live_server import LiveServer

CHROMIUM = Path(os.environ.get("GENPIC_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Screenshots are kept for people to look at; the directory is gitignored.
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"


def _unavailable(reason: str) -> None:
    pytest.fail(
        f"browser tests cannot run: {reason} (or leave them out: pytest --ignore=tests/browser)",
        pytrace=False,
    )


@dataclass
class Server:
    """A running ``genpic serve`` and the data directory it writes to."""

    url: str
    data_dir: Path

    def outputs(self) -> list[Path]:
        """The generated images stored so far (not the local store's metadata files)."""
        return sorted(p for p in (self.data_dir / "outputs").glob("*.*") if p.suffix != ".json")

    def uploads(self) -> list[Path]:
        """The input images uploaded so far."""
        return sorted((self.data_dir / "inputs").rglob("uploads/*.*"))


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``genpic serve`` with the offline backends: preview engine, template enhancer, local storage."""
    data_dir = tmp_path_factory.mktemp("genpic-serve") / "data"
    offline = {"GENPIC_ENGINE": "preview", "GENPIC_ENHANCER": "template", "GENPIC_STORAGE": "local"}
    with LiveServer(data_dir, offline) as live:
        yield Server(url=live.url + "/", data_dir=data_dir)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's chromium, headless, launched once for the session."""
    if not CHROMIUM.exists():
        _unavailable(
            f"{CHROMIUM} not found; install Debian's chromium with 'sudo apt-get install "
            "chromium', or set GENPIC_CHROMIUM to a chromium binary"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is missing; pip install -e '.[dev]'")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def open_page(
    browser: Any, server: Server, request: pytest.FixtureRequest, **context: Any
) -> Iterator[Any]:
    """A fresh browser context (empty localStorage) on the page, ready to use.

    A screenshot of the final state is kept under ``test-artifacts/browser/``, and the
    test fails if the page threw a script error.
    """
    options = {"viewport": {"width": 1360, "height": 900}, "accept_downloads": True, **context}
    opened = browser.new_context(**options)
    opened.set_default_timeout(15_000)
    tab = opened.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    tab.goto(server.url)
    tab.wait_for_selector("body[data-ready=true]")
    yield tab
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / f"{request.node.name}.png"), full_page=True)
    opened.close()
    assert not errors, f"script errors on the page: {errors}"


@pytest.fixture
def page(browser: Any, server: Server, request: pytest.FixtureRequest) -> Iterator[Any]:
    """The page in a browser whose language is English (Playwright's default, en-US)."""
    yield from open_page(browser, server, request)


@pytest.fixture
def vi_page(browser: Any, server: Server, request: pytest.FixtureRequest) -> Iterator[Any]:
    """The page in a browser whose language is Vietnamese (``navigator.languages``: vi-VN)."""
    yield from open_page(browser, server, request, locale="vi-VN")


def screenshot(tab: Any, name: str) -> Path:
    """Keep a screenshot of the viewport as a test artifact and return its path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    tab.screenshot(path=str(path))
    return path
