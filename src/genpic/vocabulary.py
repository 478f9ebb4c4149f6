"""The names the public contract accepts, each list spelled exactly once.

Everything else (request validation, CLI help and choices, the HTTP app's
OpenAPI schema, the backend registry) derives its lists from here.
"""

from __future__ import annotations

from typing import Literal, get_args

AspectRatio = Literal["1:1", "16:9", "21:9", "2:3", "3:2", "4:5", "5:4", "9:16", "9:21"]
OutputFormat = Literal["jpeg", "png", "webp"]
EnhancementStyle = Literal["default", "photorealistic", "artistic", "cinematic", "anime", "minimal"]
TranslateMode = Literal["auto", "on", "off"]
# The A/B experiment's arms (GENPIC_AB_ENHANCE_SHARE): enhanced prompt or the prompt as given.
AbArm = Literal["enhanced", "plain"]

ASPECT_RATIOS: tuple[AspectRatio, ...] = get_args(AspectRatio)
OUTPUT_FORMATS: tuple[OutputFormat, ...] = get_args(OutputFormat)
ENHANCEMENT_STYLES: tuple[EnhancementStyle, ...] = get_args(EnhancementStyle)
TRANSLATE_MODES: tuple[TranslateMode, ...] = get_args(TranslateMode)
AB_ARMS: tuple[AbArm, ...] = get_args(AbArm)

CONTENT_TYPES: dict[OutputFormat, str] = {
    "jpeg": "image/jpeg",
    "png": "image/png",
    "webp": "image/webp",
}
# Spellings people type for a format; the key is what they typed, lower-cased.
FORMAT_ALIASES: dict[str, OutputFormat] = {"jpg": "jpeg"}

# Backend names per setting, in the order the README lists them.
ENGINES = ("bedrock", "preview")
ENHANCERS = ("bedrock", "template", "off")
STORES = ("s3", "local")
RECORD_STORES = ("dynamodb", "sqlite")


def format_for_suffix(suffix: str) -> OutputFormat | None:
    """Return the output format a file suffix such as ``.JPG`` names, or None."""
    name = suffix.lower().removeprefix(".")
    if name in FORMAT_ALIASES:
        return FORMAT_ALIASES[name]
    return next((known for known in OUTPUT_FORMATS if known == name), None)
