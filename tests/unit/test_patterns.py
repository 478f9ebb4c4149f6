"""The document's character classes say exactly which characters they hold."""

from __future__ import annotations

import re
import sys
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from genpic import patterns
from genpic.request import BLANK_PRINTABLE, visible

SURROGATE = re.compile("[\ud800-\udfff]")
EVERY_CHAR = "".join(chr(code) for code in range(sys.maxunicode + 1) if not 0xD800 <= code < 0xE000)
# What the prompt rule says in Unicode's terms: not a space, not a control, format,
# private-use, unassigned or surrogate code point, not a separator, not a blank letter.
UNSEEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"})
BLANK_LETTERS = "\u115f\u1160\u3164\uffa0\u2800"


def shows(char: str) -> bool:
    if char.isspace() or char in BLANK_LETTERS:
        return False
    return unicodedata.category(char) not in UNSEEN_CATEGORIES


def test_visible_is_the_unicode_rule_on_every_code_point() -> None:
    assert [c for c in EVERY_CHAR if visible(c) != shows(c)] == []


def test_the_prompt_pattern_finds_exactly_the_visible_characters() -> None:
    one = re.compile(patterns.printable_beyond(BLANK_PRINTABLE))
    assert "".join(one.findall(EVERY_CHAR)) == "".join(filter(visible, EVERY_CHAR))


@given(st.sets(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=40), st.characters())
def test_a_class_matches_its_characters_and_no_other(chars: set[str], probe: str) -> None:
    held = re.compile(patterns.char_class(chars))
    refused = re.compile(patterns.char_class(chars, negate=True))
    for ch in {probe, *chars, *(chr(ord(c) + 1) for c in chars if ord(c) < sys.maxunicode)}:
        if SURROGATE.fullmatch(ch):
            continue  # lone surrogates cannot travel in JSON; the classes leave them out
        assert bool(held.fullmatch(ch)) is (ch in chars), ch
        assert bool(refused.fullmatch(ch)) is (ch not in chars), ch


def test_runs_become_ranges() -> None:
    assert patterns.char_class("abcxz") == "[\\u0061-\\u0063\\u0078\\u007a]"
    assert patterns.char_class("\U0001f600\U0001f601") == "[\U0001f600-\U0001f601]"


def test_a_prompt_pattern_needs_one_visible_character() -> None:
    rule = re.compile(patterns.printable_beyond(BLANK_PRINTABLE))
    assert rule.search("  \u200b a")
    assert rule.search("Mèo đội mũ") and rule.search("\u3164x")
    assert not rule.search(" \u200b\ufeff\u3164\u2800\t")


def test_the_scans_read_every_code_point_but_the_surrogates_once_each() -> None:
    assert patterns._every_char() == EVERY_CHAR
