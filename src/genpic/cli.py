"""The ``genpic`` command line: a thin caller of the public pipeline."""

from __future__ import annotations

import base64
import json
import logging
import uuid
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.table import Table

from genpic.errors import GenpicError, ValidationError, as_public_error
from genpic.http.serve import serve
from genpic.logs import logger
from genpic.vocabulary import ASPECT_RATIOS, ENHANCEMENT_STYLES, OUTPUT_FORMATS

app = typer.Typer(
    help="Generate images with Stability AI models on Amazon Bedrock, or offline previews.",
    no_args_is_help=True,
    add_completion=False,
)
app.command()(serve)
console = Console()
errors = Console(stderr=True)
_SUFFIX_FORMATS = {".jpg": "jpeg", ".jpeg": "jpeg", ".png": "png", ".webp": "webp"}


@app.callback()
def main(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show JSON logs.")] = False,
) -> None:
    """genpic: serverless AI image generation for AWS."""
    # The structured logs are for CloudWatch; on a terminal the summary says it all.
    logger.setLevel(logging.INFO if verbose else logging.ERROR)


@app.command()
def generate(
    prompt: Annotated[str, typer.Argument(help="What to draw.")],
    negative_prompt: Annotated[
        str | None, typer.Option("--negative-prompt", "-n", help="What to keep out.")
    ] = None,
    aspect_ratio: Annotated[
        str | None, typer.Option("--aspect-ratio", "-a", help=" | ".join(ASPECT_RATIOS))
    ] = None,
    seed: Annotated[int | None, typer.Option(help="0 picks a random seed.")] = None,
    model: Annotated[str | None, typer.Option("--model", "-m", help="Image model id.")] = None,
    output_format: Annotated[
        str | None, typer.Option("--format", "-f", help=" | ".join(OUTPUT_FORMATS))
    ] = None,
    init_image: Annotated[
        str | None,
        typer.Option(help="Image to transform: a local file or s3://INPUT_BUCKET/key."),
    ] = None,
    strength: Annotated[
        float | None, typer.Option(help="0-1: how far to move from the init image.")
    ] = None,
    enhance: Annotated[
        bool, typer.Option("--enhance/--no-enhance", "-e", help="Rewrite the prompt first.")
    ] = False,
    style: Annotated[
        str | None, typer.Option(help="Enhancement style: " + " | ".join(ENHANCEMENT_STYLES))
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Also save the image to this file.")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the response body as JSON.")
    ] = False,
) -> None:
    """Generate one image and print where it is."""
    from genpic.pipeline import Pipeline

    if output is not None and output_format is None:
        output_format = _SUFFIX_FORMATS.get(output.suffix.lower())
    payload = {
        "prompt": prompt,
        "negative_prompt": negative_prompt,
        "aspect_ratio": aspect_ratio,
        "seed": seed,
        "model": model,
        "output_format": output_format,
        "strength": strength,
        "enhance_prompt": enhance,
        "enhancement_style": style,
        **_init_image_fields(init_image),
    }
    try:
        pipeline = Pipeline.from_env()
        request = pipeline.parse(payload, enhance_default=False)
        with console.status("Enhancing and generating…" if enhance else "Generating…"):
            result = pipeline.run(request, str(uuid.uuid4()))
        if output is not None:
            output.write_bytes(result.data)
    except Exception as exc:
        _fail(as_public_error(exc))
    body = result.to_body()
    if as_json:
        console.print_json(json.dumps(body))
        return
    _print_summary(body, output)


def _init_image_fields(init_image: str | None) -> dict[str, Any]:
    if init_image is None:
        return {}
    if init_image.startswith("s3://"):
        return {"init_image_s3": init_image}
    path = Path(init_image).expanduser()
    try:
        data = path.read_bytes()
    except OSError as exc:
        _fail(
            ValidationError(f"Cannot read --init-image {path}: {exc.strerror}.", field="init_image")
        )
    return {"init_image": base64.b64encode(data).decode("ascii")}


def _print_summary(body: dict[str, Any], output: Path | None) -> None:
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold cyan")
    table.add_column(overflow="fold")
    rows = [
        ("stored", body["s3_url"]),
        ("url", body["url"]),
        ("saved", str(output) if output else None),
        ("size", f"{body['width']}x{body['height']} {body['content_type']}"),
        ("seed", str(body["seed"])),
        ("model", body["model"] + (" (preview engine)" if body["preview"] else "")),
        ("prompt", body["parameters"]["prompt"]),
        ("enhancement", _describe_enhancement(body["enhancement"])),
        ("time", f"{body['timings_ms']['total']} ms"),
        ("cost", f"${body['cost_usd']:.4f} (estimate)"),
    ]
    for name, value in rows:
        if value:
            table.add_row(name, value)
    console.print(f"[green]✓[/green] {body['message']}")
    console.print(table)


def _describe_enhancement(enhancement: dict[str, Any]) -> str:
    text = f"{enhancement['status']} ({enhancement['enhancer']}, {enhancement['style']})"
    if enhancement.get("reason"):
        text += f": {enhancement['reason']}"
    return text


def _fail(error: GenpicError) -> NoReturn:
    errors.print(f"[red]error[/red] {error.code}: {error.message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code=1)
