"""What we know about each model: capabilities, output sizes, seed ranges, prices, lifecycle.

Validation, the engines and the cost estimate all read these declarations;
nothing else compares model ids. Prices are Bedrock on-demand list prices in
USD (us-west-2) and are estimates: the bill is the source of truth. Lifecycles
follow Bedrock's model lifecycle pages, cited per model.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
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

# The ~1 megapixel sizes the Stability models return for text-to-image.
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
# Nova Canvas takes any size whose sides are 320-4096 px and multiples of 16, under
# 4,194,304 px, at most 4:1. Bedrock bills "up to 1024x1024" and "up to 2048x2048"
# tiers, so every size here keeps its long side at 1024 px: the cheaper tier however
# the tier is measured (pixel count or side).
NOVA_CANVAS_SIZES: dict[AspectRatio, tuple[int, int]] = {
    "1:1": (1024, 1024),
    "16:9": (1024, 576),
    "21:9": (1024, 432),
    "2:3": (688, 1024),
    "3:2": (1024, 688),
    "4:5": (816, 1024),
    "5:4": (1024, 816),
    "9:16": (576, 1024),
    "9:21": (432, 1024),
}
# Titan Image Generator v2 accepts only a fixed list of sizes (Bedrock user guide,
# Titan Image Generator G1 parameters); each ratio maps to the nearest size billed as
# 1024x1024, and 16:9 to 1173x640, the list's own 16:9 entry.
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
NOVA_CANVAS_MAX_SEED = 858_993_459
TITAN_MAX_SEED = 2_147_483_646

# Which request and response shape a model speaks on InvokeModel.
Family = Literal["stability", "amazon-image"]

LifecycleStatus = Literal["active", "legacy", "retired"]
#: Bedrock's lifecycle tables: models launched before 2026-09-07 (all genpic uses) are in the
#: "Model lifecycle (Legacy)" page; later ones carry their dates on their model cards.
LIFECYCLE_PAGE = "https://docs.aws.amazon.com/bedrock/latest/userguide/model-lifecycle-legacy.html"


@dataclass(frozen=True)
class Lifecycle:
    """Where a model stands in Bedrock's model lifecycle.

    Attributes
    ----------
    status
        ``active``; ``legacy`` (still served until ``end_of_life``, with a warning);
        ``retired`` (past its end of life: refused before any call).
    end_of_life
        The end-of-life date: required for ``legacy`` and ``retired``.
    replacement
        The catalog model to use instead: required for ``retired``.
    source
        The page the status and date come from.
    """

    status: LifecycleStatus = "active"
    end_of_life: date | None = None
    replacement: str | None = None
    source: str = LIFECYCLE_PAGE

    def __post_init__(self) -> None:
        if self.status != "active" and self.end_of_life is None:
            raise ValueError(f"a {self.status} model needs its end-of-life date")
        if self.status == "retired" and self.replacement is None:
            raise ValueError("a retired model needs its replacement")

    def on(self, day: date) -> LifecycleStatus:
        """Return the status on ``day``: a legacy model is retired from its end-of-life date."""
        if self.status == "legacy" and self.end_of_life is not None and day >= self.end_of_life:
            return "retired"
        return self.status


ACTIVE = Lifecycle()


@dataclass(frozen=True)
class InputLimits:
    """What a model accepts as an init image, on top of genpic's own checks (``genpic.images``).

    Attributes
    ----------
    min_side, max_side
        Shortest and longest allowed side in pixels.
    max_pixels
        Largest width x height.
    max_ratio
        Largest long side / short side.
    max_bytes
        Largest encoded size.

    The defaults add no limit.
    """

    min_side: int = 0
    max_side: float = math.inf
    max_pixels: float = math.inf
    max_ratio: float = math.inf
    max_bytes: float = math.inf


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
    cfg_scale
        Prompt adherence sent with every request (the model's default), if it takes one.
    init_image
        The model's own limits on an init image (none beyond genpic's when omitted).
    lifecycle
        Its Bedrock lifecycle (``active`` unless declared).
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
    cfg_scale: float | None = None
    init_image: InputLimits = field(default_factory=InputLimits)
    lifecycle: Lifecycle = ACTIVE

    @property
    def operations(self) -> tuple[str, ...]:
        """What the model does: ``generate`` (and ``image_to_image``)."""
        return ("generate", "image_to_image") if self.image_to_image else ("generate",)

    def nearest_size(self, width: int, height: int) -> tuple[int, int]:
        """Return the output size whose aspect ratio is closest to ``width`` x ``height``."""
        ratio = width / height
        return min(self.sizes.values(), key=lambda size: abs(size[0] / size[1] - ratio))


@dataclass(frozen=True)
class TextModel:
    """A text model's token prices and lifecycle."""

    model_id: str
    label: str
    usd_per_1k_input: float
    usd_per_1k_output: float
    lifecycle: Lifecycle = ACTIVE


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
            sizes=NOVA_CANVAS_SIZES,
            max_seed=NOVA_CANVAS_MAX_SEED,
            max_prompt=1024,
            max_negative_prompt=1024,
            opt_in=True,
            cfg_scale=6.5,
            # Input images follow the output rules, less the multiple-of-16 one.
            init_image=InputLimits(
                min_side=320, max_side=4096, max_pixels=4_194_303, max_ratio=4.0
            ),
            # Legacy from 2026-03-30, end of life 2026-09-30 (LIFECYCLE_PAGE).
            lifecycle=Lifecycle("retired", date(2026, 9, 30), SD35_LARGE),
        ),
        ImageModel(
            TITAN_IMAGE_V2,
            "Amazon Titan Image Generator v2",
            "titan",
            "amazon-image",
            0.01,
            True,
            sizes=TITAN_SIZES,
            max_seed=TITAN_MAX_SEED,
            max_prompt=512,
            max_negative_prompt=512,
            opt_in=True,
            cfg_scale=8.0,
            # "Max input image size 5 MB"; image variation takes up to 4096x4096.
            init_image=InputLimits(max_side=4096, max_bytes=5 * 1024 * 1024),
            # Its Bedrock model card gives the end of life (issue 15 reported 2026-09-30).
            lifecycle=Lifecycle(
                "retired",
                date(2026, 6, 30),
                SD35_LARGE,
                "https://docs.aws.amazon.com/bedrock/latest/userguide/"
                "model-card-amazon-titan-image-generator-g1-v2.html",
            ),
        ),
    )
}
DEFAULT_ALLOWED_MODELS = tuple(
    m.model_id for m in IMAGE_MODELS.values() if not m.opt_in and m.lifecycle.status == "active"
)

TEXT_MODELS: dict[str, TextModel] = {
    model.model_id: model
    for model in (
        TextModel(NOVA_PRO, "Amazon Nova Pro", 0.0008, 0.0032),
        TextModel("amazon.nova-lite-v1:0", "Amazon Nova Lite", 0.00006, 0.00024),
        TextModel("amazon.nova-micro-v1:0", "Amazon Nova Micro", 0.000035, 0.00014),
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


def describe_image_model(model_id: str) -> ImageModel:
    """Return the catalog entry for ``model_id``, or a Stability-shaped stand-in if uncatalogued."""
    model = image_model(model_id)
    if model is not None:
        return model
    return ImageModel(model_id, model_id, short_name(model_id), "stability", 0.0, True)


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


def today() -> date:
    """Return today's date in UTC, the day lifecycles are judged on."""
    return datetime.now(UTC).date()


def _described(model_id: str) -> ImageModel | TextModel | None:
    base = base_model_id(model_id)
    return IMAGE_MODELS.get(base) or TEXT_MODELS.get(base)


def lifecycle_body(lifecycle: Lifecycle, day: date | None = None) -> dict[str, str]:
    """Return ``lifecycle`` as JSON: status on ``day`` (today), end of life, replacement, source."""
    body: dict[str, str] = {"status": lifecycle.on(day or today())}
    if lifecycle.end_of_life is not None:
        body["end_of_life"] = lifecycle.end_of_life.isoformat()
    if lifecycle.replacement is not None:
        body["replacement"] = lifecycle.replacement
    body["source"] = lifecycle.source
    return body


def lifecycle_status(model_id: str, day: date | None = None) -> LifecycleStatus:
    """Return the status of ``model_id`` on ``day`` (today); an uncatalogued id is ``active``."""
    model = _described(model_id)
    return model.lifecycle.on(day or today()) if model else "active"


def retirement(model_id: str, day: date | None = None) -> str | None:
    """Say that ``model_id`` is retired and what replaces it, or None while it may be used."""
    model = _described(model_id)
    if model is None or model.lifecycle.on(day or today()) != "retired":
        return None
    lifecycle = model.lifecycle
    ended = lifecycle.end_of_life
    text = f"{model.label} ({model_id}) reached its end of life on Bedrock on {ended}"
    replacement = lifecycle.replacement and _described(lifecycle.replacement)
    if not replacement:
        return text + "; choose another model"
    return f"{text}; use {replacement.label} ({replacement.model_id}) instead"


def lifecycle_warnings(model_id: str, day: date | None = None) -> list[str]:
    """Return what a success body should warn about ``model_id``: its coming end of life."""
    model = _described(model_id)
    if model is None or model.lifecycle.on(day or today()) != "legacy":
        return []
    lifecycle = model.lifecycle
    text = (
        f"{model.label} ({model_id}) is a legacy model on Bedrock and reaches its end of life "
        f"on {lifecycle.end_of_life}"
    )
    replacement = lifecycle.replacement and _described(lifecycle.replacement)
    if replacement:
        text += f"; move to {replacement.label} ({replacement.model_id}) before then"
    return [text + "."]
