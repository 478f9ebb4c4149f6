"""What the command line prints: summary or JSON on stdout, errors and progress on stderr.

Every piece of user or upstream text (prompts, paths, model ids, messages) is printed as a
``Text``, never parsed as Rich markup, and lines are never wrapped by Rich: a pipe gets one
``name value`` row per line, and a terminal wraps long values itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NoReturn

import typer
from rich.console import Console
from rich.status import Status
from rich.text import Text

from genpic.cli.options import option_for
from genpic.errors import GenpicError

# Longer prompts are cut in the summary; --json always has them whole.
PROMPT_SHOWN = 200
_NAME_WIDTH = len("enhancement")


class Reporter:
    """Prints one command's result or error, as text or (``as_json``) as the JSON body.

    Parameters
    ----------
    as_json
        Print the success or error body as JSON on stdout instead of a summary.
    """

    def __init__(self, *, as_json: bool) -> None:
        self.as_json = as_json
        self._out = Console(highlight=False, soft_wrap=True)
        self._err = Console(stderr=True, highlight=False, soft_wrap=True)

    def status(self, text: str) -> Status:
        """Return a spinner on stderr (shown on a terminal only) so stdout stays clean."""
        return self._err.status(Text(text))

    def success(self, body: dict[str, Any], saved: Path | None) -> None:
        """Print the success ``body``: a summary, or the JSON body."""
        if self.as_json:
            self._out.print_json(data=body)
            return
        self._out.print(Text.assemble(("✓", "green"), " ", body["message"]))
        for name, value in _summary_rows(body, saved):
            if value:
                self._out.print(Text.assemble((name.ljust(_NAME_WIDTH), "bold cyan"), " ", value))

    def failure(self, error: GenpicError, request_id: str, **extra: Any) -> NoReturn:
        """Print ``error`` (with ``extra`` keys in JSON) and exit with status 1."""
        if self.as_json:
            body = error.to_body(request_id)
            option = option_for(error.field)
            if option is not None:
                body["option"] = option
            self._out.print_json(data={**body, **extra})
        else:
            self._err.print(Text.assemble(("error", "red"), f" {error.code}: ", error.message))
            # A server-side fault is only actionable with the id that finds it in the logs.
            if error.status >= 500:
                self._err.print(f"request_id {request_id}", markup=False)
        raise typer.Exit(code=1)


def _summary_rows(body: dict[str, Any], saved: Path | None) -> list[tuple[str, str | None]]:
    return [
        ("stored", body["uri"]),
        ("url", body["url"]),
        ("saved", str(saved) if saved else None),
        ("size", f"{body['width']}x{body['height']} {body['content_type']}"),
        ("seed", str(body["seed"])),
        ("model", body["model"] + (" (preview engine)" if body["preview"] else "")),
        ("prompt", _shorten(body["parameters"]["prompt"])),
        ("enhancement", _describe_enhancement(body["enhancement"])),
        ("translation", _describe_translation(body.get("translation"))),
        ("time", f"{body['timings_ms']['total']} ms"),
        ("cost", f"${body['cost_usd']:.4f} (estimate)"),
        ("request_id", body["request_id"]),
    ]


def _shorten(text: str) -> str:
    if len(text) <= PROMPT_SHOWN:
        return text
    return f"{text[:PROMPT_SHOWN].rstrip()}… ({len(text):,} characters; --json shows all)"


def _describe_translation(translation: dict[str, Any] | None) -> str | None:
    if translation is None:
        return None
    return _outcome(translation, f"from {translation['source_language']}")


def _describe_enhancement(enhancement: dict[str, Any]) -> str:
    return _outcome(enhancement, f"{enhancement['enhancer']}, {enhancement['style']}")


def _outcome(stage: dict[str, Any], detail: str) -> str:
    text = f"{stage['status']} ({detail})"
    if stage.get("reason"):
        text += f": {stage['reason']}"
    return text
