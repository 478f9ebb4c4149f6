"""genpic: serverless AI image generation on Amazon Bedrock, with offline defaults.

>>> from genpic import Pipeline
>>> pipeline = Pipeline.from_env()
>>> result = pipeline.run(pipeline.parse({"prompt": "a cat"}, enhance_default=False), "req-1")
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"
__all__ = [
    "GenerationRequest",
    "GenerationResult",
    "GenpicError",
    "Pipeline",
    "Settings",
    "parse_request",
]

_EXPORTS = {
    "GenerationRequest": "genpic.request",
    "parse_request": "genpic.request",
    "GenerationResult": "genpic.pipeline",
    "Pipeline": "genpic.pipeline",
    "GenpicError": "genpic.errors",
    "Settings": "genpic.settings",
}

if TYPE_CHECKING:
    from genpic.errors import GenpicError
    from genpic.pipeline import GenerationResult, Pipeline
    from genpic.request import GenerationRequest, parse_request
    from genpic.settings import Settings


def __getattr__(name: str) -> Any:
    # Lazy so that `import genpic` in a Lambda cold start costs nothing extra.
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'genpic' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
