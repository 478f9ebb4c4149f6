"""The preview engine's caption band: a label and the prompt, legible in any language.

The caption font is DejaVu Sans, shipped in ``genpic/fonts`` under its licence: it covers
Latin (Vietnamese included), Greek, Cyrillic, Armenian, Georgian, Hebrew and many symbols.
A character it lacks would be drawn as its .notdef box, so a Chinese prompt would read
as a row of boxes; such characters are replaced by a readable stand-in instead: a
compatibility form the font has (full-width ``\\uff21`` → ``A``), a symbol's Unicode name
(``:cat face:``), or one ``[CJK text]``-style placeholder per run of another script.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT_PATH = Path(__file__).resolve().parent.parent / "fonts" / "DejaVuSans.ttf"

_RGB = tuple[int, int, int]
_LABEL_COLOUR: _RGB = (255, 196, 64)
_TEXT_COLOUR: _RGB = (236, 238, 244)
_INK: _RGB = (8, 9, 18)
# A code point no font maps (supplementary private use): FreeType draws it as .notdef.
_UNMAPPED = "\U0010fffd"
# Coverage does not depend on size, so glyphs are compared once, at one small size.
_PROBE_SIZE = 16
# Marks, joiners, variation selectors and skin-tone modifiers mean nothing on their own.
_SILENT_CATEGORIES = frozenset({"Mn", "Me", "Sk"})
# Joiners, direction marks and control characters: basic layout draws nothing useful for them.
_INVISIBLE = frozenset({"Cf", "Cc"})
# Two caption lines never hold 600 characters; measuring no more keeps long prompts cheap.
_MEASURED = 600


def draw_caption(image: Image.Image, prompt: str, seed: int) -> None:
    """Darken a band at the bottom of ``image`` and write the PREVIEW label and ``prompt``."""
    width, height = image.size
    size = max(8, round(min(width, height) / 36))
    font = caption_font(size)
    pad = size
    line = round(size * 1.35)
    room = max(0, min(2, int((height * 0.3 - 2 * pad - line) / line)))
    lines = [
        *_fit(f"PREVIEW · offline engine · seed {seed}", font, width - 2 * pad, 1),
        *_fit(legible(prompt), font, width - 2 * pad, room),
    ]
    top = height - 2 * pad - line * len(lines)
    box = (0, top, width, height)
    band = image.crop(box)
    image.paste(Image.blend(band, Image.new("RGB", band.size, _INK), 0.72), box)
    draw = ImageDraw.Draw(image)
    for index, text in enumerate(lines):
        colour = _LABEL_COLOUR if index == 0 else _TEXT_COLOUR
        draw.text((pad, top + pad + line * index), text, font=font, fill=colour)


def legible(text: str) -> str:
    """Return ``text`` on one line, each character the caption font lacks replaced by a stand-in.

    Parameters
    ----------
    text : str
        Any text, such as a prompt in any language.

    Returns
    -------
    str
        ``text`` in NFC form with runs of whitespace collapsed, where every character
        is one the font draws: ``"một con mèo 猫"`` becomes ``"một con mèo [CJK text]"``.
    """
    parts: list[str] = []
    run: str | None = None  # the script of the placeholder just written, if any
    for char in unicodedata.normalize("NFC", text[:_MEASURED]):
        if char.isspace():
            char = " "
        elif unicodedata.category(char) in _INVISIBLE:
            continue
        if has_glyph(char):
            parts.append(char)
            run = None
            continue
        stand_in, script = _stand_in(char)
        if not stand_in.strip():
            parts.append(" ")  # a silent mark does not end a run of placeholders
        elif script is None or script != run:
            parts.append(stand_in)
            run = script
    return " ".join("".join(parts).split())


@lru_cache(maxsize=4096)
def has_glyph(char: str) -> bool:
    """Tell whether the caption font draws ``char`` as something other than its .notdef box."""
    probe = caption_font(_PROBE_SIZE)
    return _bitmap(probe, char) != _bitmap(probe, _UNMAPPED)


@lru_cache(maxsize=8)
def caption_font(size: int) -> ImageFont.FreeTypeFont:
    """Return the caption font at ``size`` px."""
    # Basic layout, never Raqm even when installed: the same bytes on every machine.
    return ImageFont.truetype(str(FONT_PATH), size, layout_engine=ImageFont.Layout.BASIC)


def _bitmap(font: ImageFont.FreeTypeFont, char: str) -> tuple[tuple[int, int], bytes]:
    mask = font.getmask(char)
    return mask.size, bytes(mask)


def _stand_in(char: str) -> tuple[str, str | None]:
    """Return the text to draw instead of ``char``, and its script when it is a letter."""
    compatible = unicodedata.normalize("NFKC", char)
    if compatible != char and all(has_glyph(c) for c in compatible):
        return compatible, None
    category = unicodedata.category(char)
    if category in _SILENT_CATEGORIES or category.startswith(("P", "Z")):
        return " ", None
    name = unicodedata.name(char, "")
    if not name:
        return f" [U+{ord(char):04X}] ", None
    if category.startswith("S"):
        return f" :{name.lower()}: ", None
    # Unicode names open with the script: "CJK UNIFIED IDEOGRAPH-732B", "THAI CHARACTER KO KAI".
    script = name.split()[0]
    label = script if len(script) <= 3 else script.title()
    return f" [{label} text] ", script


def _fit(text: str, font: ImageFont.FreeTypeFont, width: float, max_lines: int) -> list[str]:
    """Word-wrap ``text`` into at most ``max_lines`` lines of ``width`` px, ending in … if cut."""
    lines: list[str] = []
    rest = text[:_MEASURED]
    while rest and len(lines) < max_lines:
        last = len(lines) == max_lines - 1
        count = _prefix_fitting(rest, font, width)
        if count < len(rest) and last:
            count = _prefix_fitting(rest, font, width - font.getlength("…"))
            lines.append(rest[:count].rstrip() + "…")
            break
        if count < len(rest) and " " in rest[1:count]:
            count = rest.rindex(" ", 1, count + 1)
        lines.append(rest[:count].rstrip())
        rest = rest[count:].lstrip()
    return lines


def _prefix_fitting(text: str, font: ImageFont.FreeTypeFont, width: float) -> int:
    """Return the longest prefix length of ``text`` (at least 1) that fits in ``width`` px."""
    low, high = 1, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if font.getlength(text[:middle]) <= width:
            low = middle
        else:
            high = middle - 1
    return low
