"""Cold start on Lambda: do the expensive work during init, and stay safe under SnapStart.

A Lambda execution environment runs module-level code once ("init") before the first
request. With SnapStart, Lambda runs init once per published version, snapshots the
memory, and starts every new environment from a copy of that snapshot. Two things follow:

- Work done during init is free for every request after it, so on Lambda genpic builds its
  pipeline there: the backends' modules, botocore and the Bedrock and S3 clients (with their
  endpoint and credential resolution) end up in the snapshot. Off Lambda (the CLI, tests,
  ``genpic serve``) nothing happens here, so those stay lazy.
- Everything in memory is *identical* in all environments restored from one snapshot,
  including the state of the :mod:`random` module. botocore's retry back-off draws its jitter
  from :mod:`random`, so without a re-seed every restored copy would back off in lock-step
  when Bedrock throttles them together. genpic's own unique values (output keys from
  :func:`uuid.uuid4`, random seeds from :mod:`secrets`) read the kernel's CSPRNG on every
  call and never come from the snapshot; the re-seed covers whatever else draws from
  :mod:`random`.

The hooks use ``snapshot_restore_py``, which Lambda's Python runtimes (3.12+) ship.
"""

from __future__ import annotations

import gc
import os
import random
from collections.abc import Callable
from typing import TYPE_CHECKING

from genpic.awssdk.clients import warm
from genpic.logs import logger
from genpic.settings import LAMBDA_FUNCTION_NAME

if TYPE_CHECKING:
    from genpic.pipeline import Pipeline

# Parsed during init so the validation code paths are imported into the snapshot too.
_WARM_UP_PAYLOAD = {"prompt": "warm-up"}


def prime(build: Callable[[], Pipeline]) -> None:
    """On Lambda, build the pipeline now and re-seed :mod:`random` after every restore.

    Parameters
    ----------
    build
        Builds what this function's handler uses (the pipeline, and the HTTP app or the
        worker around it) and returns the process's shared pipeline; the handler module
        passes its own accessor so what is built here is what requests use.

    Notes
    -----
    A deployment setting that is wrong (say ``OUTPUT_BUCKET`` unset) must not crash init:
    the error is logged here and raised again, as a ``ConfigurationError`` response naming
    the variable, by the first request that builds the pipeline.
    """
    try:
        if os.environ.get(LAMBDA_FUNCTION_NAME):
            _build_now(build)
    finally:
        _end_of_init()


def _end_of_init() -> None:
    """Collect garbage again (``genpic.aws`` paused it for init), skipping init's objects."""
    gc.freeze()
    gc.enable()


def _build_now(build: Callable[[], Pipeline]) -> None:
    _register_after_restore(reseed)
    try:
        pipeline = build()
        pipeline.parse(_WARM_UP_PAYLOAD, enhance_default=False)
        warm(pipeline.settings)
    except Exception:
        logger.exception("pipeline not built during init; the first request will retry")


def reseed() -> None:
    """Give this environment its own random state (from ``os.urandom``)."""
    random.seed()


def _register_after_restore(hook: Callable[[], None]) -> None:
    try:
        from snapshot_restore_py import register_after_restore
    except ImportError:  # a Lambda-compatible runtime without SnapStart (e.g. a local emulator)
        return
    register_after_restore(hook)
