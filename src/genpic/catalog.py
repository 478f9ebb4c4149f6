"""What we know about each model: capabilities, output sizes and on-demand prices.

Prices are Bedrock on-demand list prices in USD (us-west-2) and are estimates:
the bill is the source of truth.
"""

from __future__ import annotations

from dataclasses import dataclass

SD35_LARGE = "stability.sd3-5-large-v1:0"
STABLE_IMAGE_CORE = "stability.stable-image-core-v1:1"
STABLE_IMAGE_ULTRA = "stability.stable-image-ultra-v1:1"
NOVA_PRO = "amazon.nova-pro-v1:0"

DEFAULT_IMAGE_MODEL = SD35_LARGE
DEFAULT_TEXT_MODEL = NOVA_PRO

# Output size (width, height) per aspect ratio: the ~1 megapixel sizes the
# Stability models on Bedrock return for text-to-image.
OUTPUT_SIZES: dict[str, tuple[int, int]] = {
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
ASPECT_RATIOS = tuple(OUTPUT_SIZES)
MAX_SEED = 4_294_967_294
DEFAULT_STRENGTH = 0.7


@dataclass(frozen=True)
class ImageModel:
    """An image model's capabilities and price."""

    model_id: str
    label: str
    usd_per_image: float
    image_to_image: bool


@dataclass(frozen=True)
class TextModel:
    """A text model's token prices."""

    model_id: str
    usd_per_1k_input: float
    usd_per_1k_output: float


IMAGE_MODELS: dict[str, ImageModel] = {
    model.model_id: model
    for model in (
        ImageModel(SD35_LARGE, "Stable Diffusion 3.5 Large", 0.08, image_to_image=True),
        ImageModel(STABLE_IMAGE_CORE, "Stable Image Core", 0.04, image_to_image=False),
        ImageModel(STABLE_IMAGE_ULTRA, "Stable Image Ultra", 0.14, image_to_image=True),
    )
}

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


def image_cost(model_id: str, images: int = 1) -> float:
    """Return the estimated cost of ``images`` images from ``model_id`` (0 if unpriced)."""
    model = IMAGE_MODELS.get(base_model_id(model_id))
    return model.usd_per_image * images if model else 0.0


def text_cost(model_id: str, input_tokens: int, output_tokens: int) -> float:
    """Return the estimated cost of one Converse call (0 if unpriced)."""
    model = TEXT_MODELS.get(base_model_id(model_id))
    if model is None:
        return 0.0
    return (input_tokens * model.usd_per_1k_input + output_tokens * model.usd_per_1k_output) / 1000
