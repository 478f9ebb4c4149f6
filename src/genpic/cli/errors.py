"""How every ``genpic`` command fails: one line on stderr naming the option, and an exit status.

Exit status (README, docs/cli.md):

- 0: done;
- 1: the work failed (a model, storage or runtime error; a batch line that failed);
- 2: bad input or usage, found before any model call;
- 130: interrupted (Ctrl-C).

Usage errors (Typer's vendored Click) (a bad ``--seed``, an unknown option, a missing file) are
caught by ``GenpicGroup`` and worded here, so no command prints a boxed usage panel.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import pydantic
import typer
from typer._click import exceptions as usage
from typer._click.core import Parameter
from typer.core import TyperGroup, TyperOption

from genpic.errors import GenpicError, ValidationError
from genpic.request import describe

OK = 0
FAILED = 1
BAD_INPUT = 2
INTERRUPTED = 130

# Refusals of the caller's own input, found before any paid call: nothing was paid for.
_BAD_INPUT_STATUSES = frozenset({400, 413, 415})
# Refused because of a field the caller gave (an init image outside INPUT_BUCKET); the same
# statuses without a field are the deployment's (credentials AWS refused, a missing store).
_BAD_FIELD_STATUSES = frozenset({403, 404})


def exit_status(error: GenpicError) -> int:
    """Return the exit status for ``error``: 2 for the caller's input, else 1."""
    if error.status in _BAD_INPUT_STATUSES:
        return BAD_INPUT
    if error.status in _BAD_FIELD_STATUSES and error.field is not None:
        return BAD_INPUT
    return FAILED


def error_line(error: GenpicError, request_id: str | None) -> str:
    """Return the one line that reports ``error`` (its message names the option)."""
    words = (
        error.message if isinstance(error, ValidationError) else f"{error.code}: {error.message}"
    )
    # A server-side fault is only actionable with the id that finds it in the logs.
    if error.status >= 500 and request_id is not None:
        words += f" (request_id {request_id})"
    return f"error: {words}"


def usage_line(exc: usage.ClickException) -> str:
    """Word a usage error as one line naming the option, argument or command."""
    if isinstance(exc, usage.NoSuchOption):
        close = f" (did you mean {' or '.join(exc.possibilities)}?)" if exc.possibilities else ""
        return f"error: {exc.option_name}: no such option{close}{_see_help(exc)}"
    if isinstance(exc, usage.MissingParameter) and exc.param is not None:
        return f"error: {_param_name(exc.param)}: missing{_see_help(exc)}"
    if isinstance(exc, usage.BadParameter) and exc.param is not None:
        return f"error: {_param_name(exc.param)}: {_value_problem(exc)}"
    if isinstance(exc, usage.BadOptionUsage):
        return f"error: {exc.option_name}: {_sentence(exc.message)}{_see_help(exc)}"
    return f"error: {_sentence(exc.format_message())}{_see_help(exc)}"


def _param_name(param: Parameter) -> str:
    if isinstance(param, TyperOption):
        return max(param.opts, key=len)
    return (param.metavar or param.name or "argument").upper()


def _value_problem(exc: usage.BadParameter) -> str:
    # Typer converts values with pydantic: say what is wrong in the request's own words.
    cause = exc.__cause__
    if isinstance(cause, pydantic.ValidationError) and cause.errors():
        error = cause.errors(include_url=False)[0]
        return f"{describe(error)}, got {error['input']!r}"
    return _sentence(exc.message)


def _sentence(message: str) -> str:
    message = message.strip().rstrip(".")
    return message[:1].lower() + message[1:]


def _see_help(exc: usage.ClickException) -> str:
    ctx = getattr(exc, "ctx", None)
    return f"; see {ctx.command_path} --help" if ctx is not None else ""


class GenpicGroup(TyperGroup):
    """The ``genpic`` group: usage errors as one line, and the exit statuses above."""

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        """Run the command line; Click's and Typer's handling, minus the boxed panels."""
        try:
            status = super().main(
                args, prog_name, complete_var, False, windows_expand_args, **extra
            )
        except usage.NoArgsIsHelpError as exc:
            typer.echo(exc.ctx.get_help() if exc.ctx else exc.format_message())
            status = BAD_INPUT
        except usage.ClickException as exc:
            typer.echo(usage_line(exc), err=True)
            status = BAD_INPUT
        except typer.Abort:
            typer.echo("error: interrupted", err=True)
            status = INTERRUPTED
        status = status if isinstance(status, int) else OK
        if not standalone_mode:
            return status
        sys.exit(status)
