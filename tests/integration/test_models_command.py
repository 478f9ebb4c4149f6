"""``genpic models``: the catalog as a table, and with ``--live`` Bedrock's disagreements.

The live listing is driven against the Bedrock double's control plane (``ListFoundationModels``
on ``AWS_ENDPOINT_URL_BEDROCK``); the test asserts the call reached it.
"""

from __future__ import annotations

import json
import socket
from typing import Any

import pytest

from genpic.catalog import (
    NOVA_CANVAS,
    NOVA_PRO,
    SD35_LARGE,
    STABLE_IMAGE_CORE,
    STABLE_IMAGE_ULTRA,
    TITAN_IMAGE_V2,
)
from tests.support.bedrock_double import BedrockDouble
from tests.support.cli import invoke


@pytest.fixture(autouse=True)
def _wide(monkeypatch: pytest.MonkeyPatch) -> None:
    # A terminal wide enough that Rich keeps each model on one line.
    monkeypatch.setenv("COLUMNS", "300")


def rows(*args: str) -> dict[str, dict[str, Any]]:
    result = invoke("models", "--json", *args)
    assert result.exit_code == 0, result.output
    return {row["model"]: row for row in json.loads(result.stdout)}


@pytest.fixture
def control_plane(aws: Any, bedrock: BedrockDouble, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK", bedrock.url)
    return bedrock.control


def test_every_catalog_model_is_listed_with_operations_price_and_lifecycle() -> None:
    listed = rows()

    assert listed[SD35_LARGE]["operations"] == ["generate", "image_to_image"]
    assert listed[STABLE_IMAGE_CORE]["operations"] == ["generate"]
    assert listed[SD35_LARGE]["price"] == "$0.08 / image"
    assert "seed ≤ 4,294,967,294" in listed[SD35_LARGE]["limits"]
    assert listed[SD35_LARGE]["lifecycle"]["status"] == "active"
    for retired, ended in ((NOVA_CANVAS, "2026-09-30"), (TITAN_IMAGE_V2, "2026-06-30")):
        lifecycle = listed[retired]["lifecycle"]
        assert (lifecycle["status"], lifecycle["end_of_life"]) == ("retired", ended)
        assert lifecycle["replacement"] == SD35_LARGE
        assert lifecycle["source"].startswith("https://docs.aws.amazon.com/bedrock/")
    assert listed[NOVA_PRO]["operations"] == ["enhance", "translate"]
    assert listed[NOVA_PRO]["price"] == "$0.8 / 1M tokens in, $3.2 out"


def test_every_image_service_is_listed_by_its_profile_with_its_operation_and_limits() -> None:
    listed = rows()

    inpaint = listed["us.stability.stable-image-inpaint-v1:0"]
    assert inpaint["operations"] == ["inpaint"]
    assert inpaint["price"] == "$0.07 / image"
    assert inpaint["limits"] == (
        "prompt ≤ 10,000 chars, image sides ≥ 64 px, 4,096 to 9,437,184 pixels, ratio ≤ 2.5:1"
    )
    assert inpaint["lifecycle"] == {
        "status": "active",
        "source": "https://docs.aws.amazon.com/bedrock/latest/userguide/model-cards-stability-ai.html",
    }
    fast = listed["us.stability.stable-fast-upscale-v1:0"]
    assert fast["limits"] == "image sides 32 to 1,536 px, 1,024 to 1,048,576 pixels, ratio ≤ 2.5:1"
    services = [row for row in listed.values() if row["model"].startswith("us.stability.")]
    assert len(services) == 13
    assert all(row["lifecycle"]["status"] == "active" for row in services)


def test_the_table_shows_a_retired_model_and_its_replacement() -> None:
    result = invoke("models")

    assert result.exit_code == 0, result.output
    line = next(line for line in result.stdout.splitlines() if NOVA_CANVAS in line)
    assert "retired 2026-09-30" in line


def test_live_agrees_when_bedrock_lists_the_catalog_as_it_is(
    control_plane: Any,
) -> None:
    listed = rows("--live")

    assert ("ListFoundationModels", "/foundation-models") in control_plane.calls
    assert listed[SD35_LARGE]["bedrock"] == "ACTIVE"
    assert listed[SD35_LARGE]["disagreement"] is None
    # An image service is listed by its model id; the catalog names its us. profile.
    outpaint = listed["us.stability.stable-outpaint-v1:0"]
    assert (outpaint["bedrock"], outpaint["disagreement"]) == ("ACTIVE", None)
    # Past their end of life Bedrock no longer lists them: that is what the catalog says too.
    assert listed[NOVA_CANVAS]["bedrock"] is None
    assert listed[NOVA_CANVAS]["disagreement"] is None


def test_live_shows_where_bedrock_and_the_catalog_disagree(control_plane: Any) -> None:
    control_plane.set_lifecycle(STABLE_IMAGE_ULTRA, "LEGACY")
    control_plane.withdraw(STABLE_IMAGE_CORE)
    control_plane.set_lifecycle(NOVA_CANVAS, "ACTIVE")

    listed = rows("--live")

    assert listed[STABLE_IMAGE_ULTRA]["disagreement"] == (
        "LEGACY upstream (end of life 2027-01-01 upstream), active in the catalog"
    )
    assert listed[STABLE_IMAGE_CORE]["disagreement"] == "not offered in this region"
    assert listed[NOVA_CANVAS]["disagreement"] == (
        "retired in the catalog, but Bedrock still lists it as ACTIVE"
    )
    assert listed[SD35_LARGE]["disagreement"] is None

    table = invoke("models", "--live")
    assert table.exit_code == 0, table.output
    assert "not offered in this region" in table.stdout


def test_live_without_access_is_a_clear_error(control_plane: Any) -> None:
    control_plane.fail(
        "ListFoundationModels", "AccessDeniedException", 403, "User is not authorized"
    )
    result = invoke("models", "--live", "--json")

    assert result.exit_code == 1
    assert "bedrock:ListFoundationModels" in result.output


def test_an_unreachable_bedrock_is_one_line_without_a_request_id(
    aws: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The command makes no request of genpic's, so there is no id to look up in the logs.
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    monkeypatch.setenv("AWS_ENDPOINT_URL_BEDROCK", f"http://127.0.0.1:{port}")

    line = invoke("models", "--live")
    body = json.loads(invoke("models", "--live", "--json").stdout)

    assert line.exit_code == 1
    [message] = line.stderr.splitlines()
    assert message.startswith(f"error: {body['error']}: ")
    assert body["error"] == "ModelUnavailable" and "request_id" not in body
    assert "Could not connect to Bedrock" in message
    assert "request_id" not in message
