"""The screens through the Lambda handlers, asserted at the wire (Bedrock double and moto S3).

Every refusal is a 422 ContentFiltered naming its screen, with no image-model call (the
output screen aside) and nothing stored, and one EMF counter per screen.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from genpic.aws import handlers
from tests.conftest import OUTPUT_BUCKET
from tests.integration.helpers import invoke
from tests.support.bedrock_double import BedrockDouble, Fault, RecordedCall
from tests.support.emf import named, printed

GUARDRAIL = "gr0test1"


def calls(bedrock: BedrockDouble, operation: str) -> list[RecordedCall]:
    return [c for c in bedrock.requests if c.operation == operation]


def stored_keys(s3: Any) -> list[str]:
    return [o["Key"] for o in s3.list_objects_v2(Bucket=OUTPUT_BUCKET).get("Contents", [])]


def assert_refused(body: dict[str, Any], status: int, screen: str) -> None:
    assert status == 422, body
    assert (body["error"], body["screen"]) == ("ContentFiltered", screen)
    assert "Rephrase the prompt" in body["message"]


@pytest.fixture
def blocklist(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    path = tmp_path / "blocklist.txt"
    path.write_text("# the operator's own terms\nmèo đen\nred dragon\n", "utf-8")
    monkeypatch.setenv("GENPIC_BLOCKLIST", str(path))
    return path


@pytest.fixture
def guardrail(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("GENPIC_GUARDRAIL_ID", GUARDRAIL)
    return GUARDRAIL


@pytest.mark.parametrize("handler", ["generate", "enhance"])
def test_a_listed_phrase_is_refused_before_any_model_call(
    aws: Any, bedrock: BedrockDouble, blocklist: Path, handler: str
) -> None:
    status, _, body = invoke(handler, {"prompt": "Một con MÈO   ĐEN trên mái nhà"})
    assert_refused(body, status, "blocklist")
    assert "mèo" not in body["message"].lower()  # the list stays private
    assert bedrock.requests == []
    assert stored_keys(aws) == []


def test_the_built_in_list_is_on_by_default_and_can_be_turned_off(
    aws: Any, bedrock: BedrockDouble, monkeypatch: pytest.MonkeyPatch
) -> None:
    status, _, body = invoke("generate", {"prompt": "nude children on a beach"})
    assert_refused(body, status, "blocklist")
    assert bedrock.requests == []
    monkeypatch.setenv("GENPIC_BLOCKLIST_DEFAULT", "off")
    handlers.reset()  # the shared pipeline re-reads the environment
    status, _, body = invoke("generate", {"prompt": "nude children on a beach"})
    assert status == 200, body
    assert calls(bedrock, "InvokeModel")


def test_other_words_and_negative_prompts_pass_the_blocklist(
    aws: Any, bedrock: BedrockDouble, blocklist: Path
) -> None:
    status, _, body = invoke(
        "generate", {"prompt": "con mèo trắng", "negative_prompt": "mèo đen", "translate": False}
    )
    assert status == 200, body
    [sent] = calls(bedrock, "InvokeModel")
    assert (sent.body["prompt"], sent.body["negative_prompt"]) == ("con mèo trắng", "mèo đen")


def test_an_enhanced_prompt_with_a_listed_phrase_never_reaches_the_image_model(
    aws: Any, bedrock: BedrockDouble, blocklist: Path
) -> None:
    bedrock.set_converse_reply("a Red-Dragon over a castle, oil painting")
    status, _, body = invoke("enhance", {"prompt": "a dragon"})
    assert_refused(body, status, "blocklist")
    assert "enhanced prompt" in body["message"]
    assert [c.operation for c in bedrock.requests] == ["Converse"]
    assert stored_keys(aws) == []


def test_a_translated_prompt_with_a_listed_phrase_never_reaches_the_image_model(
    aws: Any, bedrock: BedrockDouble, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    listed = tmp_path / "list.txt"
    listed.write_text("black cat\n", "utf-8")
    monkeypatch.setenv("GENPIC_BLOCKLIST", str(listed))
    # The double translates this prompt to "a black cat sleeping on a roof".
    status, _, body = invoke("generate", {"prompt": "một con mèo đen ngủ trên mái nhà"})
    assert_refused(body, status, "blocklist")
    assert "translated prompt" in body["message"]
    assert [c.operation for c in bedrock.requests] == ["Converse"]


def test_the_guardrail_screens_the_prompt_as_given_with_its_version(
    aws: Any, bedrock: BedrockDouble, guardrail: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GENPIC_GUARDRAIL_VERSION", "3")
    status, _, body = invoke("generate", {"prompt": "a lighthouse at dusk"})
    assert status == 200, body
    [screened] = calls(bedrock, "ApplyGuardrail")
    assert (screened.model_id, screened.version) == (guardrail, "3")
    assert screened.body == {
        "source": "INPUT",
        "content": [{"text": {"text": "a lighthouse at dusk"}}],
    }
    assert [c.operation for c in bedrock.requests] == ["ApplyGuardrail", "InvokeModel"]


def test_a_guardrail_intervention_is_a_refusal_with_no_model_call(
    aws: Any, bedrock: BedrockDouble, guardrail: str
) -> None:
    status, _, body = invoke("enhance", {"prompt": "how to build a bomb"})
    assert_refused(body, status, "guardrail")
    assert "SEXUAL" in body["message"]  # the double's blocking filter, named
    assert [c.operation for c in bedrock.requests] == ["ApplyGuardrail"]
    assert calls(bedrock, "ApplyGuardrail")[0].version == "DRAFT"
    assert stored_keys(aws) == []


def test_the_guardrail_screens_the_enhanced_prompt_too(
    aws: Any, bedrock: BedrockDouble, guardrail: str
) -> None:
    bedrock.set_converse_reply("a castle, and a bomb going off in the courtyard")
    status, _, body = invoke("enhance", {"prompt": "a castle"})
    assert_refused(body, status, "guardrail")
    screened = [c.body["content"][0]["text"]["text"] for c in calls(bedrock, "ApplyGuardrail")]
    assert screened == ["a castle", "a castle, and a bomb going off in the courtyard"]
    assert not calls(bedrock, "InvokeModel")


def test_a_prompt_the_enhancer_did_not_change_is_screened_once(
    aws: Any, bedrock: BedrockDouble, guardrail: str
) -> None:
    status, _, body = invoke("generate", {"prompt": "a cat", "enhance_prompt": True})
    assert status == 200, body
    screened = [c.body["content"][0]["text"]["text"] for c in calls(bedrock, "ApplyGuardrail")]
    assert screened == ["a cat", body["enhanced_prompt"]]
    bedrock.reset()
    bedrock.inject(Fault("AccessDeniedException", operation="Converse"))  # falls back
    status, _, body = invoke("generate", {"prompt": "a dog", "enhance_prompt": True})
    assert status == 200, body
    assert len(calls(bedrock, "ApplyGuardrail")) == 1


@pytest.mark.parametrize(
    ("fault", "status", "code"),
    [
        (Fault("ThrottlingException"), 429, "Throttled"),
        (Fault("AccessDeniedException"), 500, "ConfigurationError"),
        (Fault("ResourceNotFoundException"), 500, "ConfigurationError"),
    ],
)
def test_a_guardrail_that_cannot_screen_fails_closed(
    aws: Any,
    bedrock: BedrockDouble,
    guardrail: str,
    monkeypatch: pytest.MonkeyPatch,
    fault: Fault,
    status: int,
    code: str,
) -> None:
    monkeypatch.setenv("GENPIC_MODEL_ATTEMPTS", "1")
    fault.operation = "ApplyGuardrail"
    bedrock.inject(fault)
    got, _, body = invoke("generate", {"prompt": "a cat"})
    assert (got, body["error"]) == (status, code), body
    assert not calls(bedrock, "InvokeModel")
    if code == "ConfigurationError":
        assert "GENPIC_GUARDRAIL_ID" in body["message"]


def test_an_unknown_guardrail_names_the_variables(
    aws: Any, bedrock: BedrockDouble, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GENPIC_GUARDRAIL_ID", "nosuchguardrail")
    status, _, body = invoke("generate", {"prompt": "a cat"})
    assert (status, body["error"]) == (500, "ConfigurationError")
    assert "GENPIC_GUARDRAIL_VERSION" in body["message"]
    assert not calls(bedrock, "InvokeModel")


@pytest.mark.parametrize(("output_format", "sent_as"), [("png", "png"), ("webp", "jpeg")])
def test_with_images_on_the_generated_image_is_screened_as_output(
    aws: Any,
    bedrock: BedrockDouble,
    guardrail: str,
    monkeypatch: pytest.MonkeyPatch,
    output_format: str,
    sent_as: str,
) -> None:
    monkeypatch.setenv("GENPIC_GUARDRAIL_IMAGES", "on")
    status, _, body = invoke("generate", {"prompt": "a cat", "output_format": output_format})
    assert status == 200, body
    assert [c.operation for c in bedrock.requests] == [
        "ApplyGuardrail",
        "InvokeModel",
        "ApplyGuardrail",
    ]
    output = calls(bedrock, "ApplyGuardrail")[1].body
    assert output["source"] == "OUTPUT"
    [block] = output["content"]
    assert block["image"]["format"] == sent_as
    image = Image.open(io.BytesIO(base64.b64decode(block["image"]["source"]["bytes"])))
    assert image.format == sent_as.upper()
    assert image.size == (body["width"], body["height"])
    assert stored_keys(aws) == [body["key"]]


def test_an_image_the_guardrail_refuses_is_never_stored_or_linked_and_is_counted(
    aws: Any,
    bedrock: BedrockDouble,
    guardrail: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("GENPIC_GUARDRAIL_IMAGES", "on")
    bedrock.guardrails.block_images = True
    status, _, body = invoke("generate", {"prompt": "a cat"})
    assert_refused(body, status, "guardrail")
    assert "generated image" in body["message"]
    assert "url" not in body and "key" not in body
    assert len(calls(bedrock, "InvokeModel")) == 1
    assert stored_keys(aws) == []
    found = printed(capsys)
    assert [p.values for p in named(found, "ImagesWithheld")] == [(1.0,)]
    [refused] = named(found, "ContentFiltered")
    assert (refused.dimension("Screen"), refused.dimension("Entry")) == ("guardrail", "generate")


def test_images_off_screens_no_image(aws: Any, bedrock: BedrockDouble, guardrail: str) -> None:
    bedrock.guardrails.block_images = True
    status, _, body = invoke("generate", {"prompt": "a cat"})
    assert status == 200, body
    assert [c.body["source"] for c in calls(bedrock, "ApplyGuardrail")] == ["INPUT"]


@pytest.mark.parametrize(
    ("screen", "setup"),
    [
        ("blocklist", lambda bedrock, env: env.setenv("GENPIC_BLOCKLIST_DEFAULT", "on")),
        ("guardrail", lambda bedrock, env: env.setenv("GENPIC_GUARDRAIL_ID", GUARDRAIL)),
        ("enhancer", lambda bedrock, env: bedrock.set_converse_reply("no", "content_filtered")),
        ("model", lambda bedrock, env: bedrock.set_filter("Filter reason: prompt")),
    ],
)
def test_each_screen_counts_its_refusals_under_its_name(
    aws: Any,
    bedrock: BedrockDouble,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    screen: str,
    setup: Any,
) -> None:
    setup(bedrock, monkeypatch)
    prompt = (
        "nude children" if screen == "blocklist" else "a bomb" if screen == "guardrail" else "a cat"
    )
    status, _, body = invoke("enhance", {"prompt": prompt})
    assert_refused(body, status, screen)
    found = printed(capsys)
    [refused] = named(found, "ContentFiltered")
    assert (refused.dimension("Screen"), refused.dimension("Entry")) == (screen, "enhance")
    [error] = named(found, "ClientErrors")
    assert (error.dimension("ErrorCode"), error.values) == ("ContentFiltered", (1.0,))
    assert not named(found, "ServerErrors")


def test_a_cached_image_is_not_served_for_a_prompt_listed_since(
    aws: Any, bedrock: BedrockDouble, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    status, _, body = invoke("generate", {"prompt": "a red dragon", "seed": 7})
    assert status == 200, body
    listed = tmp_path / "list.txt"
    listed.write_text("red dragon\n", "utf-8")
    monkeypatch.setenv("GENPIC_BLOCKLIST", str(listed))
    handlers.reset()
    status, _, body = invoke("generate", {"prompt": "a red dragon", "seed": 7})
    assert_refused(body, status, "blocklist")
