"""Edit mode in a real browser, against ``genpic serve`` on the Bedrock double.

Every test checks what reached the model: the InvokeModel body the double received
(the mask decoded pixel by pixel, the margins, the image), not only what the page showed.
Strokes are real pointer input: the mouse through Playwright, the finger through the
DevTools protocol's touch events (Chromium turns both into pointer events).
"""

from __future__ import annotations

import base64
import io
import math
from collections.abc import Iterator
from typing import Any

import pytest
from PIL import Image

from tests.browser.conftest import Server, open_page, screenshot
from tests.conftest import REGION, image_bytes
from tests.support.bedrock_double import BedrockDouble, RecordedCall
from tests.support.live_server import LiveServer, on_the_bedrock_double

WIDTH, HEIGHT = 640, 448
# The mask's edge is anti-aliased in the browser and mapped from screen to image pixels:
# a pixel this close to a stroke's outline may go either way.
EDGE = 3.0


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, bedrock: BedrockDouble) -> Iterator[Server]:
    """``genpic serve`` calling the Bedrock double (template enhancer, local storage)."""
    env = on_the_bedrock_double(bedrock.url, REGION)
    data_dir = tmp_path_factory.mktemp("edit-site") / "data"
    with LiveServer(data_dir, env) as live:
        yield Server(url=live.url + "/", data_dir=data_dir)


@pytest.fixture
def tab(
    browser: Any, site: Server, bedrock: BedrockDouble, request: pytest.FixtureRequest
) -> Iterator[Any]:
    """The page on the double, English, with touch input enabled (a mouse works too)."""
    bedrock.reset()
    yield from open_page(browser, site, request, has_touch=True)


@pytest.fixture
def vi_tab(
    browser: Any, site: Server, bedrock: BedrockDouble, request: pytest.FixtureRequest
) -> Iterator[Any]:
    """The page on the double in a vi-VN browser."""
    bedrock.reset()
    yield from open_page(browser, site, request, locale="vi-VN")


def _edit_mode(page: Any, operation: str) -> None:
    page.click(".mode:has(input[value=edit])")
    page.select_option("#operation", operation)


def _add_image(page: Any, data: bytes) -> None:
    """Pick the image to edit, and wait until its upload is done and it is on the stage."""
    with page.expect_response(lambda r: r.url.endswith("/uploads")):
        page.set_input_files(
            "#file", files=[{"name": "scene.png", "mimeType": "image/png", "buffer": data}]
        )
    page.wait_for_function("document.getElementById('edit-image').naturalWidth > 0")
    page.wait_for_selector("#edit-stage:not([hidden])")


def _edit(page: Any) -> dict[str, Any]:
    """Press the edit button and return the answer of POST /edit."""
    with page.expect_response(lambda r: r.url.endswith("/edit")) as answer:
        page.click("#generate")
    page.wait_for_selector("#progress", state="hidden")
    return dict(answer.value.json())


def _invocation(bedrock: BedrockDouble, service: str) -> RecordedCall:
    calls = [c for c in bedrock.requests if c.operation == "InvokeModel" and service in c.model_id]
    assert len(calls) == 1, [c.model_id for c in bedrock.requests]
    return calls[0]


def _decoded(b64: str) -> Image.Image:
    return Image.open(io.BytesIO(base64.b64decode(b64)))


class Stage:
    """Image pixels to screen points on the image being edited, as laid out now."""

    def __init__(self, page: Any) -> None:
        box = page.locator("#edit-canvas").bounding_box()
        self.x, self.y = box["x"], box["y"]
        self.scale = box["width"] / WIDTH
        assert math.isclose(box["height"] / HEIGHT, self.scale, rel_tol=0.01)

    def at(self, x: float, y: float) -> tuple[float, float]:
        return self.x + x * self.scale, self.y + y * self.scale


def _mouse_stroke(page: Any, stage: Stage, start: tuple[int, int], end: tuple[int, int]) -> None:
    page.mouse.move(*stage.at(*start))
    page.mouse.down()
    page.mouse.move(*stage.at(*end), steps=12)
    page.mouse.up()


def _touch_stroke(page: Any, stage: Stage, start: tuple[int, int], end: tuple[int, int]) -> None:
    """A finger drawn across the canvas: touchStart, moves, touchEnd, as a touch screen sends."""
    cdp = page.context.new_cdp_session(page)
    steps = 12
    for i in range(steps + 1):
        x = start[0] + (end[0] - start[0]) * i / steps
        y = start[1] + (end[1] - start[1]) * i / steps
        sx, sy = stage.at(x, y)
        kind = "touchStart" if i == 0 else "touchMove"
        cdp.send("Input.dispatchTouchEvent", {"type": kind, "touchPoints": [{"x": sx, "y": sy}]})
    cdp.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()


def _brush(page: Any, size: int) -> None:
    page.eval_on_selector(
        "#brush-size",
        "(el, size) => { el.value = String(size); el.dispatchEvent(new Event('input')); }",
        size,
    )


def _distance(point: tuple[int, int], a: tuple[int, int], b: tuple[int, int]) -> float:
    """Distance from ``point`` (a pixel's centre) to the segment ``a``-``b``."""
    px, py = point[0] + 0.5, point[1] + 0.5
    dx, dy = b[0] - a[0], b[1] - a[1]
    t = max(0.0, min(1.0, ((px - a[0]) * dx + (py - a[1]) * dy) / (dx * dx + dy * dy or 1)))
    return math.hypot(px - a[0] - t * dx, py - a[1] - t * dy)


def test_operations_and_their_fields_come_from_the_server(tab: Any, site: Server) -> None:
    listed = tab.request.get(site.url + "v1/models").json()["data"]
    offered = {m["edit"]["operation"]: m["edit"] for m in listed if "edit" in m}
    tab.click(".mode:has(input[value=edit])")
    options = tab.eval_on_selector_all("#operation option", "els => els.map(e => e.value)")
    assert options == list(offered) and "inpaint" in options and "outpaint" in options
    # The generation models menu keeps the models that generate; it is hidden here.
    models = tab.eval_on_selector_all("#model option", "els => els.map(e => e.value)")
    assert models == [m["id"] for m in listed if "edit" not in m]
    assert tab.locator("[data-field=model]").is_hidden()
    assert tab.locator("[data-field=enhancement_style]").is_hidden()

    tab.select_option("#operation", "erase")
    assert tab.locator("[data-field=prompt]").is_hidden()
    grow = tab.locator("#edit-grow_mask")
    spec = offered["erase"]["numbers"]["grow_mask"]
    assert grow.get_attribute("min") == str(spec["minimum"])
    assert grow.get_attribute("max") == str(spec["maximum"])
    assert grow.input_value() == str(spec["default"])

    tab.select_option("#operation", "search_replace")
    assert tab.locator("[data-field=prompt]").is_visible()
    assert tab.locator("#edit-search_prompt").is_visible()
    assert tab.locator("#edit-grow_mask").count() == 0

    tab.select_option("#operation", "remove_background")
    formats = tab.eval_on_selector_all(
        "#formats input:not(:disabled)", "els => els.map(e => e.value)"
    )
    assert formats == offered["remove_background"]["output_formats"]
    assert "jpeg" not in formats and tab.input_value("#formats input:checked") in formats

    # Back to generating: every control of the other modes is back.
    tab.click(".mode:has(input[value=single])")
    assert tab.locator("[data-field=prompt]").is_visible()
    assert tab.locator("#formats input:disabled").count() == 0


def test_the_painted_mask_reaches_the_model_white_where_painted(
    tab: Any, bedrock: BedrockDouble
) -> None:
    image = image_bytes((WIDTH, HEIGHT), "PNG")
    _edit_mode(tab, "inpaint")
    _add_image(tab, image)
    assert tab.locator("#mask-tools").is_visible()
    stage = Stage(tab)
    _brush(tab, 40)
    _mouse_stroke(tab, stage, (100, 100), (300, 100))  # kept
    _touch_stroke(tab, stage, (120, 300), (420, 300))  # kept, with a finger
    _brush(tab, 30)
    _mouse_stroke(tab, stage, (500, 60), (500, 400))  # taken back with undo
    tab.click("#mask-undo")
    tab.click(".mask-tools label:has(input[value=eraser])")
    _brush(tab, 60)
    _mouse_stroke(tab, stage, (200, 60), (200, 140))  # erases a gap in the first stroke
    tab.fill("#prompt", "a red door")
    with tab.expect_request(lambda r: r.url.endswith("/edit")) as posted:
        body = _edit(tab)
    screenshot(tab, "edit-inpaint")
    # The mask went by reference, uploaded as the image was (jobs take images no other way).
    assert posted.value.post_data_json["mask_s3"].startswith("s3://")

    sent = _invocation(bedrock, "inpaint").body
    assert base64.b64decode(sent["image"]) == image
    mask = _decoded(sent["mask"]).convert("L")
    assert mask.size == (WIDTH, HEIGHT)
    kept = [((100, 100), (300, 100), 20.0), ((120, 300), (420, 300), 20.0)]
    erased = ((200, 60), (200, 140), 30.0)
    wrong = []
    pixels = mask.load()
    for y in range(HEIGHT):
        for x in range(WIDTH):
            near = [_distance((x, y), a, b) - radius for a, b, radius in kept]
            gap = _distance((x, y), erased[0], erased[1]) - erased[2]
            inside = min(near) < -EDGE and gap > EDGE
            outside = min(near) > EDGE or gap < -EDGE
            value = pixels[x, y]
            if value not in (0, 255) or (inside and value != 255) or (outside and value != 0):
                wrong.append((x, y, value))
    assert wrong == [], f"{len(wrong)} mask pixels differ from the strokes, e.g. {wrong[:5]}"
    assert body["operation"] == "inpaint" and (body["width"], body["height"]) == (WIDTH, HEIGHT)


def test_undo_takes_back_each_stroke_and_the_clear(tab: Any, bedrock: BedrockDouble) -> None:
    _edit_mode(tab, "inpaint")
    _add_image(tab, image_bytes((WIDTH, HEIGHT), "PNG"))
    stage = Stage(tab)
    assert tab.locator("#mask-undo").is_disabled()
    _mouse_stroke(tab, stage, (100, 200), (500, 200))
    tab.click("#mask-clear")
    tab.click("#mask-undo")  # the clear is taken back: the stroke is there again
    assert tab.locator("#mask-undo").is_enabled()
    tab.fill("#prompt", "a river")
    _edit(tab)
    mask = _decoded(_invocation(bedrock, "inpaint").body["mask"]).convert("L")
    assert mask.getpixel((300, 200)) == 255 and mask.getpixel((300, 20)) == 0
    tab.click("#mask-undo")  # and now the stroke
    assert tab.locator("#mask-undo").is_disabled()
    bedrock.reset()
    with tab.expect_response(lambda r: r.url.endswith("/edit")) as answer:
        tab.click("#generate")
    # Nothing painted: no mask is sent, and the server names the field beside the stage.
    assert answer.value.status == 400 and answer.value.json()["field"] == "mask"
    assert {"mask", "mask_s3"}.isdisjoint(answer.value.request.post_data_json)
    assert tab.locator("[data-field=mask] .field-error").inner_text()
    assert not [c for c in bedrock.requests if c.operation == "InvokeModel"]


def test_dragging_the_outpaint_handles_sets_the_margins_sent(
    tab: Any, bedrock: BedrockDouble
) -> None:
    _edit_mode(tab, "outpaint")
    _add_image(tab, image_bytes((WIDTH, HEIGHT), "PNG"))
    assert tab.locator("#mask-tools").is_hidden() and tab.locator("#outpaint-frame").is_visible()
    scale = Stage(tab).scale
    for side, (dx, dy) in {"left": (-60, 0), "down": (0, 45)}.items():
        handle = tab.locator(f".margin-handle[data-side={side}]").bounding_box()
        x, y = handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2
        tab.mouse.move(x, y)
        tab.mouse.down()
        tab.mouse.move(x + dx, y + dy, steps=6)
        tab.mouse.up()
        scale_now = Stage(tab).scale  # each drag is measured at the scale it started with
        dragged = int(tab.input_value(f"#edit-{side}"))
        assert abs(dragged - round(abs(dx + dy) / scale)) <= 1, (side, dragged, scale)
        scale = scale_now
    # The frame drawn around the image is the margins: the padding of the stage.
    padding = tab.eval_on_selector(
        "#edit-stage",
        "el => [getComputedStyle(el).paddingLeft, getComputedStyle(el).paddingBottom]",
    )
    left, down = int(tab.input_value("#edit-left")), int(tab.input_value("#edit-down"))
    assert [round(float(p.removesuffix("px"))) for p in padding] == [
        round(left * scale),
        round(down * scale),
    ]
    tab.fill("#edit-right", "120")  # typed works too
    body = _edit(tab)

    sent = _invocation(bedrock, "outpaint").body
    assert (sent["left"], sent["right"], sent["up"], sent["down"]) == (left, 120, 0, down)
    assert (body["width"], body["height"]) == (WIDTH + left + 120, HEIGHT + down)
    # Before and after, with a slider that moves the divide.
    view = tab.locator("#results .before-after")
    view.locator(".before-after-slider").fill("20")
    assert "20%" in view.locator("img.after").evaluate("img => img.style.clipPath")
    before = view.locator("img.before").evaluate("img => parseFloat(img.style.left)")
    assert math.isclose(before, 100 * left / body["width"], rel_tol=1e-4)
    screenshot(tab, "edit-outpaint")


def test_edit_this_on_a_recent_image_sends_that_image(
    tab: Any, site: Server, bedrock: BedrockDouble
) -> None:
    tab.fill("#prompt", "a lighthouse at dusk")
    with tab.expect_response(lambda r: r.url.endswith("/generate")) as made:
        tab.click("#generate")
    stored = made.value.json()
    tab.wait_for_selector("#progress", state="hidden")
    with tab.expect_response(lambda r: r.url.endswith("/uploads")):
        tab.locator(f"#gallery li[data-key='{stored['key']}'] .edit-this").click()
    assert tab.input_value("input[name=mode]:checked") == "edit"
    tab.wait_for_function("document.getElementById('edit-image').naturalWidth > 0")
    tab.select_option("#operation", "remove_background")
    assert tab.locator("[data-field=prompt]").is_hidden()
    bedrock.reset()
    body = _edit(tab)
    sent = _invocation(bedrock, "remove-background").body
    assert base64.b64decode(sent["image"]) == (site.data_dir / stored["key"]).read_bytes()
    assert body["content_type"] in ("image/png", "image/webp")


def test_edit_mode_in_vietnamese(vi_tab: Any) -> None:
    page = vi_tab
    _edit_mode(page, "inpaint")
    _add_image(page, image_bytes((WIDTH, HEIGHT), "PNG"))
    words = {
        ".mode:has(input[value=edit]) span": "Chỉnh sửa",
        "label[for=operation]": "Thao tác",
        "#generate": "Chỉnh sửa ảnh",
        ".mask-tools label:has(input[value=brush]) span": "Cọ",
        ".mask-tools label:has(input[value=eraser]) span": "Tẩy",
        ".brush-size span": "Cỡ cọ",
        "#mask-undo": "Hoàn tác",
        "#mask-clear": "Xóa mặt nạ",
        "label[for=edit-grow_mask]": "Nới rộng mặt nạ (px)",
    }
    for selector, expected in words.items():
        assert page.inner_text(selector).strip() == expected, selector
    assert page.inner_text("#operation option:checked") == "Vẽ lại vùng được tô"
    assert page.inner_text("#mask-hint").startswith("Tô lên chỗ cần thay đổi")
    page.select_option("#operation", "outpaint")
    assert page.inner_text("label[for=edit-left]") == "Trái (px)"
    assert page.get_attribute(".margin-handle[data-side=up]", "aria-label") == "Kéo để đặt lề trên"
    # Switching language keeps what was typed.
    page.fill("#edit-left", "64")
    page.click("[data-lang=en]")
    assert page.inner_text("label[for=edit-left]") == "Left (px)"
    assert page.input_value("#edit-left") == "64"
    screenshot(page, "edit-vi")


def test_queue_it_runs_the_edit_as_a_job(tab: Any, bedrock: BedrockDouble) -> None:
    _edit_mode(tab, "inpaint")
    _add_image(tab, image_bytes((WIDTH, HEIGHT), "PNG"))
    _mouse_stroke(tab, Stage(tab), (300, 100), (300, 300))
    tab.fill("#prompt", "a tall window")
    with tab.expect_request(lambda r: r.url.endswith("/jobs")) as queued:
        tab.click("#queue-it")
    tab.wait_for_selector("#results .before-after")
    job = queued.value.post_data_json
    assert job["operation"] == "inpaint" and "mask_s3" in job and "image_s3" in job
    mask = _decoded(_invocation(bedrock, "inpaint").body["mask"]).convert("L")
    assert mask.size == (WIDTH, HEIGHT)
    assert mask.getpixel((300, 200)) == 255 and mask.getpixel((100, 200)) == 0
