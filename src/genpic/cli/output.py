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

from genpic.cli.errors import error_line, exit_status
from genpic.cli.options import option_for
from genpic.errors import GenpicError

# Longer prompts are cut in the summary; --json always has them whole.
PROMPT_SHOWN = 200
_NAME_WIDTH = len("enhancement")
_CACHE = {
    "hit": "hit: an identical earlier image, no model call",
    "miss": "miss",
    "off": "off (--no-cache)",
}


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

    def success(self, body: dict[str, Any], saved: list[Path]) -> None:
        """Print the success ``body``: a summary, or the JSON body."""
        if self.as_json:
            self._out.print_json(data=body)
            return
        self._out.print(Text.assemble(("✓", "green"), " ", body["message"]))
        for name, value in _summary_rows(body, saved):
            if value:
                self._out.print(Text.assemble((name.ljust(_NAME_WIDTH), "bold cyan"), " ", value))

    def failure(self, error: GenpicError, request_id: str | None, **extra: Any) -> NoReturn:
        """Print ``error`` (with ``extra`` keys in JSON) and exit: 2 for bad input, else 1.

        ``request_id`` is None for a command that made no request (``models``, ``stats``).
        """
        if self.as_json:
            body = error.to_body(request_id)
            option = option_for(error.field)
            if option is not None:
                body["option"] = option
            self._out.print_json(data={**body, **extra})
        else:
            self._err.print(Text(error_line(error, request_id)))
        raise typer.Exit(code=exit_status(error))


def _summary_rows(body: dict[str, Any], saved: list[Path]) -> list[tuple[str, str | None]]:
    parameters = body["parameters"]
    return [
        ("stored", body["uri"]),
        *(("stored", variant["uri"]) for variant in _made_besides(body)),
        ("url", body["url"]),
        ("saved", ", ".join(map(str, saved))),
        ("size", f"{body['width']}x{body['height']} {body['content_type']}"),
        ("seed", str(body["seed"])),
        ("model", body["model"] + (" (preview engine)" if body["preview"] else "")),
        ("prompt", _shorten(parameters["prompt"])),
        ("negative", _shorten(parameters.get("negative_prompt", ""))),
        ("enhancement", _describe_enhancement(body["enhancement"])),
        ("translation", _describe_translation(body.get("translation"))),
        ("cache", _CACHE.get(body.get("cache", ""))),
        ("time", f"{body['timings_ms']['total']} ms"),
        ("cost", f"${body['cost_usd']:.4f} (estimate)"),
        *(("warning", text) for text in body.get("warnings", [])),
        *(("failed", v["message"]) for v in body.get("variants", []) if "error" in v),
        ("request_id", body["request_id"]),
    ]


def _made_besides(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The other images of a request for several (``--count``, ``--styles``)."""
    return [v for v in body.get("variants", []) if "uri" in v and v["uri"] != body["uri"]]


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
