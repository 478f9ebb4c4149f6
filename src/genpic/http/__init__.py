"""The HTTP app: one FastAPI application served by ``genpic serve`` and on Lambda (Mangum).

``genpic.http.app.create_app`` builds it; nothing here is imported by the
``generate`` and ``enhance`` Lambda handlers, so FastAPI stays out of their cold start.

FastAPI is imported here first, with the pydantic models it defines left to build on
first use (``defer_build``): they are the OpenAPI document's own (``fastapi.openapi.models``,
some forty), which only ``/openapi.json`` validates, and building them all at import was
about a seventh of the ``api`` function's Lambda init. That module also rebuilds three of
them itself (``Schema.model_rebuild()``, to resolve their forward references), which builds
most of the others with them; those calls are left out too, and pydantic rebuilds each model
the first time it is used, as it does any deferred model.
"""

from typing import Any

from pydantic import BaseModel

_config = BaseModel.model_config
_original_rebuild = BaseModel.__dict__["model_rebuild"]
_rebuild = _original_rebuild.__func__


def _rebuild_when_used(cls: type[BaseModel], *args: Any, **kwargs: Any) -> bool | None:
    if not args and not kwargs:  # a module's own rebuild at import: left to the first use
        return None
    # pydantic's rebuild on first use reads the namespace of a frame above: count this one.
    kwargs["_parent_namespace_depth"] = kwargs.get("_parent_namespace_depth", 2) + 1
    rebuilt: bool | None = _rebuild(cls, *args, **kwargs)
    return rebuilt


# A model takes its bases' configuration when its class is made; these are made now.
BaseModel.model_config = {**_config, "defer_build": True}
BaseModel.model_rebuild = classmethod(_rebuild_when_used)  # type: ignore[assignment]
try:
    import fastapi  # noqa: F401
finally:
    BaseModel.model_config = _config
    BaseModel.model_rebuild = _original_rebuild  # type: ignore[method-assign]
