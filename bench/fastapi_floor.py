"""The least an ``api`` function built on FastAPI and Mangum can add to ``generate``'s init.

bench/cold_start.py times its import as the ``floor`` row: ``generate``'s init (the
pipeline, its botocore clients, the request model) plus FastAPI, Starlette, anyio and
Mangum imported the way ``genpic.http`` imports them (OpenAPI models deferred, inside init's
garbage-collection pause, dataclasses from the bundle's bytecode) and an app with one
route, but none of genpic's HTTP modules. Whatever genpic's routes cost, the ``api`` init
cannot go below this row.
"""

# genpic's two modules come first, as in genpic's own init.
# isort: off
import genpic.aws  # init's gc pause and shipped dataclass code (_HANDLER)
import genpic.http  # FastAPI, its OpenAPI models left to the document
from fastapi import FastAPI
from mangum import Mangum
# isort: on

app = FastAPI()


@app.get("/health")
def health() -> dict[str, str]:
    """Answer, so FastAPI reads one route's signature as it reads each of genpic's."""
    return {"status": "ok"}


handler = Mangum(app, lifespan="off")

# Last: generate's init, which ends init (gc frozen and back on) as every handler's does.
import genpic.aws.handlers  # noqa: E402, F401
