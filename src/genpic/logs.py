"""The one structured logger (Powertools for AWS Lambda), shared by every module.

Where its JSON lines go depends on where genpic runs:

- on Lambda (``AWS_LAMBDA_FUNCTION_NAME`` set): stdout, for CloudWatch, at Powertools'
  level (``POWERTOOLS_LOG_LEVEL``, INFO by default), or ``GENPIC_LOG_LEVEL`` when set;
- elsewhere (the command line, a library caller): stderr, and only when asked for, with
  ``GENPIC_LOG_LEVEL`` or ``genpic -v``. A library must not print into its caller's output.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Mapping

from aws_lambda_powertools import Logger

from genpic.settings import LAMBDA_FUNCTION_NAME, LOG_LEVEL

SERVICE = "genpic"
_SILENT = logging.CRITICAL + 1
_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is at the time, like ``logging.lastResort``."""

    def emit(self, record: logging.LogRecord) -> None:
        # Test runners and embedding programs swap sys.stderr after genpic is imported.
        self.stream = sys.stderr
        super().emit(record)


def _level(env: Mapping[str, str]) -> str | None:
    name = env.get(LOG_LEVEL, "").strip().upper()
    # An unknown name must not break `import genpic`; it means "log", at the usual level.
    return None if not name else name if name in _LEVELS else "INFO"


def _handler(env: Mapping[str, str]) -> logging.Handler:
    if env.get(LAMBDA_FUNCTION_NAME):
        return logging.StreamHandler(sys.stdout)
    handler = _StderrHandler()
    handler.setLevel(_level(env) or _SILENT)
    return handler


logger = Logger(service=SERVICE, level=_level(os.environ), logger_handler=_handler(os.environ))


def show_logs(level: str | None = None) -> None:
    """Print log records at ``level`` (default: ``GENPIC_LOG_LEVEL``, else INFO) and above.

    For ``genpic -v``; off Lambda the records go to stderr.
    """
    level = level or _level(os.environ) or "INFO"
    logger.setLevel(level)
    logger.registered_handler.setLevel(level)
