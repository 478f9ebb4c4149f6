"""What we know about each model: capabilities, output sizes, seed ranges, prices, lifecycle.

Validation, the engines and the cost estimate all read these declarations;
nothing else compares model ids. Prices are Bedrock on-demand list prices in
USD (us-west-2) and are estimates: the bill is the source of truth. Lifecycles
follow Bedrock's model lifecycle pages, cited per model.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Literal

from genpic.vocabulary import AspectRatio, OutputFormat

# Model ids: Bedrock's "Supported foundation models" table
# (https://docs.aws.amazon.com/bedrock/latest/userguide/models-supported.html).
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
MAX_SEED = 4_294_967_294
MAX_PROMPT = 10_000
DEFAULT_STRENGTH = 0.7

# Which request and response shape a model speaks on InvokeModel.
Family = Literal["stability", "stability-edit"]

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
    min_pixels, max_pixels
        Smallest and largest width x height.
    max_ratio
        Largest long side / short side.
    max_bytes
        Largest encoded size.

    The defaults add no limit.
    """

    min_side: int = 0
    max_side: float = math.inf
    min_pixels: int = 0
    max_pixels: float = math.inf
    max_ratio: float = math.inf
    max_bytes: float = math.inf


# Stability AI Image Services on Bedrock: the user guide's "Stability AI Image Services"
# page (https://docs.aws.amazon.com/bedrock/latest/userguide/stable-image-services.html,
# its text re-read 2026-12-02) gives every field, range and default below; most services
# take images with sides of at least 64 px, at most 9,437,184 pixels, between 1:2.5 and
# 2.5:1 (4,096 pixels follows from the 64 px sides).
EDIT_LIMITS = InputLimits(min_side=64, min_pixels=4096, max_pixels=9_437_184, max_ratio=2.5)
#: InvokeModel's largest request body, in bytes: an edit's images travel in it as base64
#: (https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_InvokeModel.html,
#: "body ... Maximum length of 25000000"; botocore's service model says the same).
INVOKE_MODEL_MAX_BODY = 25_000_000

# How big the image a service returns is, from the input image and the request.
OutputRule = Literal["same", "margins", "times4", "long_side_4096", "aspect_ratio"]
# Whether a service takes a prompt, and whether it must have one.
PromptRule = Literal["required", "optional", "none"]


@dataclass(frozen=True)
class Number:
    """A numeric edit field: its range, the service's default, and whether it is whole."""

    low: float
    high: float
    default: float
    whole: bool = False


_UNIT = Number(0.0, 1.0, 0.5)


@dataclass(frozen=True)
class EditSpec:
    """What one Stability AI Image Service takes and returns (``POST /edit``).

    Attributes
    ----------
    operation
        The public ``operation`` name.
    prompt
        Whether ``prompt`` is required, optional or not taken.
    numbers
        The numeric fields it takes, with their ranges and defaults.
    texts
        The extra text fields it requires (``search_prompt``, ``select_prompt``).
    images
        The extra images it takes (``mask``, ``style_image``), each ``True`` when required.
    negative_prompt, seed, aspect_ratio
        Whether it takes each of these.
    output_formats
        The formats it can return.
    limits
        Its limits on the input images (every image it takes: the mask is the image's size).
    output
        How the size of what it returns follows from the input.
    image_key
        The body key of the image to edit (style transfer calls it ``init_image``).
    one_of
        Fields of which at least one must be above zero (outpaint's margins).
    """

    operation: str
    prompt: PromptRule
    numbers: Mapping[str, Number] = field(default_factory=dict)
    texts: tuple[str, ...] = ()
    images: Mapping[str, bool] = field(default_factory=dict)
    negative_prompt: bool = True
    seed: bool = True
    aspect_ratio: bool = False
    output_formats: tuple[OutputFormat, ...] = ("jpeg", "png", "webp")
    limits: InputLimits = field(default_factory=lambda: EDIT_LIMITS)
    output: OutputRule = "same"
    image_key: str = "image"
    one_of: tuple[str, ...] = ()

    @property
    def fields(self) -> frozenset[str]:
        """Every request field this operation takes, beyond ``operation`` and the image."""
        taken = {"output_format", *self.numbers, *self.texts}
        for image in self.images:
            taken |= {image, f"{image}_s3"}
        if self.prompt != "none":
            taken |= {"prompt", "enhance_prompt", "enhancement_style", "translate"}
        if self.texts:
            taken.add("translate")
        flags = {"negative_prompt": self.negative_prompt, "aspect_ratio": self.aspect_ratio}
        taken |= {name for name, on in flags.items() if on}
        if self.seed:
            taken |= {"seed", "n"}
        return frozenset(taken)


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
        On-demand list price of one image (text-to-image at ``STABILITY_SIZES``).
    image_to_image
        Whether an init image can be transformed.
    max_seed, max_prompt, max_negative_prompt
        Largest seed and prompt lengths (characters) the model accepts.
    init_image
        The model's own limits on an init image (none beyond genpic's when omitted).
    lifecycle
        Its Bedrock lifecycle (``active`` unless declared).
    edit
        For an image service (``POST /edit``), what its operation takes; None for the
        text-to-image models.
    """

    model_id: str
    label: str
    short_name: str
    family: Family
    usd_per_image: float
    image_to_image: bool
    max_seed: int = MAX_SEED
    max_prompt: int = MAX_PROMPT
    max_negative_prompt: int = MAX_PROMPT
    init_image: InputLimits = field(default_factory=InputLimits)
    lifecycle: Lifecycle = ACTIVE
    edit: EditSpec | None = None

    @property
    def operations(self) -> tuple[str, ...]:
        """What the model does: its edit operation, or ``generate`` (and ``image_to_image``)."""
        if self.edit is not None:
            return (self.edit.operation,)
        return ("generate", "image_to_image") if self.image_to_image else ("generate",)


@dataclass(frozen=True)
class TextModel:
    """A text model's token prices and lifecycle."""

    model_id: str
    label: str
    usd_per_1k_input: float
    usd_per_1k_output: float
    lifecycle: Lifecycle = ACTIVE


@dataclass(frozen=True)
class RetiredModel:
    """A model Bedrock no longer serves, kept so that a request naming it learns what replaces it.

    Attributes
    ----------
    model_id, label
        Bedrock id and human name.
    lifecycle
        ``retired``, with its end-of-life date, replacement and source.
    """

    model_id: str
    label: str
    lifecycle: Lifecycle


# Prices: SD3.5 Large 0.08, Core 0.04, Ultra 0.14 USD per image, as first recorded from the
# Bedrock pricing page (https://aws.amazon.com/bedrock/pricing/); its stored copy renders no
# figures, so they are unconfirmed (docs/http-api.md, "Models"). Active: LIFECYCLE_PAGE lists
# none of the three among the Legacy or retired models.
IMAGE_MODELS: dict[str, ImageModel] = {
    model.model_id: model
    for model in (
        ImageModel(SD35_LARGE, "Stable Diffusion 3.5 Large", "sd35", "stability", 0.08, True),
        ImageModel(STABLE_IMAGE_CORE, "Stable Image Core", "core", "stability", 0.04, False),
        ImageModel(STABLE_IMAGE_ULTRA, "Stable Image Ultra", "ultra", "stability", 0.14, True),
    )
}

#: Models genpic offered until Bedrock retired them: refused before any call, naming the
#: replacement (SD3.5 Large does both their text-to-image and image variation).
RETIRED_MODELS: dict[str, RetiredModel] = {
    model.model_id: model
    for model in (
        # Legacy from 2026-03-30, end of life 2026-09-30 (LIFECYCLE_PAGE, re-read 2026-12-02).
        RetiredModel(
            NOVA_CANVAS,
            "Amazon Nova Canvas",
            Lifecycle("retired", date(2026, 9, 30), SD35_LARGE),
        ),
        # Legacy from 2025-12-30, end of life 2026-06-30: its model card, and an earlier
        # version of the "Model lifecycle" page (issue 15 reported 2026-09-30).
        RetiredModel(
            TITAN_IMAGE_V2,
            "Amazon Titan Image Generator v2",
            Lifecycle(
                "retired",
                date(2026, 6, 30),
                SD35_LARGE,
                "https://docs.aws.amazon.com/bedrock/latest/userguide/"
                "model-card-amazon-titan-image-generator-g1-v2.html",
            ),
        ),
    )
}


#: Bedrock's Stability AI model cards give each image service's lifecycle: Active (Search and
#: Replace's and Conservative Upscale's, read; LIFECYCLE_PAGE lists none of the 13 as Legacy).
STABILITY_MODEL_CARDS = (
    "https://docs.aws.amazon.com/bedrock/latest/userguide/model-cards-stability-ai.html"
)


def _service(name: str, label: str, short: str, usd: float, edit: EditSpec) -> ImageModel:
    # Bedrock serves the image services on demand only through the US cross-region
    # inference profile ("on-demand throughput isn't supported" for the bare id).
    return ImageModel(
        f"us.stability.{name}",
        label,
        short,
        "stability-edit",
        usd,
        True,
        edit=edit,
        lifecycle=Lifecycle(source=STABILITY_MODEL_CARDS),
    )


# Prices: the Bedrock pricing page's "Stability AI Image Services" table, price per
# generation (https://aws.amazon.com/bedrock/pricing/), as first recorded: its stored copy
# renders no figures, so they are unconfirmed (docs/edits.md, "Sources"). Each us. profile
# routes within us-east-1, us-east-2 and us-west-2
# (https://docs.aws.amazon.com/bedrock/latest/userguide/inference-profiles-support.html).
_MARGIN = Number(0, 2000, 0, whole=True)
EDIT_MODELS: tuple[ImageModel, ...] = (
    _service(
        "stable-image-inpaint-v1:0",
        "Stable Image Inpaint",
        "inpaint",
        0.07,
        EditSpec(
            "inpaint",
            "required",
            numbers={"grow_mask": Number(0, 20, 5, whole=True)},
            images={"mask": True},
        ),
    ),
    _service(
        "stable-outpaint-v1:0",
        "Stable Image Outpaint",
        "outpaint",
        0.06,
        EditSpec(
            "outpaint",
            "optional",
            numbers={
                "left": _MARGIN,
                "right": _MARGIN,
                "up": _MARGIN,
                "down": _MARGIN,
                "creativity": Number(0.1, 1.0, 0.5),
            },
            negative_prompt=False,
            output="margins",
            one_of=("left", "right", "up", "down"),
        ),
    ),
    _service(
        "stable-image-erase-object-v1:0",
        "Stable Image Erase Object",
        "erase",
        0.07,
        EditSpec(
            "erase",
            "none",
            numbers={"grow_mask": Number(0, 20, 5, whole=True)},
            images={"mask": True},
            negative_prompt=False,
        ),
    ),
    _service(
        "stable-image-search-replace-v1:0",
        "Stable Image Search and Replace",
        "replace",
        0.07,
        EditSpec("search_replace", "required", texts=("search_prompt",)),
    ),
    _service(
        "stable-image-search-recolor-v1:0",
        "Stable Image Search and Recolor",
        "recolor",
        0.07,
        EditSpec("search_recolor", "required", texts=("select_prompt",)),
    ),
    _service(
        "stable-image-remove-background-v1:0",
        "Stable Image Remove Background",
        "nobg",
        0.07,
        EditSpec(
            "remove_background",
            "none",
            negative_prompt=False,
            seed=False,
            # The background becomes transparent, which JPEG cannot hold.
            output_formats=("png", "webp"),
        ),
    ),
    _service(
        "stable-fast-upscale-v1:0",
        "Stable Fast Upscale",
        "upfast",
        0.03,
        EditSpec(
            "upscale_fast",
            "none",
            negative_prompt=False,
            seed=False,
            limits=InputLimits(
                min_side=32, max_side=1536, min_pixels=1024, max_pixels=1_048_576, max_ratio=2.5
            ),
            output="times4",
        ),
    ),
    _service(
        "stable-conservative-upscale-v1:0",
        "Stable Conservative Upscale",
        "upcons",
        0.40,
        EditSpec(
            "upscale_conservative",
            "required",
            numbers={"creativity": Number(0.1, 0.5, 0.35)},
            output="long_side_4096",
        ),
    ),
    _service(
        "stable-creative-upscale-v1:0",
        "Stable Creative Upscale",
        "upcreative",
        0.60,
        EditSpec(
            "upscale_creative",
            "required",
            numbers={"creativity": Number(0.1, 0.5, 0.3)},
            limits=InputLimits(min_side=64, min_pixels=4096, max_pixels=1_048_576, max_ratio=2.5),
            output="long_side_4096",
        ),
    ),
    _service(
        "stable-image-control-sketch-v1:0",
        "Stable Image Control Sketch",
        "sketch",
        0.07,
        EditSpec("sketch", "required", numbers={"control_strength": Number(0.0, 1.0, 0.7)}),
    ),
    _service(
        "stable-image-control-structure-v1:0",
        "Stable Image Control Structure",
        "structure",
        0.07,
        EditSpec("structure", "required", numbers={"control_strength": Number(0.0, 1.0, 0.7)}),
    ),
    _service(
        "stable-image-style-guide-v1:0",
        "Stable Image Style Guide",
        "styleguide",
        0.07,
        EditSpec(
            "style_guide",
            "required",
            numbers={"fidelity": _UNIT},
            aspect_ratio=True,
            output="aspect_ratio",
        ),
    ),
    _service(
        "stable-style-transfer-v1:0",
        "Stable Image Style Transfer",
        "styletransfer",
        0.08,
        EditSpec(
            "style_transfer",
            "optional",
            numbers={
                "composition_fidelity": Number(0.0, 1.0, 0.9),
                "style_strength": Number(0.0, 1.0, 1.0),
                "change_strength": Number(0.1, 1.0, 0.9),
            },
            images={"style_image": True},
            image_key="init_image",
        ),
    ),
)
IMAGE_MODELS.update((m.model_id.removeprefix("us."), m) for m in EDIT_MODELS)
#: Operation name -> the image service that performs it.
EDIT_OPERATIONS: dict[str, ImageModel] = {
    m.edit.operation: m for m in EDIT_MODELS if m.edit is not None
}
DEFAULT_ALLOWED_MODELS = tuple(
    m.model_id for m in IMAGE_MODELS.values() if m.lifecycle.status == "active"
)

# Token prices per 1K, as first recorded from https://aws.amazon.com/bedrock/pricing/ (its stored
# copy renders no figures: unconfirmed). Active: LIFECYCLE_PAGE, re-read 2026-12-02, lists none
# of them among the Legacy or retired models (it lists Nova Premier and Nova Sonic).
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
    """Return the output-key prefix for ``model_id`` (``sd35``, ``inpaint``, …)."""
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


def _described(model_id: str) -> ImageModel | TextModel | RetiredModel | None:
    base = base_model_id(model_id)
    return IMAGE_MODELS.get(base) or TEXT_MODELS.get(base) or RETIRED_MODELS.get(base)


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


def image_to_image_models(allowed: Iterable[str], day: date | None = None) -> list[str]:
    """Return the models of ``allowed`` that can transform an init image on ``day`` (today).

    An uncatalogued id counts as Stability-shaped (``describe_image_model``); the image
    services edit through ``POST /edit`` and a retired model serves nothing.
    """
    capable = []
    for model_id in allowed:
        model = describe_image_model(model_id)
        if model.edit is None and model.image_to_image and retirement(model_id, day) is None:
            capable.append(model_id)
    return capable


def no_image_to_image(label: str, allowed: Iterable[str], day: date | None = None) -> str:
    """Say that ``label`` takes no init image, and which model of ``allowed`` would.

    When the deployment allows none, say which catalog models would, and how to allow one.
    """
    text = f"{label} has no image-to-image mode"
    capable = image_to_image_models(allowed, day)
    if capable:
        return f"{text}; use {_either(capable)}, or send no init image"
    catalog = image_to_image_models(IMAGE_MODELS, day) or ["an image-to-image model"]
    return (
        f"{text}, and no model this deployment allows has one; send no init image, or add "
        f"{_either(catalog)} to GENPIC_ALLOWED_MODELS"
    )


def _either(model_ids: list[str]) -> str:
    if len(model_ids) == 1:
        return model_ids[0]
    return f"{', '.join(model_ids[:-1])} or {model_ids[-1]}"


def edit_output_size(
    spec: EditSpec, width: int, height: int, values: Mapping[str, float], aspect: AspectRatio
) -> tuple[int, int]:
    """Return the size of the image ``spec``'s service returns for a ``width`` x ``height`` input.

    ``values`` holds the request's numeric fields (outpaint's margins); ``aspect`` its
    aspect ratio (style guide). The upscalers' "up to 4K" output is taken as a long
    side of 4,096 px: the AWS page states no exact size.
    """
    if spec.output == "margins":
        extra = {side: int(values.get(side, 0)) for side in ("left", "right", "up", "down")}
        return width + extra["left"] + extra["right"], height + extra["up"] + extra["down"]
    if spec.output == "times4":
        return width * 4, height * 4
    if spec.output == "long_side_4096":
        scale = 4096 / max(width, height)
        return round(width * scale), round(height * scale)
    if spec.output == "aspect_ratio":
        return STABILITY_SIZES[aspect]
    return width, height
