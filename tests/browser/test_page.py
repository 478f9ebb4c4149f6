"""The web page in a real browser against a live ``genpic serve``: every flow a person uses.

Each test checks what the page showed and what reached the server (the request body
on the wire, the files in the data directory), not only one of them.
"""

from __future__ import annotations

import base64
import io
import json
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

from PIL import Image

from genpic.vocabulary import ASPECT_RATIOS, ENHANCEMENT_STYLES, OUTPUT_FORMATS
from tests.browser.conftest import Server, screenshot

VIETNAMESE = "Một con mèo ngủ trên mái nhà cổ ở Hội An, đèn lồng đỏ, hoàng hôn"


def _body(request: Any) -> dict[str, Any]:
    return json.loads(request.post_data)


def _generate(page: Any, route: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Press the main button and return (request body sent, response body received)."""
    with page.expect_response(lambda r: r.url.endswith("/" + route)) as answer:
        page.click("#generate")
    response = answer.value
    page.wait_for_selector("#progress", state="hidden")
    return _body(response.request), response.json()


def _pick_mode(page: Any, mode: str) -> None:
    page.click(f".mode:has(input[value={mode}])")


def _loaded_images(page: Any) -> list[int]:
    """The natural widths of the result images, once every one has loaded."""
    page.wait_for_function(
        "[...document.querySelectorAll('#results .card img')].every(i => i.complete && i.naturalWidth)"
    )
    return page.eval_on_selector_all("#results .card img", "imgs => imgs.map(i => i.naturalWidth)")


def test_choices_come_from_the_server(page: Any, server: Server) -> None:
    ratios = page.eval_on_selector_all("#ratios input", "els => els.map(e => e.value)")
    formats = page.eval_on_selector_all("#formats input", "els => els.map(e => e.value)")
    styles = page.eval_on_selector_all("#enhancement_style option", "els => els.map(e => e.value)")
    models = page.eval_on_selector_all("#model option", "els => els.map(e => e.value)")
    assert ratios == list(ASPECT_RATIOS)
    assert formats == list(OUTPUT_FORMATS)
    assert styles == list(ENHANCEMENT_STYLES)
    listed = page.request.get(server.url + "v1/models").json()
    # The edit services (entries with `edit`) are Edit mode's operations, not models to pick.
    assert models == [m["id"] for m in listed["data"] if "edit" not in m] and models
    # The contract's defaults are what the page starts with.
    assert page.input_value("#ratios input:checked") == "16:9"
    assert page.input_value("#formats input:checked") == "jpeg"


def test_generate_shows_image_facts_and_both_prompts(page: Any, server: Server) -> None:
    before = server.outputs()
    page.fill("#prompt", VIETNAMESE)
    page.select_option("#enhancement_style", "cinematic")
    page.click(".ratio:has(input[value='1:1'])")
    page.click(".segmented label:has(input[value=png])")
    sent, body = _generate(page, "generate")

    assert sent["prompt"] == VIETNAMESE
    assert sent["enhance_prompt"] is True and sent["enhancement_style"] == "cinematic"
    assert sent["aspect_ratio"] == "1:1" and sent["output_format"] == "png"
    assert "seed" not in sent  # empty seed field: the server picks one
    assert _loaded_images(page) == [body["width"]]
    card = page.locator("#results .card")
    facts = card.locator(".facts").inner_text()
    assert (
        f"{body['width']} \N{MULTIPLICATION SIGN} {body['height']}" in facts
        and str(body["seed"]) in facts
    )
    assert "$0.000" in facts
    details = card.locator(".details").inner_text()
    assert f"generate {_as_page_writes(body['timings_ms']['generate'])}" in details
    prompts = card.locator(".prompt-box")
    assert prompts.nth(0).locator("p").inner_text() == VIETNAMESE
    assert prompts.nth(1).locator("p").inner_text() == body["enhanced_prompt"]
    assert "cinematic" in prompts.nth(1).locator("h4").inner_text().lower()
    # The template enhancer cannot put Vietnamese into English: the page says so, with the
    # server's reason as sent.
    translation = body["translation"]
    assert translation["status"] == "unavailable" and translation["source_language"] == "vi"
    assert card.locator(".badge.fallback", has_text="not translated (vi)").is_visible()
    untranslated = card.locator(".prompt-box.untranslated")
    assert untranslated.locator("h4").text_content() == "Not put into English"
    assert untranslated.locator("p").inner_text() == translation["reason"]
    new = [p for p in server.outputs() if p not in before]
    assert [p.name for p in new] == [body["filename"]] and new[0].suffix == ".png"
    screenshot(page, "generate-result")


def test_enhance_preview_shows_the_prompt_without_making_an_image(
    page: Any, server: Server
) -> None:
    before = server.outputs()
    page.fill("#prompt", "a lighthouse at dusk")
    page.select_option("#enhancement_style", "anime")
    with page.expect_response(lambda r: r.url.endswith("/enhance")) as answer:
        page.click("#preview-enhance")
    assert _body(answer.value.request) == {
        "prompt": "a lighthouse at dusk",
        "enhancement_style": "anime",
    }
    enhanced = answer.value.json()["enhanced_prompt"]
    preview = page.locator("#enhanced-preview")
    preview.locator(".meta").wait_for()
    assert enhanced in preview.inner_text() and "anime" in preview.locator(".meta").inner_text()
    assert server.outputs() == before


def test_compare_shows_plain_and_enhanced_side_by_side(page: Any) -> None:
    page.fill("#prompt", "a red bicycle in the rain")
    _pick_mode(page, "compare")
    assert page.locator("#enhance").is_hidden()
    sent, body = _generate(page, "compare")
    assert sent["prompt"] == "a red bicycle in the rain" and "enhance_prompt" not in sent
    assert len(_loaded_images(page)) == 2
    cards = page.locator("#results .card")
    assert cards.nth(0).locator(".card-title").inner_text().lower() == "plain prompt"
    assert cards.nth(1).locator(".card-title").inner_text().lower().startswith("enhanced")
    assert body["original"]["seed"] == body["enhanced"]["seed"]
    for nth, side in enumerate(("original", "enhanced")):
        assert str(body[side]["seed"]) in cards.nth(nth).locator(".facts").inner_text()
    assert (
        cards.nth(1).locator(".prompt-box.enhanced p").inner_text()
        == body["enhanced"]["enhanced_prompt"]
    )
    # Side by side: both cards on one row of the results grid.
    boxes = [cards.nth(i).bounding_box() for i in range(2)]
    assert boxes[0]["y"] == boxes[1]["y"] and boxes[0]["x"] < boxes[1]["x"]


def test_styles_mode_makes_one_image_per_chosen_style(page: Any) -> None:
    page.fill("#prompt", VIETNAMESE)
    _pick_mode(page, "styles")
    chosen = ["photorealistic", "anime", "minimal"]
    for box in page.locator("#style-chips input").all():
        if box.is_checked() != (box.input_value() in chosen):
            page.click(f".chip:has(input[value={box.input_value()}])")
    sent, body = _generate(page, "generate-enhanced")
    assert sent["styles"] == chosen and "enhancement_style" not in sent
    assert [v["enhancement"]["style"] for v in body["variants"]] == chosen
    assert len(_loaded_images(page)) == 3
    titles = page.locator("#results .card-title").all_inner_texts()
    assert [t.lower() for t in titles] == chosen
    # The shared original prompt is shown once, above the cards.
    assert page.locator("#results .prompts.shared p").inner_text() == VIETNAMESE
    for nth, variant in enumerate(body["variants"]):
        card = page.locator("#results .card").nth(nth)
        assert card.locator(".prompt-box.enhanced p").inner_text() == variant["enhanced_prompt"]


def _png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 90, 40)).save(buffer, "PNG")
    return buffer.getvalue()


def test_dropped_image_is_uploaded_and_used_for_image_to_image(page: Any, server: Server) -> None:
    data = _png(512, 384)
    page.fill("#prompt", "the same scene in winter")
    with page.expect_response(lambda r: r.url.endswith("/uploads")) as uploaded:
        # A real drop event carrying the file, as a person dragging it onto the zone makes.
        page.evaluate(
            """async (b64) => {
                const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
                const data = new DataTransfer();
                data.items.add(new File([bytes], "sketch.png", { type: "image/png" }));
                document.getElementById("dropzone").dispatchEvent(
                    new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }));
            }""",
            base64.b64encode(data).decode(),
        )
    uri = uploaded.value.json()["init_image_s3"]
    page.wait_for_selector("#input-status:text('ready')")
    assert [p.read_bytes() for p in server.uploads() if p.name in uri] == [data]
    assert page.locator("#strength-field").is_visible()
    assert page.locator("#ratios input:disabled").count() == len(ASPECT_RATIOS)
    page.eval_on_selector(
        "#strength",
        "e => { e.value = '0.35'; e.dispatchEvent(new Event('input', {bubbles: true})); }",
    )
    assert page.inner_text("#strength-value") == "0.35"
    sent, body = _generate(page, "generate")
    assert sent["init_image_s3"] == uri and sent["strength"] == 0.35
    assert "aspect_ratio" not in sent
    assert body["parameters"]["mode"] == "image-to-image"
    _loaded_images(page)
    assert "image-to-image" in page.locator("#results .badges").inner_text()


def test_server_error_appears_next_to_its_field(page: Any, server: Server) -> None:
    before = server.outputs()
    page.fill("#prompt", "a cat")
    page.fill("#seed", "99999999999")
    with page.expect_response(lambda r: r.url.endswith("/generate")) as answer:
        page.click("#generate")
    error = answer.value.json()
    assert answer.value.status == 400 and error["field"] == "seed"
    message = page.locator("[data-field=seed] .field-error")
    message.wait_for()
    assert message.inner_text() and "4294967294" in message.inner_text().replace(",", "")
    assert page.get_attribute("#seed", "aria-invalid") == "true"
    assert page.locator("#form-error").is_hidden()
    screenshot(page, "error-next-to-field")
    page.type("#seed", "1")  # editing the field clears its message
    assert page.locator("[data-field=seed] .field-error").is_hidden()
    assert page.get_attribute("#seed", "aria-invalid") is None
    # An empty prompt is the prompt's error; the seed's clears once the seed is fixed.
    page.fill("#seed", "")
    page.fill("#prompt", "   ")
    page.click("#generate")
    page.locator("[data-field=prompt] .field-error").wait_for()
    assert page.locator("[data-field=seed] .field-error").is_hidden()
    assert server.outputs() == before


def test_gallery_keeps_recent_images_and_downloads_them(page: Any, server: Server) -> None:
    page.fill("#prompt", "a paper boat on a pond")
    _, body = _generate(page, "generate")
    tile = page.locator("#gallery li").first
    assert tile.get_attribute("data-image-id") == body["image_id"]
    assert "a paper boat on a pond" in tile.inner_text()
    with page.expect_download() as download:
        tile.locator("a.button").click()
    stored = server.data_dir / body["key"]
    assert download.value.suggested_filename == body["filename"]
    assert Path(download.value.path()).read_bytes() == stored.read_bytes()
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    # Newest first, now from the server's list (the localStorage fallback: test_page_records).
    assert page.locator("#gallery li").first.get_attribute("data-image-id") == body["image_id"]


def phone_with_an_image(browser: Any, server: Server, **options: Any) -> tuple[Any, Any]:
    """A phone-sized (390 px) context with ``options``, on the page with one image made.

    Returns (context, tab); the caller closes the context.
    """
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, **options
    )
    tab = context.new_page()
    tab.goto(server.url)
    tab.wait_for_selector("body[data-ready=true]")
    tab.fill("#prompt", VIETNAMESE)
    _generate(tab, "generate")
    _loaded_images(tab)
    return context, tab


def test_page_fits_a_phone_in_dark_mode(browser: Any, server: Server) -> None:
    context, tab = phone_with_an_image(browser, server, color_scheme="dark")
    width = tab.evaluate("document.documentElement.scrollWidth")
    background = tab.evaluate("getComputedStyle(document.body).backgroundColor")
    screenshot(tab, "phone-dark")
    context.close()
    assert width <= 390
    assert background != "rgb(255, 255, 255)"


def test_several_images_have_distinct_seeds_and_one_shared_prompt(page: Any) -> None:
    page.fill("#prompt", "a kite over the dunes")
    page.uncheck("#enhance", force=True)
    page.select_option("#n", "2")
    sent, body = _generate(page, "generate")
    assert sent["n"] == 2 and sent["enhance_prompt"] is False
    assert len(_loaded_images(page)) == 2
    seeds = [v["seed"] for v in body["variants"]]
    assert len(set(seeds)) == 2
    facts = page.locator("#results .facts").all_inner_texts()
    assert all(str(seed) in text for seed, text in zip(seeds, facts, strict=True))
    assert page.locator("#results .prompts.shared p").inner_text() == "a kite over the dunes"
    assert page.locator("#results .card .prompt-box").count() == 0
    newest = page.locator("#gallery li").evaluate_all(
        "lis => lis.slice(0, 2).map(li => li.dataset.imageId)"
    )
    assert newest == [v["image_id"] for v in body["variants"]]


def test_queue_it_runs_the_request_as_a_job_and_shows_its_image(page: Any, server: Server) -> None:
    before = server.outputs()
    page.fill("#prompt", "a paper boat, [b]literal[/b]")
    with page.expect_response(lambda r: r.url.endswith("/jobs")) as submitted:
        page.click("#queue-it")
    sent = _body(submitted.value.request)
    assert submitted.value.status == 202
    job_id = submitted.value.json()["job_id"]
    with page.expect_response(
        lambda r: f"/jobs/{job_id}" in r.url and r.json()["status"] == "succeeded"
    ) as done:
        pass
    page.wait_for_selector("#progress", state="hidden")

    assert sent["prompt"] == "a paper boat, [b]literal[/b]"
    result = done.value.json()["result"]
    assert _loaded_images(page) == [result["width"]]
    assert len(server.outputs()) == len(before) + 1
    _pick_mode(page, "compare")
    assert page.is_hidden("#queue-it")


def _as_page_writes(ms: float) -> str:
    """A stage's time as render.js writes it: milliseconds below a second, else seconds."""
    if ms < 1000:
        return f"{round(ms)} ms"
    # toFixed rounds the double's exact value, a tie upwards; Python's format would round
    # a tie (1250 ms) to even.
    return f"{Decimal(ms / 1000).quantize(Decimal('0.1'), ROUND_HALF_UP)} s"
