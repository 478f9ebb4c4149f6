"""The page in Vietnamese: a vi-VN browser gets it, the switch changes and keeps the language.

The page's own words are translated; the server's messages are shown exactly as sent, and
numbers and dates are written the Vietnamese way (decimal comma, "US$" after the amount).
"""

from __future__ import annotations

import base64
import re
from typing import Any

from tests.browser.conftest import Server, screenshot
from tests.browser.test_page import (
    VIETNAMESE,
    _generate,
    _loaded_images,
    _png,
    phone_with_an_image,
)

# Markup and the words a Vietnamese reader sees there.
LABELS = {
    "label[for=prompt]": "Câu lệnh",
    "#generate": "Tạo ảnh",
    "#queue-it": "Đưa vào hàng đợi",
    ".switch[data-only=single] span:not(.track)": "Cải thiện câu lệnh",
    "#preview-enhance": "Xem trước câu lệnh đã cải thiện",
    "#aspect-label": "Tỉ lệ khung hình",
    "#format-label": "Định dạng",
    "label[for=model]": "Mô hình",
    "[data-i18n='gallery.title']": "Thư viện ảnh",
    "#gallery-where": "trên máy chủ này",
    "#gallery-empty": "Ảnh bạn tạo sẽ hiện ở đây.",
    ".empty h2": "Mô tả một bức ảnh rồi nhấn Tạo ảnh",
    ".mode:has(input[value=compare]) span": "So sánh",
}


def _drop(page: Any, name: str, data: bytes, kind: str) -> None:
    """Drop a file on the input image zone, as a person dragging it there does."""
    page.evaluate(
        """([b64, name, kind]) => {
            const bytes = Uint8Array.from(atob(b64), c => c.charCodeAt(0));
            const data = new DataTransfer();
            data.items.add(new File([bytes], name, { type: kind }));
            document.getElementById("dropzone").dispatchEvent(
                new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }));
        }""",
        [base64.b64encode(data).decode(), name, kind],
    )


def test_a_vietnamese_browser_gets_the_page_in_vietnamese(vi_page: Any) -> None:
    page = vi_page
    assert page.get_attribute("html", "lang") == "vi"
    assert page.title() == "genpic · tạo ảnh"
    for selector, words in LABELS.items():
        assert page.inner_text(selector).strip() == words, selector
    assert page.get_attribute("#prompt", "placeholder").startswith("Ngọn hải đăng")
    assert page.get_attribute("#seed", "placeholder") == "ngẫu nhiên"
    assert page.get_attribute("#random-seed", "aria-label") == "Seed ngẫu nhiên"
    assert page.get_attribute("#dropzone", "aria-label").startswith("Thêm ảnh đầu vào")
    assert page.get_attribute(".modes", "aria-label") == "Chế độ"
    assert page.inner_text("#mode-hint").startswith("Một câu lệnh, một ảnh")
    assert "bộ tạo ảnh: preview" in page.inner_text("#backend")
    assert page.get_attribute("[data-lang=vi]", "aria-pressed") == "true"
    # 0.7 with a decimal comma.
    assert page.inner_text("#strength-value") == "0,70"
    page.click(".mode:has(input[value=styles])")
    assert page.inner_text("#generate") == "Tạo theo phong cách"
    screenshot(page, "vi-desktop")


# Words the two languages share.
SAME_IN_BOTH = {"field.seed", "card.seed"}
WORDS_BY_KEY = """() => Object.fromEntries([...document.querySelectorAll("[data-i18n]")]
    .map((node) => [node.dataset.i18n, node.textContent]))"""


def test_the_switch_changes_the_language_and_a_reload_keeps_it(vi_page: Any) -> None:
    page = vi_page
    vietnamese = page.evaluate(WORDS_BY_KEY)
    page.click("[data-lang=en]")
    english = page.evaluate(WORDS_BY_KEY)
    # Every word of the markup changed: none is missing from the Vietnamese table.
    assert english.keys() == vietnamese.keys()
    assert [k for k in english if english[k] == vietnamese[k] and k not in SAME_IN_BOTH] == []
    assert page.get_attribute("html", "lang") == "en"
    assert page.inner_text("label[for=prompt]") == "Prompt"
    assert page.inner_text("#generate") == "Generate"
    assert page.inner_text("#gallery-where") == "on this server"
    assert "engine: preview" in page.inner_text("#backend")
    assert page.inner_text("#strength-value") == "0.70"
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    # Remembered over the browser's own vi-VN.
    assert page.get_attribute("html", "lang") == "en"
    assert page.inner_text(".empty h2") == "Describe an image and press Generate"
    assert page.get_attribute("[data-lang=en]", "aria-pressed") == "true"
    screenshot(page, "en-after-switch")
    page.click("[data-lang=vi]")
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    assert page.inner_text("label[for=prompt]") == "Câu lệnh"


def test_an_english_browser_can_switch_to_vietnamese(page: Any) -> None:
    assert page.get_attribute("html", "lang") == "en"
    page.click("[data-lang=vi]")
    assert page.get_attribute("html", "lang") == "vi"
    assert page.inner_text("#generate") == "Tạo ảnh"


def test_server_messages_are_shown_as_sent_in_the_vietnamese_page(vi_page: Any) -> None:
    page = vi_page
    page.fill("#prompt", "con mèo")
    page.fill("#seed", "99999999999")
    with page.expect_response(lambda r: r.url.endswith("/generate")) as answer:
        page.click("#generate")
    assert answer.value.status == 400
    [detail] = answer.value.json()["details"]
    message = detail["message"]
    shown = page.locator("[data-field=seed] .field-error")
    shown.wait_for()
    assert shown.inner_text() == message
    screenshot(page, "vi-server-error")


def test_results_and_gallery_use_vietnamese_numbers_and_dates(vi_page: Any) -> None:
    page = vi_page
    page.fill("#prompt", VIETNAMESE)
    page.click(".ratio:has(input[value='1:1'])")
    _, body = _generate(page, "generate")
    _loaded_images(page)
    card = page.locator("#results .card")
    terms = card.locator(".facts dt").all_text_contents()
    assert terms == ["Kích thước", "Seed", "Thời gian", "Chi phí"]
    facts = card.locator(".facts").inner_text()
    assert f"{body['width']} \N{MULTIPLICATION SIGN} {body['height']}" in facts
    # The preview engine costs nothing: "0,000 US$", the amount first, a decimal comma.
    assert "0,000\N{NO-BREAK SPACE}US$" in facts
    assert re.search(r"tạo \d+ ms", card.locator(".details").inner_text())
    assert card.locator(".card-title").text_content() == "ảnh của bạn"
    assert card.locator(".card-actions .download").inner_text() == "Tải xuống"
    assert body["translation"]["status"] == "unavailable"
    assert card.locator(".badge.fallback", has_text="chưa dịch (vi)").is_visible()
    untranslated = card.locator(".prompt-box.untranslated")
    assert untranslated.locator("h4").text_content() == "Chưa dịch sang tiếng Anh"
    assert untranslated.locator("p").inner_text() == body["translation"]["reason"]
    meta = page.locator("#gallery li .meta").first.inner_text()
    # dateStyle medium in Vietnamese: "2 thg 12, 2026".
    assert re.search(r"\d{1,2} thg \d{1,2}, \d{4}", meta), meta
    screenshot(page, "vi-result")


def test_a_bad_upload_shows_the_servers_message_not_a_broken_image(
    vi_page: Any, server: Server
) -> None:
    page = vi_page
    before = server.uploads()
    with page.expect_response(lambda r: r.url.endswith("/uploads")) as answer:
        _drop(page, "broken.png", b"this is not a picture", "image/png")
    assert answer.value.status == 400
    message = answer.value.json()["message"]
    shown = page.locator("[data-field=init_image] .field-error")
    shown.wait_for()
    assert shown.inner_text() == message
    assert page.locator("#input-thumb").is_hidden()
    assert page.inner_text("#input-status") == "tải lên thất bại"
    assert server.uploads() == before
    screenshot(page, "vi-bad-upload")
    # A good image afterwards shows its thumbnail again.
    _drop(page, "good.png", _png(320, 240), "image/png")
    page.wait_for_function(
        "document.getElementById('input-status').textContent.endsWith('sẵn sàng')"
    )
    assert page.locator("#input-thumb").is_visible()


def test_queue_it_has_padding_and_gallery_shows_whole_images(page: Any) -> None:
    padding = page.eval_on_selector("#queue-it", "b => parseFloat(getComputedStyle(b).paddingTop)")
    assert padding >= 8
    page.fill("#prompt", "a lantern festival, wide")
    _generate(page, "generate")
    fit = page.eval_on_selector("#gallery li img", "i => getComputedStyle(i).objectFit")
    assert fit == "contain"


def test_the_vietnamese_page_fits_a_phone(browser: Any, server: Server) -> None:
    context, tab = phone_with_an_image(browser, server, locale="vi-VN")
    width = tab.evaluate("document.documentElement.scrollWidth")
    screenshot(tab, "vi-phone")
    tab.evaluate("window.scrollTo(0, 0)")
    screenshot(tab, "vi-phone-top")
    context.close()
    assert width <= 390
