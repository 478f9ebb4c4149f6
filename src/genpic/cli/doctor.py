"""``genpic doctor``: one row per check of a deployment, a fix for each failure; exit 1 on any."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

_STYLES = {"ok": "green", "warn": "yellow", "fail": "bold red", "skip": "dim"}


def doctor(
    stack: Annotated[
        str | None,
        typer.Option(help="Check this CloudFormation stack (its outputs and parameters)."),
    ] = None,
    region: Annotated[
        str | None, typer.Option(help="The region to check (default: AWS_REGION, else us-west-2).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the checks as JSON.")] = False,
) -> None:
    """Check a deployment: models in the region and access to them, buckets, links, table,
    queue and guardrail. Without --stack, the deployment the environment describes.
    """
    from genpic.doctor import diagnose, failed

    deployment, checks = diagnose(stack, region)
    console = Console(highlight=False, soft_wrap=True)
    if as_json:
        console.print_json(
            data={
                "source": deployment.source,
                "region": deployment.region,
                "ok": not failed(checks),
                "checks": [check.to_json() for check in checks],
            }
        )
    else:
        table = Table(
            "check",
            "status",
            "detail",
            "fix",
            title=f"genpic doctor: {deployment.source} in {deployment.region}",
        )
        for check in checks:
            status = f"[{_STYLES[check.status]}]{check.status}[/]"
            table.add_row(check.name, status, check.detail, check.fix or "", end_section=False)
        console.print(table)
    if failed(checks):
        raise typer.Exit(1)
