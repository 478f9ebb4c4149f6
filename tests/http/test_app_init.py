"""Building the app does only what answering a request needs; the document is built on demand.

The ``api`` Lambda function builds the app during init (``genpic.aws.handlers``), so whatever
the app's modules compute at import is paid on every cold start. Two parts of the OpenAPI
document wait for the first ``/openapi.json``: its character-class patterns, which take a
pass over every Unicode code point (``genpic.patterns``), and FastAPI's own models of the
document (``fastapi.openapi.models``, left unbuilt by ``genpic.http``).
"""

from __future__ import annotations

import json
import subprocess
import sys

from fastapi.routing import APIRoute

from genpic import patterns
from genpic.http import core, edits, images, jobs, openai_compat, records
from genpic.http.app import create_app
from genpic.http.schemas import BODY
from genpic.request import BLANK_PRINTABLE
from genpic.settings import Settings
from tests.support.asgi import LocalClient

_BUILD_APP = """
import json
from genpic.http.app import create_app
from fastapi.openapi import models
from pydantic import BaseModel
from genpic import patterns

app = create_app(bind_host=None)
unbuilt = [m.__name__ for m in vars(models).values()
           if isinstance(m, type) and issubclass(m, BaseModel) and m.__module__ == models.__name__
           and m.__pydantic_complete__]
scanned = patterns._every_char.cache_info().currsize
app.openapi()
nested = models.Schema(type="array", items=models.Schema(type="string"))
print(json.dumps({"built at init": unbuilt, "scanned at init": scanned,
                  "scanned with the document": patterns._every_char.cache_info().currsize,
                  "document": models.OpenAPI.__pydantic_complete__,
                  "nested": nested.model_dump(exclude_none=True)}))
"""


def test_building_the_app_leaves_the_document_until_it_is_asked_for(
    tmp_path: object,
) -> None:
    # A fresh interpreter: this test process may have built a document already.
    completed = subprocess.run(
        [sys.executable, "-c", _BUILD_APP], capture_output=True, text=True, cwd=str(tmp_path)
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    assert result == {
        "built at init": ["OAuthFlows"],  # FastAPI makes one at import (OAuth2's default flows)
        "scanned at init": 0,
        "scanned with the document": 1,
        "document": True,
        "nested": {"type": "array", "items": {"type": "string"}},
    }


def test_the_edit_texts_built_on_demand_carry_the_parsers_rule() -> None:
    with LocalClient(create_app(Settings())) as client:
        document = client.get("/openapi.json").json()
    edit = document["paths"]["/edit"]["post"]["requestBody"]["content"]["application/json"]
    branches = {b["properties"]["operation"]["const"]: b for b in edit["schema"]["oneOf"]}
    rule = patterns.printable_beyond(BLANK_PRINTABLE)
    assert branches["inpaint"]["properties"]["prompt"]["pattern"] == rule
    assert branches["search_replace"]["properties"]["search_prompt"]["pattern"] == rule


def test_no_route_builds_a_validator_for_a_body_the_document_names() -> None:
    # A body named through schemas.answers is put in the document when it is built; a
    # ``model`` there, or a response_model, would make FastAPI build a validator per route.
    named = []
    for module in (core, edits, images, jobs, openai_compat, records):
        for route in module.router.routes:
            assert isinstance(route, APIRoute)
            for status, answer in route.responses.items():
                assert "model" not in answer, (route.path, status)
                if BODY in str(answer) and status == 200:
                    named.append(route.path)
                    assert route.response_field is None, route.path
    assert {"/edit", "/v1/images/generations", "/v1/images/edits", "/generate"} <= set(named)
