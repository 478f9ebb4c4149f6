"""What we know about each model: capabilities, output sizes, seed ranges and prices.

Validation, the engines and the cost estimate all read these declarations;
nothing else compares model ids. Prices are Bedrock on-demand list prices in
USD (us-west-2) and are estimates: the bill is the source of truth.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from genpic.vocabulary import AspectRatio

SD35_LARGE = "stability.sd3-5-large-v1:0"
STABLE_IMAGE_CORE = "stability.stable-image-core-v1:1"
STABLE_IMAGE_ULTRA = "stability.stable-image-ultra-v1:1"
NOVA_CANVAS = "amazon.nova-canvas-v1:0"
TITAN_IMAGE_V2 = "amazon.titan-image-generator-v2:0"
NOVA_PRO = "amazon.nova-pro-v1:0"

DEFAULT_IMAGE_MODEL = SD35_LARGE
DEFAULT_TEXT_MODEL = NOVA_PRO

# The ~1 megapixel sizes the Stability models return for text-to-image; every
# side is a multiple of 16, so Nova Canvas accepts them as they are.
STABILITY_SIZES: dict[AspectRatio, tuple[int, int]] = {
    "1:1": (1024, 1024),
    "16:9": (1344, 768),
    "21:9": (1536, 640),
    "2:3": (832, 1216),
    "3:2": (1216, 832),
    "4:5": (896, 1088),
    "5:4": (1088, 896),
    "9:16": (768, 1344),
    "9:21": (640, 1536),
}
# Titan Image Generator v2 accepts only a fixed list of sizes; each ratio maps to
# the listed size nearest to it.
TITAN_SIZES: dict[AspectRatio, tuple[int, int]] = {
    "1:1": (1024, 1024),
    "16:9": (1173, 640),
    "21:9": (1408, 640),
    "2:3": (768, 1152),
    "3:2": (1152, 768),
    "4:5": (896, 1152),
    "5:4": (1152, 896),
    "9:16": (768, 1408),
    "9:21": (640, 1408),
}
MAX_SEED = 4_294_967_294
MAX_PROMPT = 10_000
DEFAULT_STRENGTH = 0.7

# Which request and response shape a model speaks on InvokeModel.
Family = Literal["stability", "amazon-image"]


@dataclass(frozen=True)
class ImageModel:
    """An image model's capabilities and price.

    Attributes
    ----------
    model_id, label, short_name
        Bedrock id, human name, and the prefix of its output keys.
    family
        The InvokeModel body shape it speaks.
    usd_per_image
        On-demand list price of one image at the sizes in ``sizes``.
    image_to_image
        Whether an init image can be transformed.
    sizes
        Output size per aspect ratio.
    max_seed, max_prompt, max_negative_prompt
        Largest seed and prompt lengths (characters) the model accepts.
    opt_in
        Allowed only when ``GENPIC_ALLOWED_MODELS`` lists it.
    """

    model_id: str
    label: str
    short_name: str
    family: Family
    usd_per_image: float
    image_to_image: bool
    sizes: Mapping[AspectRatio, tuple[int, int]] = field(default_factory=lambda: STABILITY_SIZES)
    max_seed: int = MAX_SEED
    max_prompt: int = MAX_PROMPT
    max_negative_prompt: int = MAX_PROMPT
    opt_in: bool = False


@dataclass(frozen=True)
class TextModel:
    """A text model's token prices."""

    model_id: str
    usd_per_1k_input: float
    usd_per_1k_output: float


IMAGE_MODELS: dict[str, ImageModel] = {
    model.model_id: model
    for model in (
        ImageModel(SD35_LARGE, "Stable Diffusion 3.5 Large", "sd35", "stability", 0.08, True),
        ImageModel(STABLE_IMAGE_CORE, "Stable Image Core", "core", "stability", 0.04, False),
        ImageModel(STABLE_IMAGE_ULTRA, "Stable Image Ultra", "ultra", "stability", 0.14, True),
        ImageModel(
            NOVA_CANVAS,
            "Amazon Nova Canvas",
            "canvas",
            "amazon-image",
            0.04,
            True,
            max_seed=2_147_483_646,
            max_prompt=1024,
            max_negative_prompt=1024,
            opt_in=True,
        ),
        ImageModel(
            TITAN_IMAGE_V2,
            "Amazon Titan Image Generator v2",
            "titan",
            "amazon-image",
            0.01,
            True,
            sizes=TITAN_SIZES,
            max_seed=2_147_483_646,
            max_prompt=512,
            max_negative_prompt=512,
            opt_in=True,
        ),
    )
}
DEFAULT_ALLOWED_MODELS = tuple(m.model_id for m in IMAGE_MODELS.values() if not m.opt_in)

TEXT_MODELS: dict[str, TextModel] = {
    model.model_id: model
    for model in (
        TextModel(NOVA_PRO, 0.0008, 0.0032),
        TextModel("amazon.nova-lite-v1:0", 0.00006, 0.00024),
        TextModel("amazon.nova-micro-v1:0", 0.000035, 0.00014),
    )
}

# Cross-region inference profiles prefix the model id with a geography.
_PROFILE_PREFIXES = ("us.", "eu.", "apac.", "us-gov.", "global.")


def base_model_id(model_id: str) -> str:
    """Strip a cross-region inference profile prefix (``us.amazon.nova-pro-v1:0``)."""
    for prefix in _PROFILE_PREFIXES:
        if model_id.startswith(prefix):
            return model_id[len(prefix) :]
    return model_id


def image_model(model_id: str) -> ImageModel | None:
    """Return what the catalog knows of ``model_id`` (an inference profile too), or None."""
    return IMAGE_MODELS.get(base_model_id(model_id))


def short_name(model_id: str) -> str:
    """Return the output-key prefix for ``model_id`` (``sd35``, ``canvas``, …)."""
    model = image_model(model_id)
    if model is not None:
        return model.short_name
    # An uncatalogued id still gets a readable, key-safe prefix.
    name = base_model_id(model_id).split(".", 1)[-1].split(":", 1)[0]
    return "".join(c for c in name if c.isalnum())[:16] or "image"


def image_cost(model_id: str, images: int = 1) -> float:
    """Return the estimated cost of ``images`` images from ``model_id`` (0 if unpriced)."""
    model = image_model(model_id)
    return model.usd_per_image * images if model else 0.0


def text_cost(model_id: str, input_tokens: int, output_tokens: int) -> float:
    """Return the estimated cost of one Converse call (0 if unpriced)."""
    model = TEXT_MODELS.get(base_model_id(model_id))
    if model is None:
        return 0.0
    return (input_tokens * model.usd_per_1k_input + output_tokens * model.usd_per_1k_output) / 1000
