"""Non-English prompts reach the image model in English: translated, or written so by the enhancer."""

from __future__ import annotations

import json
from typing import Any

import pytest

from genpic.aws import handlers
from genpic.catalog import text_cost
from genpic.enhancers.styles import STYLES, TRANSLATION_SYSTEM
from tests.integration.helpers import invoke, stored_image
from tests.support.bedrock_double import BedrockDouble, Fault

VIETNAMESE = "một con mèo đen ngủ trên mái nhà"
ENGLISH = "a black cat sleeping on a roof"  # the double's canned translation of VIETNAMESE
NOVA_PRO = "amazon.nova-pro-v1:0"
TEMPLATE_CANNOT_TRANSLATE = (
    "the template enhancer has no text model to put the prompt into English, so the image "
    "model gets it as written; GENPIC_ENHANCER=bedrock translates it"
)


def converse_calls(bedrock: BedrockDouble) -> list[Any]:
    return [c for c in bedrock.requests if c.operation == "Converse"]


def image_prompt(bedrock: BedrockDouble) -> str:
    [call] = [c for c in bedrock.requests if c.operation == "InvokeModel"]
    return str(call.body["prompt"])


def test_a_vietnamese_prompt_is_translated_before_generation(
    aws: Any, bedrock: BedrockDouble
) -> None:
    status, _, body = invoke("generate", {"prompt": VIETNAMESE, "seed": 5})

    assert status == 200, body
    [converse] = converse_calls(bedrock)
    assert converse.model_id == NOVA_PRO
    assert converse.body["system"] == [{"text": TRANSLATION_SYSTEM}]
    assert converse.body["messages"] == [{"role": "user", "content": [{"text": VIETNAMESE}]}]
    assert converse.body["inferenceConfig"] == {"maxTokens": 1024, "temperature": 0.0}
    assert image_prompt(bedrock) == ENGLISH
    assert body["parameters"]["prompt"] == ENGLISH
    assert body["translated_prompt"] == ENGLISH
    assert body["translation"] == {"status": "applied", "source_language": "vi", "model": NOVA_PRO}
    assert body["enhancement"]["status"] == "off"
    assert "enhanced_prompt" not in body
    assert body["timings_ms"]["translate"] >= 0
    stored_image(aws, body)


def test_the_cost_includes_the_translation_tokens(aws: Any, bedrock: BedrockDouble) -> None:
    status, _, body = invoke("generate", {"prompt": VIETNAMESE})

    assert status == 200, body
    # The double counts words as tokens: the system prompt and the prompt in, the reply out.
    words_in = len(TRANSLATION_SYSTEM.split()) + len(VIETNAMESE.split())
    expected = 0.08 + text_cost(NOVA_PRO, words_in, len(ENGLISH.split()))
    assert body["cost_usd"] == pytest.approx(expected, abs=2e-6)


@pytest.mark.parametrize("prompt", ["a cat", "a red car on a street", "koi pond", "neon"])
def test_an_english_prompt_is_skipped_without_a_converse_call(
    aws: Any, bedrock: BedrockDouble, prompt: str
) -> None:
    status, _, body = invoke("generate", {"prompt": prompt})

    assert status == 200, body
    assert converse_calls(bedrock) == []
    assert image_prompt(bedrock) == prompt
    assert body["translation"] == {"status": "skipped", "source_language": "en"}
    assert "translated_prompt" not in body


def test_translate_false_leaves_the_prompt_alone(aws: Any, bedrock: BedrockDouble) -> None:
    status, _, body = invoke("generate", {"prompt": VIETNAMESE, "translate": False})

    assert status == 200, body
    assert converse_calls(bedrock) == []
    assert image_prompt(bedrock) == VIETNAMESE
    assert "translation" not in body
    assert "translated_prompt" not in body


def test_genpic_translate_off_never_translates_unless_asked(
    aws: Any, bedrock: BedrockDouble, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GENPIC_TRANSLATE", "off")
    status, _, body = invoke("generate", {"prompt": VIETNAMESE})
    assert status == 200, body
    assert "translation" not in body
    assert image_prompt(bedrock) == VIETNAMESE

    bedrock.reset()
    status, _, body = invoke("generate", {"prompt": VIETNAMESE, "translate": True})
    assert status == 200, body
    assert body["translation"]["status"] == "applied"
    assert image_prompt(bedrock) == ENGLISH


def test_genpic_translate_on_trusts_the_detector_on_short_ascii_prompts(
    aws: Any, bedrock: BedrockDouble, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "gato negro" scores only 0.32 as Spanish: auto keeps it, on translates it.
    status, _, body = invoke("generate", {"prompt": "gato negro"})
    assert body["translation"]["status"] == "skipped"

    monkeypatch.setenv("GENPIC_TRANSLATE", "on")
    handlers.reset()  # the next invocation reads the environment again
    bedrock.reset()
    status, _, body = invoke("generate", {"prompt": "gato negro"})
    assert status == 200, body
    assert body["translation"]["status"] == "applied"
    assert body["translation"]["source_language"] == "es"
    assert image_prompt(bedrock) == "in English: gato negro"


def test_genpic_translate_on_still_skips_english(
    aws: Any, bedrock: BedrockDouble, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GENPIC_TRANSLATE", "on")
    status, _, body = invoke("generate", {"prompt": "a cat on a roof"})
    assert status == 200, body
    assert body["translation"]["status"] == "skipped"
    assert converse_calls(bedrock) == []


def test_a_bad_genpic_translate_is_a_configuration_error(
    aws: Any, bedrock: BedrockDouble, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GENPIC_TRANSLATE", "sometimes")
    status, _, body = invoke("generate", {"prompt": VIETNAMESE})
    assert status == 500
    assert body["error"] == "ConfigurationError"
    assert "GENPIC_TRANSLATE" in body["message"]
    assert bedrock.requests == []


def test_enhancing_never_translates_and_the_system_prompt_asks_for_english(
    aws: Any, bedrock: BedrockDouble
) -> None:
    status, _, body = invoke("enhance", {"prompt": VIETNAMESE, "enhancement_style": "cinematic"})

    assert status == 200, body
    [converse] = converse_calls(bedrock)
    [system] = converse.body["system"]
    assert system["text"] == STYLES["cinematic"].system_prompt
    assert "English, whatever language the user's prompt is in" in system["text"]
    assert "translation" not in body
    assert body["enhancement"]["status"] == "applied"


@pytest.mark.parametrize("style", sorted(STYLES))
def test_every_enhancement_style_asks_for_english(style: str) -> None:
    assert "in English, whatever language the user's prompt is in" in STYLES[style].system_prompt


def test_the_template_enhancer_cannot_translate(
    aws: Any, bedrock: BedrockDouble, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GENPIC_ENHANCER", "template")
    status, _, body = invoke("generate", {"prompt": VIETNAMESE})

    assert status == 200, body
    assert body["translation"] == {
        "status": "unavailable",
        "source_language": "vi",
        "reason": TEMPLATE_CANNOT_TRANSLATE,
    }
    assert image_prompt(bedrock) == VIETNAMESE
    assert converse_calls(bedrock) == []


@pytest.mark.parametrize("prompt", [VIETNAMESE, "con meo"])
def test_the_template_enhancer_says_a_non_english_prompt_stays_as_written(
    aws: Any, bedrock: BedrockDouble, monkeypatch: pytest.MonkeyPatch, prompt: str
) -> None:
    monkeypatch.setenv("GENPIC_ENHANCER", "template")
    status, _, body = invoke("enhance", {"prompt": prompt, "enhancement_style": "cinematic"})

    assert status == 200, body
    assert body["enhancement"]["status"] == "applied"
    assert body["enhanced_prompt"].startswith(prompt + ", ")
    # The model gets the enhanced prompt, the user's words untranslated; nothing pretends not.
    assert image_prompt(bedrock) == body["enhanced_prompt"] == body["parameters"]["prompt"]
    assert converse_calls(bedrock) == []
    assert body["translation"] == {
        "status": "unavailable",
        "source_language": "vi" if prompt == VIETNAMESE else "unknown",
        "reason": TEMPLATE_CANNOT_TRANSLATE,
    }
    assert "translated_prompt" not in body


def test_the_template_enhancer_on_english_says_translation_was_skipped(
    aws: Any, bedrock: BedrockDouble, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GENPIC_ENHANCER", "template")
    status, _, body = invoke("enhance", {"prompt": "a cat on a roof"})

    assert status == 200, body
    assert body["translation"] == {"status": "skipped", "source_language": "en"}
    assert image_prompt(bedrock) == body["enhanced_prompt"]


def test_no_enhancer_means_no_translation(
    aws: Any, bedrock: BedrockDouble, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GENPIC_ENHANCER", "off")
    status, _, body = invoke("generate", {"prompt": VIETNAMESE})
    assert status == 200, body
    assert body["translation"]["status"] == "unavailable"
    assert "GENPIC_ENHANCER=off" in body["translation"]["reason"]


def test_an_unfinished_translation_falls_back(aws: Any, bedrock: BedrockDouble) -> None:
    bedrock.set_converse_reply("a black cat sleeping on", stop_reason="max_tokens")
    status, _, body = invoke("generate", {"prompt": VIETNAMESE})

    assert status == 200, body
    assert body["translation"] == {
        "status": "fallback",
        "source_language": "vi",
        "model": NOVA_PRO,
        "reason": "incomplete: amazon.nova-pro-v1:0 stopped at its token limit (max_tokens)",
    }
    assert image_prompt(bedrock) == VIETNAMESE
    assert body["parameters"]["prompt"] == VIETNAMESE
    assert "translated_prompt" not in body


@pytest.mark.parametrize("stop_reason", ["content_filtered", "guardrail_intervened"])
def test_a_refused_translation_refuses_the_request(
    aws: Any, bedrock: BedrockDouble, stop_reason: str
) -> None:
    bedrock.set_converse_reply("Sorry.", stop_reason=stop_reason)
    status, _, body = invoke("generate", {"prompt": VIETNAMESE})

    assert status == 422, body
    assert (body["error"], body["screen"]) == ("ContentFiltered", "enhancer")
    assert not [c for c in bedrock.requests if c.operation == "InvokeModel"]


@pytest.mark.parametrize(
    ("faults", "reason"),
    [
        ([Fault("ThrottlingException", operation="Converse")] * 3, "translator failed: Throttled"),
        (
            [Fault("AccessDeniedException", operation="Converse")],
            "translator failed: ModelUnavailable",
        ),
    ],
)
def test_a_failed_translation_falls_back_to_the_original_prompt(
    aws: Any, bedrock: BedrockDouble, faults: list[Fault], reason: str
) -> None:
    bedrock.inject(*faults)
    status, _, body = invoke("generate", {"prompt": VIETNAMESE})

    assert status == 200, body
    assert body["translation"]["status"] == "fallback"
    assert body["translation"]["reason"].startswith(reason)
    assert image_prompt(bedrock) == VIETNAMESE
    assert body["cost_usd"] == pytest.approx(0.08)


def test_a_translation_timeout_falls_back(
    aws: Any, bedrock: BedrockDouble, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GENPIC_ENHANCE_TIMEOUT", "0.3")
    bedrock.inject(Fault("", delay_seconds=1.0, operation="Converse"))
    status, _, body = invoke("generate", {"prompt": VIETNAMESE})

    assert status == 200, body
    assert body["translation"]["reason"].startswith("translator failed: UpstreamTimeout")
    assert image_prompt(bedrock) == VIETNAMESE


def test_an_empty_translation_falls_back(aws: Any, bedrock: BedrockDouble) -> None:
    bedrock.set_converse_reply('""')
    status, _, body = invoke("generate", {"prompt": VIETNAMESE})

    assert status == 200, body
    assert body["translation"]["reason"] == "translator returned an empty translation"
    assert image_prompt(bedrock) == VIETNAMESE


def test_a_truncated_enhancement_falls_back(aws: Any, bedrock: BedrockDouble) -> None:
    bedrock.set_converse_reply("a cat, golden hour, highly", stop_reason="max_tokens")
    status, _, body = invoke("enhance", {"prompt": "a cat"})

    assert status == 200, body
    assert body["enhancement"]["status"] == "fallback"
    assert body["enhancement"]["reason"] == (
        "incomplete: amazon.nova-pro-v1:0 stopped at its token limit (max_tokens)"
    )
    assert image_prompt(bedrock) == "a cat"


def test_a_guardrail_on_enhancement_is_a_refusal(aws: Any, bedrock: BedrockDouble) -> None:
    bedrock.set_converse_reply("Sorry.", stop_reason="guardrail_intervened")
    status, _, body = invoke("enhance", {"prompt": "a cat"})

    assert status == 422, body
    assert body["screen"] == "enhancer"
    assert "stopped with guardrail_intervened" in body["message"]


def test_lambda_metrics_count_translations_and_fallbacks(
    aws: Any, bedrock: BedrockDouble, capsys: pytest.CaptureFixture[str]
) -> None:
    invoke("generate", {"prompt": VIETNAMESE})
    bedrock.set_converse_reply("x", stop_reason="max_tokens")
    # Another prompt: the first one's translation is now cached and would cost no call.
    invoke("generate", {"prompt": VIETNAMESE + " trong mưa"})

    records = [
        json.loads(line)
        for line in capsys.readouterr().out.splitlines()
        if line.startswith("{") and '"_aws"' in line
    ]
    assert [r.get("PromptsTranslated") for r in records] == [[1.0], None]
    assert [r.get("TranslationFallbacks") for r in records] == [None, [1.0]]
    assert "TranslateLatency" in records[0] and "TranslationTime" in records[0]
