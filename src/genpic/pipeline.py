"""The one generation pipeline: validate, enhance or translate, generate, store, report.

Every entry point (Lambda handlers, CLI, HTTP app) parses its input, calls
``Pipeline.run`` and renders the result or the error; nothing else.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from genpic import backends
from genpic.catalog import image_cost, lifecycle_warnings, text_cost
from genpic.deadline import request_deadline
from genpic.editing import EditRequest, screened_texts
from genpic.engines.base import EditJob, ImageEngine, ImageJob
from genpic.enhancers.base import Enhancement, PromptEnhancer, Translation
from genpic.errors import ContentFiltered
from genpic.experiment import experiment_for
from genpic.images import ImageInfo, normalize_output
from genpic.inputs import EditImages, InitImageLoader
from genpic.language import detect_language
from genpic.logs import logger
from genpic.request import GenerationRequest, parse_request
from genpic.screens.stage import Screens
from genpic.settings import Settings
from genpic.storage.base import ImageStore, StoredImage
from genpic.telemetry import record_withheld_image

if TYPE_CHECKING:
    from genpic.cache.memory import Memory
    from genpic.cache.results import CachedImage, CacheStatus
    from genpic.limits.limiter import Allowance, Limiter
    from genpic.records.base import RecordStore


@dataclass
class Timings:
    """Milliseconds spent in each stage."""

    stages: dict[str, int] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """Time the enclosed block as stage ``name`` (added up when it runs more than once)."""
        start = time.perf_counter()
        try:
            yield
        finally:
            elapsed = round((time.perf_counter() - start) * 1000)
            self.stages[name] = self.stages.get(name, 0) + elapsed


@dataclass(frozen=True)
class GenerationResult:
    """Everything known about one generated image."""

    request: GenerationRequest
    request_id: str
    #: Returns the image bytes: in hand after generating, read back from storage after a hit.
    load: Callable[[], bytes] = field(repr=False)
    stored: StoredImage
    image: ImageInfo
    seed: int
    engine: str
    preview: bool
    enhancement: Enhancement
    timings_ms: dict[str, int]
    cost_usd: float
    translation: Translation | None = None
    image_id: str | None = None
    cache: CacheStatus | None = None
    #: An edit's search_prompt / select_prompt as the model got them (translated or not).
    edit_texts: dict[str, str] = field(default_factory=dict)

    @cached_property
    def data(self) -> bytes:
        """The image bytes."""
        return self.load()

    @property
    def prompt(self) -> str:
        """The prompt the model was given."""
        return self.translation.prompt if self.translation else self.enhancement.prompt

    def warnings(self) -> list[str]:
        """Return what the request asked for and did not get, then the lifecycle warnings
        of the models this result used (a legacy one's end)."""
        used = [self.request.model, self.enhancement.model]
        if self.translation is not None:
            used.append(self.translation.model)
        models = dict.fromkeys(model for model in used if model)
        lifecycle = [text for model in models for text in lifecycle_warnings(model)]
        return [*self.request.warnings, *lifecycle]

    def to_body(self) -> dict[str, Any]:
        """Return the public success body (a superset of the original ``aws_gen_pic`` response)."""
        request = self.request
        parameters: dict[str, Any] = {
            "prompt": self.prompt,
            "model": request.model,
            "aspect_ratio": None if request.image_to_image else request.aspect_ratio,
            "seed": self.seed,
            "output_format": request.output_format,
            "mode": "image-to-image" if request.image_to_image else "text-to-image",
        }
        if request.negative_prompt:
            parameters["negative_prompt"] = request.negative_prompt
        if request.image_to_image:
            parameters["strength"] = request.strength
        if isinstance(request, EditRequest):
            parameters.update(_edit_parameters(request, self.edit_texts))
        body: dict[str, Any] = {
            "message": _message(self.preview),
            # The original response's key: an S3 location, so null for local storage.
            "s3_url": self.stored.uri if self.stored.bucket else None,
            "uri": self.stored.uri,
            "bucket": self.stored.bucket,
            "key": self.stored.key,
            "filename": self.stored.filename,
            "url": self.stored.url,
            "content_type": self.image.content_type,
            "width": self.image.width,
            "height": self.image.height,
            "seed": self.seed,
            "model": request.model,
            "engine": self.engine,
            "preview": self.preview,
            "parameters": parameters,
        }
        if isinstance(request, EditRequest):
            body["operation"] = request.operation
        if self.enhancement.status != "off":
            body["original_prompt"] = request.prompt
            body["enhanced_prompt"] = self.enhancement.prompt
        body["enhancement"] = enhancement_body(self.enhancement)
        if self.translation is not None:
            if self.translation.status == "applied":
                body["translated_prompt"] = self.translation.prompt
            body["translation"] = _translation_body(self.translation)
        body["timings_ms"] = self.timings_ms
        body["cost_usd"] = self.cost_usd
        if self.image_id is not None:
            body["image_id"] = self.image_id
        if self.cache is not None:
            body["cache"] = self.cache
        if request.ab_arm is not None:
            body["ab_arm"] = request.ab_arm
        warnings = self.warnings()
        if warnings:
            body["warnings"] = warnings
        body["request_id"] = self.request_id
        return body


class Pipeline:
    """Validates, enhances, generates and stores one image per request.

    Parameters
    ----------
    settings
        The deployment's configuration.
    engine, enhancer, store, inputs
        Backends; by default the ones ``settings`` names, created on first use.
    records
        The records store (image records, result and enhancement caches, idempotency,
        the A/B experiment); by default the one ``settings`` names.
    screens
        The blocklist and guardrail every prompt passes; by default as ``settings`` says.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        engine: ImageEngine | None = None,
        enhancer: PromptEnhancer | None = None,
        store: ImageStore | None = None,
        inputs: InitImageLoader | None = None,
        records: RecordStore | None = None,
        screens: Screens | None = None,
    ) -> None:
        self.settings = settings
        self.screens = screens or Screens(settings)
        self.engine = engine or backends.create_engine(settings)
        self.enhancer = enhancer if enhancer is not None else backends.create_enhancer(settings)
        self.store = store or backends.create_store(settings)
        self.inputs = inputs or InitImageLoader(self.store)
        records = records if records is not None else backends.create_records(settings)
        self.records = records
        self.memory = self._memory(records)
        self.experiment = experiment_for(settings, records)
        self.limiter = self._limiter(records)

    def _limiter(self, records: RecordStore) -> Limiter:
        from genpic.limits.limiter import Limiter

        return Limiter.from_settings(self.settings, records)

    def _memory(self, records: RecordStore) -> Memory:
        from genpic.cache.keys import Backends
        from genpic.cache.memory import Memory

        enhancer = self.enhancer
        text = Backends(
            engine=self.engine.name,
            enhancer=enhancer.name if enhancer else "off",
            text_model=enhancer.model if enhancer else None,
        )
        return Memory(records, self.store, self.settings, text)

    @classmethod
    def from_env(cls) -> Pipeline:
        """Build a pipeline from the environment's settings."""
        return cls(Settings.from_env())

    def parse(self, payload: Any, *, enhance_default: bool) -> GenerationRequest:
        """Validate a request payload against this deployment's allowed models."""
        return parse_request(
            payload,
            allowed_models=self.settings.allowed_models,
            enhance_default=enhance_default,
            default_model=self.settings.image_model,
        )

    def run(
        self, request: GenerationRequest, request_id: str, allowance: Allowance | None = None
    ) -> GenerationResult:
        """Generate and store the image ``request`` asks for (or reuse a cached one).

        ``allowance`` (the client's, ``genpic.limits``) is charged before any paid
        call, and not at all when the cache answers.
        """
        timings = Timings()
        with timings.stage("total"), request_deadline(self.settings.request_timeout_s):
            with timings.stage("screen"):
                for what, text in screened_texts(request).items():
                    self.screens.check_prompt(text, what)
            edit = self.inputs.load_edit(request) if isinstance(request, EditRequest) else None
            init_image = self.inputs.load(request) if edit is None else None
            hit = self.memory.lookup(request, init_image, edit) if self.memory else None
            if hit is None:
                with allowance.paid() if allowance else nullcontext():
                    made = self._generate(request, request_id, init_image, timings, edit)
        if hit is not None:
            if allowance:
                allowance.free()
            return self._reuse(request, request_id, *hit, timings)
        data, image, rendered_seed, stored, enhancement, translation, edit_texts = made
        result = GenerationResult(
            request=request,
            request_id=request_id,
            load=lambda: data,
            stored=stored,
            image=image,
            seed=rendered_seed,
            engine=self.engine.name,
            preview=self.engine.preview,
            enhancement=enhancement,
            timings_ms={k: timings.stages[k] for k in _STAGES},
            cost_usd=self._cost(request, enhancement, translation),
            translation=translation,
            edit_texts=edit_texts,
        )
        if self.memory is not None:
            image_id, cache = self.memory.remember(result, init_image, edit)
            result = dataclasses.replace(result, image_id=image_id, cache=cache)
        logger.info(
            "image generated",
            extra={
                "request_id": request_id,
                "key": stored.key,
                "model": request.model,
                "seed": rendered_seed,
                "enhancement": enhancement.status,
                "translation": translation.status if translation else "off",
                "timings_ms": result.timings_ms,
            },
        )
        return result

    def _generate(
        self,
        request: GenerationRequest,
        request_id: str,
        init_image: bytes | None,
        timings: Timings,
        edit: EditImages | None = None,
    ) -> tuple[bytes, ImageInfo, int, StoredImage, Enhancement, Translation | None, dict[str, str]]:
        with timings.stage("enhance"):
            enhancement = self._enhance(request)
        with timings.stage("translate"):
            translation = self._translate(request, enhancement)
            texts = {
                name: self._translated(text, request.translate)
                for name, text in screened_texts(request, with_prompt=False).items()
            }
        prompt = translation.prompt if translation else enhancement.prompt
        with timings.stage("screen"):
            applied = translation is not None and translation.status == "applied"
            self._screen_rewrite(request, prompt, "translated" if applied else "enhanced")
            for name, text in texts.items():
                if text != getattr(request, name):
                    self.screens.check_prompt(text, f"translated {name}")
        job = ImageJob(
            prompt=prompt,
            model=request.model,
            seed=request.seed,
            output_format=request.output_format,
            aspect_ratio=None if init_image or edit else request.aspect_ratio,
            negative_prompt=request.negative_prompt,
            init_image=init_image,
            strength=request.strength if init_image else None,
            edit=_edit_job(request, edit, texts),
        )
        with timings.stage("generate"):
            rendered = self.engine.render(job)
            data, image = normalize_output(rendered.data, request.output_format)
        with timings.stage("screen"):
            self._screen_image(data, image)
        with timings.stage("store"):
            stored = self.store.save(
                request.model,
                data,
                image.extension,
                image.content_type,
                self._metadata(request, rendered.seed, request_id),
            )
        return data, image, rendered.seed, stored, enhancement, translation, texts

    def _reuse(
        self,
        request: GenerationRequest,
        request_id: str,
        cached: CachedImage,
        stored: StoredImage,
        timings: Timings,
    ) -> GenerationResult:
        """Answer from the result cache: the stored image, a fresh link, nothing paid."""
        logger.info("cache hit", extra={"request_id": request_id, "image_id": cached.image_id})
        return GenerationResult(
            request=request,
            request_id=request_id,
            load=lambda: self.store.fetch(stored.key),
            stored=stored,
            image=cached.image,
            seed=cached.seed,
            engine=cached.engine,
            preview=cached.preview,
            enhancement=cached.enhancement,
            timings_ms={k: timings.stages.get(k, 0) for k in _STAGES},
            cost_usd=0.0,
            translation=cached.translation,
            image_id=cached.image_id,
            cache="hit",
        )

    def enhance(self, request: GenerationRequest) -> Enhancement:
        """Return the prompt ``request`` would be generated from: the dry run of enhancing.

        The prompt and its rewrite pass the same screens as a generation's.
        """
        self.screens.check_prompt(request.prompt)
        enhancement = self._enhance(request)
        self._screen_rewrite(request, enhancement.prompt, "enhanced")
        return enhancement

    def _screen_rewrite(self, request: GenerationRequest, prompt: str, how: str) -> None:
        # The prompt as given passed already; a rewrite is a new text for the model.
        if prompt != request.prompt:
            self.screens.check_prompt(prompt, f"{how} prompt")

    def _screen_image(self, data: bytes, image: ImageInfo) -> None:
        try:
            self.screens.check_image(data, image.content_type)
        except ContentFiltered:
            # Made and billed, but never stored or linked: counted so the spend is visible.
            record_withheld_image()
            logger.warning("generated image withheld by the guardrail")
            raise

    def _enhance(self, request: GenerationRequest) -> Enhancement:
        style = request.enhancement_style
        if not request.enhance_prompt:
            return Enhancement(prompt=request.prompt, status="off", enhancer="none", style=style)
        if self.enhancer is None:
            return Enhancement(
                prompt=request.prompt,
                status="fallback",
                enhancer="none",
                style=style,
                reason="enhancement is disabled here (GENPIC_ENHANCER=off)",
            )
        if self.memory is not None:
            return self.memory.prompts.enhance(self.enhancer, request.prompt, style)
        return self.enhancer.enhance(request.prompt, style)

    def _translate(
        self, request: GenerationRequest, enhancement: Enhancement
    ) -> Translation | None:
        """Put a non-English prompt into English, unless an enhancer that writes English did.

        The prompt considered is the one enhancement left (the request's when it is off):
        the template enhancer's appended details are English, the prompt is as written.
        """
        mode = {True: "on", False: "off", None: self.settings.translate}[request.translate]
        enhanced = enhancement.status != "off"
        if (
            mode == "off"
            or not request.prompt
            or (enhanced and self.enhancer is not None and self.enhancer.writes_english)
        ):
            return None
        prompt = enhancement.prompt
        detected = detect_language(request.prompt, cautious=mode == "auto")
        if detected.english:
            return Translation(prompt, "skipped", detected.language)
        if self.enhancer is None:
            reason = "no text model here (GENPIC_ENHANCER=off)"
            return Translation(prompt, "unavailable", detected.language, reason=reason)
        if self.memory is not None:
            return self.memory.prompts.translate(self.enhancer, prompt, detected.language)
        return self.enhancer.translate(prompt, detected.language)

    def _translated(self, text: str, asked: bool | None) -> str:
        """Return an edit's search or select prompt in English (as given if it cannot be)."""
        mode = {True: "on", False: "off", None: self.settings.translate}[asked]
        if mode == "off" or self.enhancer is None:
            return text
        detected = detect_language(text, cautious=mode == "auto")
        if detected.english:
            return text
        if self.memory is not None:
            return self.memory.prompts.translate(self.enhancer, text, detected.language).prompt
        return self.enhancer.translate(text, detected.language).prompt

    def _metadata(self, request: GenerationRequest, seed: int, request_id: str) -> dict[str, str]:
        return {
            "model": request.model,
            "seed": str(seed),
            "engine": self.engine.name,
            "request-id": request_id,
        }

    def _cost(
        self,
        request: GenerationRequest,
        enhancement: Enhancement,
        translation: Translation | None,
    ) -> float:
        cost = 0.0 if self.engine.preview else image_cost(request.model)
        for text in (enhancement, translation):
            if text is not None and text.model:
                cost += text_cost(text.model, text.input_tokens, text.output_tokens)
        return round(cost, 6)


def _edit_job(
    request: GenerationRequest, edit: EditImages | None, texts: dict[str, str]
) -> EditJob | None:
    if edit is None or not isinstance(request, EditRequest):
        return None
    return EditJob(request.operation, edit.data, request.values(), texts, request.aspect_ratio)


def _edit_parameters(request: EditRequest, texts: dict[str, str]) -> dict[str, Any]:
    """An edit's part of ``parameters``: the operation and every field the service got."""
    return {
        "mode": "edit",
        "operation": request.operation,
        "aspect_ratio": request.aspect_ratio if request.spec.aspect_ratio else None,
        **request.values(),
        **(texts or request.texts()),
    }


_STAGES = ("screen", "enhance", "translate", "generate", "store", "total")


def _message(preview: bool) -> str:
    if preview:
        return (
            "Preview image generated offline (GENPIC_ENGINE=preview); "
            "set GENPIC_ENGINE=bedrock for model output"
        )
    return "Image generated successfully"


def enhancement_body(enhancement: Enhancement) -> dict[str, Any]:
    """Return the public ``enhancement`` object of a body."""
    body = {
        "status": enhancement.status,
        "enhancer": enhancement.enhancer,
        "style": enhancement.style,
    }
    return _with_outcome(body, enhancement)


def _translation_body(translation: Translation) -> dict[str, Any]:
    body = {"status": translation.status, "source_language": translation.source_language}
    return _with_outcome(body, translation)


def _with_outcome(body: dict[str, Any], outcome: Enhancement | Translation) -> dict[str, Any]:
    # What a text-model stage adds when it applies: which model, why not, and cache reuse.
    if outcome.model:
        body["model"] = outcome.model
    if outcome.reason:
        body["reason"] = outcome.reason
    if outcome.cached:
        body["cached"] = True
    return body
