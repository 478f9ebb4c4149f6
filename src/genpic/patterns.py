"""JSON Schema patterns that say exactly what the request parser's character rules accept.

The OpenAPI document must not promise more or less than the parser does, so each
pattern is built from the same predicate or word list the parser applies, one
character class at a time. The patterns use only syntax that Python's ``re``,
ECMA-262 and Rust's ``regex`` read alike: ``\\uXXXX`` escapes inside the Basic
Multilingual Plane, literal characters beyond it, no flags, no look-around.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from functools import cache
from itertools import filterfalse
from string import ascii_lowercase

# Lone surrogates cannot travel in UTF-8 JSON (nor be written in Rust's regex), so the
# classes below leave them out; every other code point is placed exactly.
_SURROGATES = range(0xD800, 0xE000)


def _escape(code: int) -> str:
    if code > 0xFFFF:
        return chr(code)
    return f"\\u{code:04x}"


def char_class(chars: Iterable[str], *, negate: bool = False) -> str:
    """Return a character class (``[...]`` or ``[^...]``) of ``chars``, as compact ranges."""
    codes = sorted({ord(c) for c in chars} - set(_SURROGATES))
    parts: list[str] = []
    start = previous = None
    for code in [*codes, None]:
        if code is not None and previous is not None and code == previous + 1:
            previous = code
            continue
        if start is not None and previous is not None:
            parts.append(
                _escape(start) if start == previous else f"{_escape(start)}-{_escape(previous)}"
            )
        start = previous = code
    return f"[{'^' if negate else ''}{''.join(parts)}]"


@cache
def _every_char() -> str:
    before, after = range(_SURROGATES.start), range(_SURROGATES.stop, sys.maxunicode + 1)
    return "".join(map(chr, before)) + "".join(map(chr, after))


@cache
def _chars_where(predicate: Callable[[str], bool]) -> tuple[str, ...]:
    return tuple(filter(predicate, _every_char()))


@cache
def _spellings(letters: frozenset[str]) -> dict[str, list[str]]:
    """Each of ``letters`` (lower case), with every character ``str.lower()`` turns into it."""
    found: dict[str, list[str]] = {letter: [] for letter in letters}
    for c, lower in zip(_every_char(), map(str.lower, _every_char()), strict=True):
        if lower in found:
            found[lower].append(c)
    return found


@cache
def containing(predicate: Callable[[str], bool]) -> str:
    """Return a pattern matching any string with at least one character ``predicate`` accepts."""
    return char_class(filterfalse(predicate, _every_char()), negate=True)


def _spaces() -> str:
    # What ``str.strip()`` removes.
    return char_class(_chars_where(str.isspace))


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
