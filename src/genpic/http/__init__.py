"""The HTTP app: one FastAPI application served by ``genpic serve`` and on Lambda (Mangum).

``genpic.http.app.create_app`` builds it; nothing here is imported by the
``generate`` and ``enhance`` Lambda handlers, so FastAPI stays out of their cold start.

FastAPI is imported here first, with the pydantic models it defines left to build on
first use (``defer_build``): they are the OpenAPI document's own (``fastapi.openapi.models``,
some forty), which only ``/openapi.json`` validates, and building them all at import was
about a seventh of the ``api`` function's Lambda init.
"""

from pydantic import BaseModel

_config = BaseModel.model_config
# A model takes its bases' configuration when its class is made; these are made now.
BaseModel.model_config = {**_config, "defer_build": True}
try:
    import fastapi  # noqa: F401
finally:
    BaseModel.model_config = _config
