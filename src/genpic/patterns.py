"""JSON Schema patterns that say exactly what the request parser's character rules accept.

The OpenAPI document must not promise more or less than the parser does, so each
pattern is built from the same test, character set or word list the parser applies, one
character class at a time, each scan of every code point run in C (the first document
waits on them). The patterns use only syntax that Python's ``re``,
ECMA-262 and Rust's ``regex`` read alike: ``\\uXXXX`` escapes inside the Basic
Multilingual Plane, literal characters beyond it, no flags, no look-around.
"""

from __future__ import annotations

import sys
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from functools import cache
from itertools import compress, filterfalse
from operator import sub
from string import ascii_lowercase

from genpic.scans import scan

# Lone surrogates cannot travel in UTF-8 JSON (nor be written in Rust's regex), so the
# classes below leave them out; every other code point is placed exactly.
_SURROGATES = range(0xD800, 0xE000)


def _escape(code: int) -> str:
    if code > 0xFFFF:
        return chr(code)
    return f"\\u{code:04x}"


def char_class(chars: Iterable[str], *, negate: bool = False) -> str:
    """Return a character class (``[...]`` or ``[^...]``) of ``chars``, as compact ranges."""
    return _class_of(sorted(set(map(ord, chars)).difference(_SURROGATES)), negate=negate)


def _class_of(codes: list[int], *, negate: bool) -> str:
    # ``codes``: ascending, distinct, no surrogates.
    parts = [
        _escape(first) if first == last else f"{_escape(first)}-{_escape(last)}"
        for first, last in _runs(codes)
    ]
    return f"[{'^' if negate else ''}{''.join(parts)}]"


def _runs(codes: list[int]) -> Iterator[tuple[int, int]]:
    """The first and last code of each run of consecutive ``codes``."""
    # A class of most of Unicode holds a million codes in a few hundred runs: the breaks are
    # found by iteration in C, and Python loops over the runs alone.
    breaks = compress(range(1, len(codes)), map((1).__ne__, map(sub, codes[1:], codes)))
    start = 0
    for end in [*breaks, len(codes)]:
        if end > start:
            yield codes[start], codes[end - 1]
        start = end


@cache
def _every_char() -> str:
    # Decoded from UTF-32 in one C call: a million chr() calls took most of a tenth of a second.
    codes = array("I", range(_SURROGATES.start))
    codes.extend(range(_SURROGATES.stop, sys.maxunicode + 1))
    return codes.tobytes().decode(f"utf-32-{'le' if sys.byteorder == 'little' else 'be'}")


@scan
def _spellings(letters: frozenset[str]) -> dict[str, list[str]]:
    """Each of ``letters`` (lower case), with every character ``str.lower()`` turns into it."""
    found: dict[str, list[str]] = {letter: [] for letter in letters}
    chars = _every_char()
    for c in compress(chars, map(letters.__contains__, map(str.lower, chars))):
        found[c.lower()].append(c)
    return found


@scan
def printable_beyond(blank: frozenset[str]) -> str:
    """Return a pattern matching any string with a printable character that is not in ``blank``.

    Printable is ``str.isprintable``, which the scan of every code point runs in C.
    """
    codes = list(map(ord, filterfalse(str.isprintable, _every_char())))  # ascending
    for code in sorted(map(ord, blank)):
        at = bisect_left(codes, code)
        if at == len(codes) or codes[at] != code:
            codes.insert(at, code)
    return _class_of(codes, negate=True)


@scan
def _spaces() -> str:
    # What ``str.strip()`` removes.
    return char_class(filter(str.isspace, _every_char()))


def case_free(words: Iterable[str]) -> str:
    """Return a pattern for ``words`` in any case, with any spaces around them.

    It accepts exactly the strings ``s`` for which ``s.strip().lower()`` is one of
    ``words`` (lower-case words), which is how the parser matches a choice.
    """
    words = tuple(words)
    # One pass over every code point serves every ASCII word.
    letters = frozenset(ascii_lowercase).union(*(filter(str.isalpha, word) for word in words))
    spellings = _spellings(letters)
    spelled = [
        "".join(char_class(spellings[ch]) if ch.isalpha() else _literal(ch) for ch in word)
        for word in words
    ]
    spaces = _spaces()
    return f"^{spaces}*(?:{'|'.join(spelled)}){spaces}*$"


def _literal(ch: str) -> str:
    return f"\\{ch}" if ch in _META else ch


_META = frozenset(".^$*+?()[]{}|\\/-")
