"""The preview caption draws every language legibly: real glyphs, never .notdef boxes."""

from __future__ import annotations

import io
from typing import Any

import pytest
from PIL import Image, ImageDraw, ImageFont

from genpic.engines import caption
from genpic.engines.base import ImageJob
from genpic.engines.preview import PreviewEngine

MODEL = "stability.sd3-5-large-v1:0"
# A code point in Supplementary Private Use Area-B: no font maps it, so it draws .notdef.
UNMAPPED = "\U0010fffe"

PROMPTS = {
    "vietnamese": "một con mèo đen ngủ trên mái nhà lúc hoàng hôn",
    "french": "un café crème et un chat noir",
    "greek": "μια γάτα σε μια στέγη το σούρουπο",
    "russian": "чёрная кошка на крыше на закате",
    "chinese": "一只黑猫在屋顶上",
    "japanese": "屋根の上の黒い猫",
    "emoji": "a cat 🐈‍⬛ on a roof 🏠✨",
    "mixed": "mèo 猫 кошка γάτα \uff23\uff21\uff34",  # full-width CAT
}


def _drawn_texts(monkeypatch: pytest.MonkeyPatch, prompt: str) -> list[tuple[str, Any]]:
    """Render ``prompt`` and return every (text, font) the caption handed to ImageDraw."""
    calls: list[tuple[str, Any]] = []
    original = ImageDraw.ImageDraw.text

    def spy(self: ImageDraw.ImageDraw, xy: Any, text: Any, *args: Any, **kwargs: Any) -> None:
        calls.append((text, kwargs["font"]))
        original(self, xy, text, *args, **kwargs)

    monkeypatch.setattr(ImageDraw.ImageDraw, "text", spy)
    PreviewEngine().render(ImageJob(prompt, MODEL, 7, "png", "16:9"))
    assert calls, "the caption drew no text"
    return calls


def _glyph(font: ImageFont.FreeTypeFont, char: str) -> tuple[tuple[int, int], bytes]:
    mask = font.getmask(char)
    return mask.size, bytes(mask)


@pytest.mark.parametrize("language", PROMPTS)
def test_no_drawn_character_is_the_notdef_box(
    monkeypatch: pytest.MonkeyPatch, language: str
) -> None:
    for text, font in _drawn_texts(monkeypatch, PROMPTS[language]):
        assert isinstance(font, ImageFont.FreeTypeFont)
        notdef = _glyph(font, UNMAPPED)
        boxes = [char for char in text if _glyph(font, char) == notdef]
        assert boxes == [], f"{text!r} draws {boxes!r} as .notdef"


@pytest.mark.parametrize("language", ["vietnamese", "french", "greek", "russian"])
def test_latin_greek_and_cyrillic_prompts_are_drawn_as_written(
    monkeypatch: pytest.MonkeyPatch, language: str
) -> None:
    prompt_line = _drawn_texts(monkeypatch, PROMPTS[language])[1][0]

    assert prompt_line == PROMPTS[language]


def test_scripts_the_font_lacks_become_readable_placeholders() -> None:
    assert caption.legible(PROMPTS["chinese"]) == "[CJK text]"
    assert caption.legible("ねこ と 고양이") == "[Hiragana text] [Hiragana text] [Hangul text]"
    assert caption.legible(PROMPTS["mixed"]) == "mèo [CJK text] кошка γάτα CAT"
    # Joiners and variation selectors vanish; a symbol the font lacks is named.
    assert "\u200d" not in caption.legible(PROMPTS["emoji"])
    assert caption.legible("🫠 melt") == ":melting face: melt"


def test_vietnamese_in_decomposed_form_is_drawn_precomposed() -> None:
    decomposed = "mo\u0302\u0323t con me\u0300o"

    assert caption.legible(decomposed) == "một con mèo"


def test_multilingual_captions_keep_the_engine_deterministic() -> None:
    engine = PreviewEngine()
    job = ImageJob(PROMPTS["mixed"], MODEL, 11, "png", "1:1")

    assert engine.render(job).data == engine.render(job).data


def test_the_caption_differs_by_prompt_where_it_used_to_draw_boxes() -> None:
    # Pillow's built-in font drew "ộ" and "ơ" alike, as boxes; now they are distinct glyphs.
    images = [
        Image.open(io.BytesIO(PreviewEngine().render(ImageJob(p, MODEL, 3, "png", "1:1")).data))
        for p in ("một", "mơt")
    ]
    band = (0, 900, 1024, 1024)

    assert images[0].crop(band).tobytes() != images[1].crop(band).tobytes()
