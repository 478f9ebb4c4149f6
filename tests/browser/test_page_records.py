"""The gallery from the server's records (GET /images) and feedback from the page.

Each test checks what the page showed and what the server recorded: the feedback body
on the wire and the rows in the records' SQLite file. (GET /stats counts ratings
only per A/B arm, and these servers run no experiment, so it cannot show them.)
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

from tests.browser.conftest import Server, screenshot
from tests.browser.test_page import _generate, _pick_mode


def _ratings(server: Server, image_id: str) -> list[tuple[int | None, int | None]]:
    with sqlite3.connect(server.data_dir / "records.sqlite3") as db:
        rows = db.execute(
            "SELECT rating, preferred FROM feedback WHERE image_id = ? ORDER BY created_at",
            (image_id,),
        )
        return [(rating, preferred) for rating, preferred in rows]


def _reload_without_local_storage(page: Any) -> None:
    page.evaluate("localStorage.clear()")
    page.reload()
    page.wait_for_selector("body[data-ready=true]")


def test_gallery_comes_from_the_server_and_a_rating_is_recorded(page: Any, server: Server) -> None:
    page.fill("#prompt", "two herons in the morning fog")
    page.select_option("#n", "2")
    _, body = _generate(page, "generate")
    ids = [variant["image_id"] for variant in body["variants"]]
    assert len(set(ids)) == 2

    _reload_without_local_storage(page)
    assert page.evaluate("localStorage.getItem('genpic.gallery.v1')") is None
    assert page.locator("#gallery-where").inner_text() == "on this server"
    newest = page.locator("#gallery li").evaluate_all(
        "lis => lis.slice(0, 2).map(li => li.dataset.imageId)"
    )
    assert sorted(newest) == sorted(ids)
    tile = page.locator(f"#gallery li[data-image-id='{ids[1]}']")
    assert "two herons in the morning fog" in tile.locator(".caption").inner_text()
    assert tile.locator("#gallery li button[aria-label^=Remove]").count() == 0  # no server delete

    with page.expect_request(lambda r: r.url.endswith("/feedback")) as sent:
        tile.locator(".star[data-value='4']").click()
    assert json.loads(sent.value.post_data) == {"image_id": ids[1], "rating": 4}
    tile.get_by_role("status").filter(has_text="Rated 4/5").wait_for()
    assert tile.locator(".star.on").count() == 4
    assert tile.locator(".star:disabled").count() == 5  # a second rating would count twice
    assert _ratings(server, ids[1]) == [(4, None)]
    assert _ratings(server, ids[0]) == []
    screenshot(page, "gallery-rated")


def test_more_pages_through_the_server_images(page: Any, server: Server) -> None:
    for _ in range(4):  # 16 images: more than the page's first page of 12
        answer = page.request.post(
            server.url + "generate", data={"prompt": "a pebble", "n": 4, "aspect_ratio": "1:1"}
        )
        assert answer.ok
    _reload_without_local_storage(page)
    assert page.locator("#gallery li").count() == 12
    listed = page.request.get(server.url + "images?limit=24").json()["images"]
    with page.expect_request(lambda r: "/images?" in r.url and "cursor=" in r.url):
        page.click("#more-images")
    page.wait_for_function(f"document.querySelectorAll('#gallery li').length === {len(listed)}")
    shown = page.locator("#gallery li").evaluate_all("lis => lis.map(li => li.dataset.imageId)")
    assert shown == [image["image_id"] for image in listed]


def test_compare_prefers_one_image_and_the_server_counts_it(page: Any, server: Server) -> None:
    page.fill("#prompt", "a teapot on a windowsill")
    _pick_mode(page, "compare")
    _, body = _generate(page, "compare")
    cards = page.locator("#results .card")
    assert cards.locator(".prefer-button").count() == 2
    with page.expect_request(lambda r: r.url.endswith("/feedback")) as sent:
        cards.nth(1).locator(".prefer-button").click()
    assert json.loads(sent.value.post_data) == {
        "image_id": body["enhanced"]["image_id"],
        "preferred": True,
    }
    cards.nth(1).get_by_text("Preference saved").wait_for()
    assert cards.locator(".prefer-button:disabled").count() == 2  # one choice for the pair
    assert _ratings(server, body["enhanced"]["image_id"]) == [(None, 1)]
    assert _ratings(server, body["original"]["image_id"]) == []
    screenshot(page, "compare-preferred")


def test_feedback_error_is_shown_in_plain_words(page: Any) -> None:
    page.fill("#prompt", "a lantern")
    _generate(page, "generate")
    message = "The records store is busy; try again in a moment."
    page.route(
        "**/feedback",
        lambda route: route.fulfill(
            status=503,
            content_type="application/json",
            body=json.dumps({"error": "ServiceUnavailable", "message": message}),
        ),
    )
    page.locator("#results .card .star[data-value='2']").click()
    status = page.locator("#results .card .feedback-status.error")
    assert status.inner_text() == f"Not saved: {message}"
    assert page.locator("#results .card .star:disabled").count() == 0  # free to try again


def test_gallery_falls_back_to_this_browser_when_the_server_keeps_no_records(
    page: Any,
) -> None:
    page.fill("#prompt", "a snail on a leaf")
    _generate(page, "generate")
    page.route(
        "**/images?*",
        lambda route: route.fulfill(
            status=404,
            content_type="application/json",
            body=json.dumps({"error": "NotFound", "message": "This server keeps no records."}),
        ),
    )
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    assert page.locator("#gallery-where").inner_text() == "on this browser"
    tiles = page.locator("#gallery li")
    assert tiles.count() == 1 and "a snail on a leaf" in tiles.inner_text()
    assert tiles.locator(".rating").count() == 0 and page.locator("#gallery-error").is_hidden()
    assert page.locator("#more-images").is_hidden()
