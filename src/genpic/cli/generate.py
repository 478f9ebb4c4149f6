"""``genpic generate``: one image from the command line, everything checkable checked first."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from genpic import idempotency, variants
from genpic.cli import options
from genpic.cli.output import Reporter
from genpic.errors import GenpicError, StorageError, as_public_error
from genpic.idempotency import Answer
from genpic.logs import logger
from genpic.vocabulary import ASPECT_RATIOS, OUTPUT_FORMATS

if TYPE_CHECKING:
    from genpic.pipeline import Pipeline

#: The entry the command line's images are counted under (``genpic.telemetry``).
CLI_ENTRY = "cli"


def generate(
    prompt: Annotated[
        str, typer.Argument(help="What to draw.", metavar="PROMPT", show_default=False)
    ],
    negative_prompt: Annotated[
        str | None, typer.Option("--negative-prompt", "-n", help="What to keep out.")
    ] = None,
    aspect_ratio: Annotated[
        str | None,
        typer.Option(
            "--aspect-ratio",
            "-a",
            help=" | ".join(ASPECT_RATIOS) + " (not used with --init-image: a warning says so).",
            show_default=options.request_default("aspect_ratio"),
        ),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option(help="0 picks a random seed.", show_default=options.request_default("seed")),
    ] = None,
    model: Annotated[
        str | None,
        typer.Option(
            "--model",
            "-m",
            help="Image model id (GENPIC_ALLOWED_MODELS).",
            show_default=options.request_default("model"),
        ),
    ] = None,
    output_format: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help=" | ".join(OUTPUT_FORMATS) + " (jpg too; any case).",
            show_default=f"{options.request_default('output_format')}, or the --output extension",
        ),
    ] = None,
    init_image: Annotated[
        str | None,
        typer.Option(help="Image to transform: a local file or s3://INPUT_BUCKET/key."),
    ] = None,
    strength: Annotated[
        float | None,
        typer.Option(
            help="0-1: how far to move from the --init-image.",
            show_default=options.request_default("strength"),
        ),
    ] = None,
    enhance: options.Enhance = None,
    style: options.Style = None,
    translate: options.Translate = None,
    count: options.Count = None,
    styles: Annotated[
        list[str] | None,
        typer.Option(
            "--styles",
            metavar="STYLE,…",
            help="One image per enhancement style, same seed: a comma list, or repeat it "
            "(implies --enhance).",
            show_default="none",
        ),
    ] = None,
    cache: options.Cache = None,
    idempotency_key: options.IdempotencyKey = None,
    user: options.User = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Also save the image to this file (.jpeg, .jpg, .png or .webp).",
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the response (or error) body as JSON.")
    ] = False,
) -> None:
    """Generate one image and print where it is."""

    target = output.expanduser() if output else None

    def payload() -> dict[str, Any]:
        options.refuse_ignored(style=style, enhance=enhance)
        chosen = options.output_format_for(target, output_format) if target else output_format
        listed = options.split_list(styles)
        enhanced = style is not None or listed is not None
        given = {
            "prompt": prompt,
            "negative_prompt": negative_prompt,
            "aspect_ratio": aspect_ratio,
            "seed": seed,
            "model": model,
            "output_format": chosen,
            "strength": strength,
            "enhance_prompt": enhance if enhance is not None else enhanced,
            "enhancement_style": style,
            "styles": listed,
            "n": count,
            "translate": options.translate_choice(translate),
            "cache": cache,
            "idempotency_key": idempotency_key,
            "user": user,
            **options.image_fields(init_image, "init_image"),
        }
        # An option not given is a field left out, so the request's own default applies.
        return {field: value for field, value in given.items() if value is not None}

    make(
        payload,
        target,
        Reporter(as_json=as_json),
        lambda fields: "Enhancing and generating…" if fields["enhance_prompt"] else "Generating…",
    )


def make(
    payload: Callable[[], dict[str, Any]],
    output: Path | None,
    reporter: Reporter,
    status: Callable[[dict[str, Any]], str],
    names: Mapping[str, str] | None = None,
    operation: str = "generate",
) -> None:
    """Check and run the request ``payload`` builds, save it to ``output``, report it.

    The request takes the HTTP routes' path: every image it asks for (``n``,
    ``styles``), at most once per idempotency key (``operation`` scopes the key).
    Every refusal, the option checks' or the pipeline's, is reported with the CLI's
    names for the fields (``names`` overriding ``options.OPTIONS``); nothing is paid for.
    """
    from genpic.pipeline import Pipeline

    request_id = str(uuid.uuid4())
    failed: list[Exception] = []
    try:
        fields = payload()
        pipeline = Pipeline.from_env()
        request = pipeline.parse(fields, enhance_default=False)

        def answer() -> Answer:
            try:
                made = variants.generate(pipeline, request, request_id, entry=CLI_ENTRY)
            except Exception as exc:
                failed.append(exc)
                return Answer.failure(exc, request_id, entry=CLI_ENTRY)  # logs it
            return Answer(200, made.to_body())

        with reporter.status(status(fields)):
            done = idempotency.guarded(pipeline, operation, request, None, answer)
    except Exception as exc:
        if as_public_error(exc).status >= 500:
            logger.exception("request failed", extra={"request_id": request_id})
        failed.append(exc)
    if failed or done.status != 200:
        error = as_public_error(failed[0]) if failed else replayed_error(done)
        reporter.failure(options.for_cli(error, names), request_id)
    body = done.body
    saved = save_all(pipeline, body, output, reporter) if output is not None else []
    reporter.success(body, saved)


def replayed_error(done: Answer) -> GenpicError:
    """Return the error an earlier request with the same idempotency key answered."""
    error = GenpicError(done.body["message"], field=done.body.get("field"))
    error.code, error.status = done.body["error"], done.status
    return error


def save_all(
    pipeline: Pipeline, body: dict[str, Any], output: Path, reporter: Reporter
) -> list[Path]:
    """Write each image to ``-o`` (``NAME-K.ext`` when there are several); return the files."""
    bodies = [b for b in body.get("variants") or [body] if "key" in b]
    paths = [
        output if len(bodies) == 1 else output.with_stem(f"{output.stem}-{k}")
        for k in range(1, len(bodies) + 1)
    ]
    for made, path in zip(bodies, paths, strict=True):
        save(pipeline.store.fetch(made["key"]), path, made, reporter)
    return paths


def save(data: bytes, output: Path, body: dict[str, Any], reporter: Reporter) -> None:
    """Write the image to ``-o``; a failure still says where the paid-for image is stored."""
    try:
        output.write_bytes(data)
    except OSError as exc:
        # Checked before generating, so rare: but the image is paid for, so say where it is.
        where = body["uri"] if body["url"] == body["uri"] else f"{body['uri']} ({body['url']})"
        error = StorageError(
            f"Cannot save --output {output}: {exc.strerror}. The image is stored at {where}."
        )
        reporter.failure(error, body["request_id"], uri=body["uri"], url=body["url"])
