"""The offline template enhancer: style details, no repeated words, a word budget."""

from __future__ import annotations

import pytest

from genpic.enhancers.styles import STYLES
from genpic.enhancers.template import MAX_WORDS, TemplateEnhancer

ENHANCER = TemplateEnhancer()


@pytest.mark.parametrize("style", sorted(STYLES))
def test_appends_every_detail_of_each_style(style: str) -> None:
    rewrite = ENHANCER.rewrite("a lighthouse on a cliff", style)

    expected = ", ".join(["a lighthouse on a cliff", *STYLES[style].template_details])
    assert rewrite.text == expected
    assert (rewrite.input_tokens, rewrite.output_tokens) == (0, 0)


def test_default_style_reads_naturally() -> None:
    assert ENHANCER.rewrite("a cat", "default").text == (
        "a cat, dramatic lighting, rich colors, sharp focus, highly detailed, 8k, "
        "professional, masterpiece"
    )


def test_trims_and_tidies_trailing_punctuation() -> None:
    assert ENHANCER.rewrite("  a   cat on a mat.  ", "minimal").text == (
        "a cat on a mat, highly detailed, 8k, professional"
    )


def test_skips_details_already_in_the_prompt_whatever_their_case() -> None:
    text = ENHANCER.rewrite("a cat, Highly Detailed, 8K", "minimal").text

    assert text == "a cat, Highly Detailed, 8K, professional"


@pytest.mark.parametrize("style", sorted(STYLES))
def test_never_repeats_a_word_the_prompt_has(style: str) -> None:
    prompt = "professional portrait with dramatic shadows, cinematic framing, 8k, vibrant"

    text = ENHANCER.rewrite(prompt, style).text

    added = text[len(prompt) :].lower()
    for word in ("professional", "dramatic", "cinematic", "8k", "vibrant"):
        assert word not in added


def test_keeps_within_the_word_budget() -> None:
    prompt = " ".join(["word"] * (MAX_WORDS - 3))

    text = ENHANCER.rewrite(prompt, "default").text

    assert len(text.split()) <= MAX_WORDS
    assert text == prompt + ", dramatic lighting, 8k"


def test_leaves_a_prompt_already_over_budget_alone() -> None:
    prompt = " ".join(f"word{index}" for index in range(MAX_WORDS + 20))

    assert ENHANCER.rewrite(prompt, "cinematic").text == prompt


def test_unknown_style_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="watercolour"):
        ENHANCER.rewrite("a cat", "watercolour")


def test_enhance_reports_applied_without_a_model_or_tokens() -> None:
    enhancement = ENHANCER.enhance("a fox in the snow", "anime")

    assert enhancement.status == "applied"
    assert enhancement.enhancer == "template"
    assert enhancement.style == "anime"
    assert enhancement.model is None
    assert (enhancement.input_tokens, enhancement.output_tokens) == (0, 0)
    assert enhancement.prompt.startswith("a fox in the snow, anime style, cel shading")


def test_enhance_falls_back_on_an_unknown_style() -> None:
    enhancement = ENHANCER.enhance("a fox", "watercolour")

    assert enhancement.status == "fallback"
    assert enhancement.prompt == "a fox"


def test_enhance_falls_back_on_a_prompt_with_no_words() -> None:
    enhancement = ENHANCER.enhance(" ... ", "default")

    assert enhancement.status == "fallback"
    assert enhancement.reason == "enhancer returned an empty prompt"
