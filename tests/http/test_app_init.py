"""Building the app does only what answering a request needs; the document is built on demand.

The ``api`` Lambda function builds the app during init (``genpic.aws.handlers``), so whatever
the app's modules compute at import is paid on every cold start. The OpenAPI document's
character-class patterns take a pass over every Unicode code point (``genpic.patterns``):
they are built with the document, the first time ``/openapi.json`` is asked for.
"""

from __future__ import annotations

import json
import subprocess
import sys

from genpic import patterns
from genpic.http.app import create_app
from genpic.request import visible
from genpic.settings import Settings
from tests.support.asgi import LocalClient

_BUILD_APP = """
import json
from genpic import patterns
from genpic.http.app import create_app

app = create_app(bind_host=None)
before = patterns._every_char.cache_info().currsize
app.openapi()
print(json.dumps({"before": before, "after": patterns._every_char.cache_info().currsize,
                  "document": app.openapi_schema is not None}))
"""


def test_building_the_app_scans_no_code_points_until_the_document_is_asked_for(
    tmp_path: object,
) -> None:
    # A fresh interpreter: this test process may have built a document already.
    completed = subprocess.run(
        [sys.executable, "-c", _BUILD_APP], capture_output=True, text=True, cwd=str(tmp_path)
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    assert result == {"before": 0, "after": 1, "document": True}


def test_the_edit_texts_built_on_demand_carry_the_parsers_rule() -> None:
    with LocalClient(create_app(Settings())) as client:
        document = client.get("/openapi.json").json()
    edit = document["paths"]["/edit"]["post"]["requestBody"]["content"]["application/json"]
    branches = {b["properties"]["operation"]["const"]: b for b in edit["schema"]["oneOf"]}
    rule = patterns.containing(visible)
    assert branches["inpaint"]["properties"]["prompt"]["pattern"] == rule
    assert branches["search_replace"]["properties"]["search_prompt"]["pattern"] == rule
