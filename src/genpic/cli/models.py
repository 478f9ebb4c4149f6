"""``genpic models``: the catalog (operations, limits, price, lifecycle), and with ``--live``
where Bedrock's ``ListFoundationModels`` disagrees with it."""

from __future__ import annotations

import math
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from genpic.catalog import (
    IMAGE_MODELS,
    MAX_PROMPT,
    RETIRED_MODELS,
    TEXT_MODELS,
    EditSpec,
    ImageModel,
    Lifecycle,
    TextModel,
    base_model_id,
    lifecycle_body,
)
from genpic.cli.output import Reporter
from genpic.errors import as_public_error

#: What the enhancer asks of a text model.
TEXT_OPERATIONS = ("enhance", "translate")


def models(
    live: Annotated[
        bool,
        typer.Option(
            "--live", help="Also ask Bedrock (ListFoundationModels) and show where it disagrees."
        ),
    ] = False,
    region: Annotated[
        str | None, typer.Option(help="Region to ask with --live (default: AWS_REGION).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the rows as JSON.")] = False,
) -> None:
    """List every catalog model with its operations, limits, price and lifecycle."""
    from genpic.settings import Settings

    rows = catalog_rows()
    title = "genpic models"
    if live:
        try:
            where = region or Settings.from_env().region
            _add_upstream(rows, where)
        except Exception as exc:
            Reporter(as_json=as_json).failure(as_public_error(exc), None)
        title += f" (Bedrock in {where})"
    console = Console(highlight=False, soft_wrap=True)
    if as_json:
        console.print_json(data=rows)
        return
    console.print(_table(rows, title, live=live))


def catalog_rows() -> list[dict[str, Any]]:
    """Return one row per catalog model: image models, text models, then retired ones."""
    rows = [
        _row(m.model_id, m.label, m.operations, _limits(m), _image_price(m), m.lifecycle)
        for m in IMAGE_MODELS.values()
    ]
    rows += [
        _row(
            m.model_id,
            m.label,
            TEXT_OPERATIONS,
            "",
            _text_price(m),
            m.lifecycle,
        )
        for m in TEXT_MODELS.values()
    ]
    # A retired model does nothing any more; its row says what replaces it.
    rows += [_row(m.model_id, m.label, (), "", "", m.lifecycle) for m in RETIRED_MODELS.values()]
    return rows


def _row(
    model_id: str,
    label: str,
    operations: tuple[str, ...],
    limits: str,
    price: str,
    lifecycle: Lifecycle,
) -> dict[str, Any]:
    return {
        "model": model_id,
        "label": label,
        "operations": list(operations),
        "limits": limits,
        "price": price,
        "lifecycle": lifecycle_body(lifecycle),
    }


def _image_price(model: ImageModel) -> str:
    return f"${model.usd_per_image:g} / image"


def _text_price(model: TextModel) -> str:
    per_million_in, per_million_out = model.usd_per_1k_input * 1000, model.usd_per_1k_output * 1000
    return f"${per_million_in:.3g} / 1M tokens in, ${per_million_out:.3g} out"


def _limits(model: ImageModel) -> str:
    if model.edit is not None:
        return _edit_limits(model.edit)
    limits = [f"prompt ≤ {model.max_prompt:,} chars", f"seed ≤ {model.max_seed:,}"]
    if math.isfinite(model.init_image.max_side):
        limits.append(f"input side ≤ {model.init_image.max_side:,.0f} px")
    return ", ".join(limits)


def _edit_limits(spec: EditSpec) -> str:
    image = spec.limits
    limits = [] if spec.prompt == "none" else [f"prompt ≤ {MAX_PROMPT:,} chars"]
    sides = f"image sides ≥ {image.min_side} px"
    if math.isfinite(image.max_side):
        sides = f"image sides {image.min_side} to {image.max_side:,.0f} px"
    limits += [
        sides,
        f"{image.min_pixels:,} to {image.max_pixels:,.0f} pixels",
        f"ratio ≤ {image.max_ratio:g}:1",
    ]
    return ", ".join(limits)


def _add_upstream(rows: list[dict[str, Any]], region: str) -> None:
    from genpic.awssdk.clients import bedrock_control
    from genpic.awssdk.errors import control_plane_error
    from genpic.upstream import disagreements, upstream_models

    client = bedrock_control(region)
    try:
        summaries = client.list_foundation_models()["modelSummaries"]
    except Exception as exc:
        raise control_plane_error(exc, "ListFoundationModels", region) from exc
    listed = upstream_models(summaries)
    differ = disagreements(summaries)
    for row in rows:
        # An image service is listed by its model id, invoked through its us. profile.
        upstream = listed.get(base_model_id(row["model"]))
        row["bedrock"] = upstream.status if upstream else None
        row["disagreement"] = differ.get(row["model"])


def _table(rows: list[dict[str, Any]], title: str, *, live: bool) -> Table:
    columns = ["model", "operations", "limits", "price", "lifecycle"]
    if live:
        columns += ["Bedrock", "disagreement"]
    table = Table(*columns, title=title)
    for row in rows:
        cells = [
            Text(row["model"]),
            Text(", ".join(row["operations"])),
            Text(row["limits"]),
            Text(row["price"]),
            _lifecycle_text(row["lifecycle"]),
        ]
        if live:
            cells += [
                Text(row["bedrock"] or "not listed"),
                Text(row["disagreement"] or "", style="yellow"),
            ]
        table.add_row(*cells)
    return table


def _lifecycle_text(lifecycle: dict[str, str]) -> Text:
    status = lifecycle["status"]
    if status == "legacy":
        return Text(f"legacy, end of life {lifecycle['end_of_life']}", style="yellow")
    if status == "retired":
        return Text(
            f"retired {lifecycle['end_of_life']}, use {lifecycle['replacement']}", style="red"
        )
    return Text(status)
