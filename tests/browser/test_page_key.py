"""The page on a server that requires ``GENPIC_API_KEY``: it asks once, then sends the key."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from genpic.vocabulary import ASPECT_RATIOS
from tests.support.live_server import LiveServer

KEY = "correct horse battery staple"


@pytest.fixture
def keyed_url(tmp_path: Path) -> Iterator[str]:
    env = {
        "GENPIC_ENGINE": "preview",
        "GENPIC_ENHANCER": "template",
        "GENPIC_STORAGE": "local",
        "GENPIC_API_KEY": KEY,
    }
    with LiveServer(tmp_path / "data", env) as live:
        yield live.url + "/"


def test_page_asks_for_the_key_and_sends_it(browser: Any, keyed_url: str) -> None:
    context = browser.new_context()
    tab = context.new_page()
    tab.goto(keyed_url)
    tab.wait_for_selector("body[data-ready=true]")
    # The page and /health are open; everything else answered 401, so the page asks.
    assert tab.locator("#key-form").is_visible()
    assert tab.locator("#ratios input").count() == 0
    tab.fill("#api-key", KEY)
    tab.click("#key-form button")
    tab.wait_for_selector("body[data-ready=true]")
    assert tab.locator("#key-form").is_hidden()
    assert tab.locator("#ratios input").count() == len(ASPECT_RATIOS)
    tab.fill("#prompt", "a locked door")
    with tab.expect_response(lambda r: r.url.endswith("/generate")) as answer:
        tab.click("#generate")
    assert answer.value.status == 200
    assert answer.value.request.headers["authorization"] == f"Bearer {KEY}"
    # Images need the key too: the page fetches them with it, for the result and the gallery.
    tab.wait_for_function(
        "[...document.querySelectorAll('#results .card img, #gallery img')]"
        ".every(i => i.complete && i.naturalWidth) && document.querySelectorAll('#gallery img').length"
    )
    context.close()
