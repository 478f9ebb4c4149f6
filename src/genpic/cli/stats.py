"""``genpic stats``: the records store's figures, as tables or (``--json``) as GET /stats says."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from genpic.cli.output import Reporter
from genpic.errors import as_public_error
from genpic.report import stats_body


def stats(
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the JSON body GET /stats answers.")
    ] = False,
) -> None:
    """Report images, cost, cache hits, enhancement fallbacks, the A/B arms and each client."""
    from genpic import backends
    from genpic.limits.limiter import Limiter
    from genpic.settings import Settings

    try:
        settings = Settings.from_env()
        records = backends.create_records(settings)
        body = {
            **stats_body(records.stats(), settings.ab_enhance_share),
            **Limiter.from_settings(settings, records).report(),
        }
    except Exception as exc:
        Reporter(as_json=as_json).failure(as_public_error(exc), None)
    console = Console(highlight=False, soft_wrap=True)
    if as_json:
        console.print_json(data=body)
        return
    console.print(_totals(body))
    console.print(_clients(body))
    console.print(_arms(body))
    difference = body["experiment"]["difference"]
    if difference["status"] == "estimated":
        low, high = difference["ci95"]
        console.print(
            f"enhanced - plain mean rating: {difference['enhanced_minus_plain']:+.2f} "
            f"(95% CI {low:+.2f} to {high:+.2f}, {difference['method']}): "
            f"{difference['conclusion']}",
            markup=False,
        )
    else:
        console.print(difference["message"], markup=False)


def _totals(body: dict[str, Any]) -> Table:
    table = Table("figure", "value", title="genpic stats")
    rate = body["cache"]["hit_rate"]
    for name, value in (
        ("images", str(body["images"])),
        ("cost", f"${body['cost_usd']:.4f}"),
        ("saved by the cache", f"${body['saved_usd']:.4f}"),
        ("cache hit rate", "-" if rate is None else f"{rate:.1%}"),
        ("cache hits / misses", f"{body['cache']['hits']} / {body['cache']['misses']}"),
        ("enhancement fallbacks", str(body["enhancement_fallbacks"])),
    ):
        table.add_row(name, value)
    return table


def _arms(body: dict[str, Any]) -> Table:
    share = body["experiment"]["share"]
    title = "A/B experiment " + ("(not running)" if share is None else f"(share {share:g})")
    table = Table("arm", "images", "cost", "ratings", "mean rating", "preferred", title=title)
    for arm, figures in body["experiment"]["arms"].items():
        mean = figures["mean_rating"]
        table.add_row(
            arm,
            str(figures["images"]),
            f"${figures['cost_usd']:.4f}",
            str(figures["ratings"]),
            "-" if mean is None else f"{mean:.2f}",
            str(figures["preferred"]),
        )
    return table


def _clients(body: dict[str, Any]) -> Table:
    limits = body["limits"]
    rate, quota = limits["rate_limit"], limits["daily_quota"]
    shown = [
        f"rate {rate['images']} per {rate['period_s']} s" if rate else "no rate limit",
        f"daily quota {quota}" if quota else "no daily quota",
    ]
    table = Table(
        "client",
        "images today",
        "left today",
        "in this window",
        title=f"clients ({', '.join(shown)})",
    )
    for name, figures in body["clients"].items():
        table.add_row(
            name,
            str(figures["images_today"]),
            str(figures.get("remaining_today", "-")),
            str(figures.get("images_this_window", "-")),
        )
    return table
