"""``genpic edit OPERATION IMAGE``: one edit by a Stability AI Image Service, checked first.

Every option is a field of ``POST /edit``; an option the operation does not take is
refused by the same rules as the API, worded with the option's name.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from genpic.catalog import EDIT_OPERATIONS
from genpic.cli import options
from genpic.cli.generate import make
from genpic.cli.output import Reporter
from genpic.vocabulary import ASPECT_RATIOS, OUTPUT_FORMATS

_Number = Annotated[float | None, typer.Option(show_default="the service's")]
_Margin = Annotated[int | None, typer.Option(help="Pixels to add on that side (outpaint).")]


def edit(
    operation: Annotated[
        str,
        typer.Argument(help=" | ".join(EDIT_OPERATIONS), metavar="OPERATION", show_default=False),
    ],
    image: Annotated[
        str,
        typer.Argument(help="The image: a local file or s3://INPUT_BUCKET/key.", metavar="IMAGE"),
    ],
    mask: Annotated[
        str | None,
        typer.Option(help="inpaint/erase: white marks what to change (file or s3://)."),
    ] = None,
    style_image: Annotated[
        str | None, typer.Option(help="style_transfer: the style to apply (file or s3://).")
    ] = None,
    prompt: Annotated[str | None, typer.Option("--prompt", "-p", help="What to show.")] = None,
    negative_prompt: Annotated[
        str | None, typer.Option("--negative-prompt", "-n", help="What to keep out.")
    ] = None,
    search_prompt: Annotated[
        str | None, typer.Option(help="search_replace: what to replace.")
    ] = None,
    select_prompt: Annotated[
        str | None, typer.Option(help="search_recolor: what to recolor.")
    ] = None,
    seed: Annotated[int | None, typer.Option(help="0 picks a random seed.")] = None,
    output_format: Annotated[
        str | None,
        typer.Option("--format", "-f", help=" | ".join(OUTPUT_FORMATS), show_default="png"),
    ] = None,
    grow_mask: Annotated[int | None, typer.Option(help="Pixels to grow the mask by.")] = None,
    left: _Margin = None,
    right: _Margin = None,
    up: _Margin = None,
    down: _Margin = None,
    creativity: _Number = None,
    control_strength: _Number = None,
    fidelity: _Number = None,
    composition_fidelity: _Number = None,
    style_strength: _Number = None,
    change_strength: _Number = None,
    aspect_ratio: Annotated[
        str | None, typer.Option(help="style_guide: " + " | ".join(ASPECT_RATIOS) + ".")
    ] = None,
    enhance: options.Enhance = None,
    style: options.Style = None,
    translate: options.Translate = None,
    count: options.Count = None,
    cache: options.Cache = None,
    idempotency_key: options.IdempotencyKey = None,
    user: options.User = None,
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="Also save the result to this file."),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the response (or error) body as JSON.")
    ] = False,
) -> None:
    """Edit one image (inpaint, outpaint, erase, upscale, …) and print where the result is."""

    target = output.expanduser() if output else None

    def payload() -> dict[str, Any]:
        options.refuse_ignored(style=style, enhance=enhance)
        chosen = options.output_format_for(target, output_format) if target else output_format
        given = {
            "operation": operation,
            "prompt": prompt,
            "negative_prompt": negative_prompt,
            "search_prompt": search_prompt,
            "select_prompt": select_prompt,
            "seed": seed,
            "output_format": chosen,
            "grow_mask": grow_mask,
            "left": left,
            "right": right,
            "up": up,
            "down": down,
            "creativity": creativity,
            "control_strength": control_strength,
            "fidelity": fidelity,
            "composition_fidelity": composition_fidelity,
            "style_strength": style_strength,
            "change_strength": change_strength,
            "aspect_ratio": aspect_ratio,
            "enhance_prompt": True if enhance is None and style is not None else enhance,
            "enhancement_style": style,
            "n": count,
            "translate": options.translate_choice(translate),
            "cache": cache,
            "idempotency_key": idempotency_key,
            "user": user,
        }
        fields = {field: value for field, value in given.items() if value is not None}
        for field, value in (("image", image), ("mask", mask), ("style_image", style_image)):
            fields.update(options.image_fields(value, field))
        return fields

    make(
        payload,
        target,
        Reporter(as_json=as_json),
        lambda _: "Editing…",
        {"prompt": "--prompt"},
        operation="edit",
    )
