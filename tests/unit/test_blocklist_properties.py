"""Properties of the blocklist matcher: no disguise evades a listed term, no false word match."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from genpic.screens.blocklist import Blocklist, words

# Listed words: two to eight letters of Vietnamese's alphabet (its accented letters too).
LETTERS = (
    "abcdeghiklmnopqrstuvxyđàáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ"
)
word = st.text(alphabet=LETTERS, min_size=2, max_size=8)
phrase = st.lists(word, min_size=1, max_size=3)
# What may stand between words: any run of spaces and punctuation.
separator = st.text(alphabet=" \t\n.,;:!?-_/()[]\"'*&", min_size=1, max_size=4)
# Other words around the term; digits and Latin letters, never the term's own.
filler = st.lists(st.text(alphabet="0123456789fjwz", min_size=1, max_size=6), max_size=4)
ACCENTS = ("\u0300", "\u0301", "\u0303", "\u0309", "\u0323", "\u0302", "\u0306")


def disguised(draw: st.DrawFn, text: str) -> str:
    """Change each letter's case at random and sprinkle combining accents on some."""
    out = []
    for char in text:
        char = char.upper() if draw(st.booleans()) else char
        if draw(st.booleans()):
            char += draw(st.sampled_from(ACCENTS))
        out.append(char)
    return unicodedata.normalize(draw(st.sampled_from(["NFC", "NFD"])), "".join(out))


@st.composite
def prompt_containing(draw: st.DrawFn, term: list[str]) -> str:
    """A prompt with ``term`` in it, disguised, between other words and separators."""
    parts = [draw(separator).join(draw(filler))]
    for listed in term:
        parts += [draw(separator), disguised(draw, listed)]
    parts += [draw(separator), draw(separator).join(draw(filler))]
    return "".join(parts)


@settings(max_examples=300, deadline=None)
@given(data=st.data(), term=phrase)
def test_case_accents_spaces_and_punctuation_never_evade_a_listed_term(
    data: st.DataObject, term: list[str]
) -> None:
    blocklist = Blocklist.of([" ".join(term)])
    prompt = data.draw(prompt_containing(term))
    assert blocklist.match(prompt) == " ".join(words(" ".join(term))), prompt


@settings(max_examples=300, deadline=None)
@given(
    listed=word,
    before=st.text(alphabet="bcgiq0123", max_size=3),
    after=st.text(alphabet="bcgiq0123", max_size=3),
)
def test_a_listed_word_inside_a_longer_word_does_not_match(
    listed: str, before: str, after: str
) -> None:
    if not (before or after):
        before = "x"
    blocklist = Blocklist.of([listed])
    assert blocklist.match(f"0 {before}{listed}{after} 9") is None


@settings(max_examples=200, deadline=None)
@given(term=phrase, text=st.text(max_size=200))
def test_matching_is_the_same_for_any_spelling_of_the_list(term: list[str], text: str) -> None:
    # Listing a term in capitals, decomposed or with extra spaces lists the same phrase.
    plain = Blocklist.of([" ".join(term)])
    shouted = Blocklist.of(["  " + unicodedata.normalize("NFD", " ".join(term).upper()) + " "])
    assert plain.phrases == shouted.phrases
    assert plain.match(text) == shouted.match(text)
