"""The ``genpic`` Typer app and its global options; commands register themselves on ``app``."""

from __future__ import annotations

from typing import Annotated

import typer

from genpic import __version__
from genpic.cli.errors import GenpicGroup
from genpic.logs import show_logs
from genpic.settings import LOG_LEVEL

app = typer.Typer(
    help="Generate images with Stability AI models on Amazon Bedrock, or offline previews.",
    cls=GenpicGroup,
    no_args_is_help=True,
    add_completion=False,
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"genpic {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    verbose: Annotated[
        bool,
        typer.Option(
            "--verbose", "-v", help=f"Print JSON logs on stderr (level: {LOG_LEVEL}, else INFO)."
        ),
    ] = False,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """genpic: serverless AI image generation for AWS."""
    # Logs are for CloudWatch and debugging; on a terminal the summary says it all.
    if verbose:
        show_logs()
