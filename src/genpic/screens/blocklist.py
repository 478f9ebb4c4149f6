"""The blocklist: terms and phrases no prompt sent to a model may contain.

Matching is on words, after folding away what a writer can vary without changing what
is asked for::

    "Một con MÈO   ĐEN!"  ->  ("mot", "con", "meo", "den")

- case (``casefold``) and accents (NFKD, combining marks dropped; ``đ`` -> ``d`` and the
  few other letters Unicode does not decompose);
- runs of spaces and punctuation, which all just separate words;
- invisible format characters (zero-width spaces, soft hyphens), which are dropped, so
  ``se\\u200bx`` is one word;
- letters spelled out one at a time (``s.e.x``, ``s e x``), also read joined up.

A listed phrase matches a run of whole words: ``mèo đen`` blocks ``con MÈO ĐEN`` and
``meo-den`` but not ``con mèo trắng``, and ``cat`` does not block ``category``.

A list is compiled once into a set of word tuples; a prompt of *n* words costs *n* x
(longest phrase) set lookups whatever the list's length.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from genpic.errors import ConfigurationError
from genpic.settings import BLOCKLIST

_SEPARATORS = re.compile(r"[\W_]+")
# Letters NFKD leaves whole (Vietnamese đ above all), folded as a reader would.
_UNDECOMPOSED = str.maketrans(
    {"đ": "d", "ð": "d", "ø": "o", "ł": "l", "ħ": "h", "\u0131": "i", "ŧ": "t", "æ": "ae"}
    | {"œ": "oe"}
)
_DROPPED = frozenset({"Mn", "Mc", "Me", "Cf"})
#: The built-in list, in the file format operators use (``GENPIC_BLOCKLIST_DEFAULT=off`` drops it).
DEFAULT_LIST = Path(__file__).with_name("default_blocklist.txt")


def words(text: str) -> tuple[str, ...]:
    """Return ``text`` as the folded words the blocklist compares."""
    if text.isascii():  # no accents, no invisible characters: only case to fold
        return tuple(word for word in _SEPARATORS.split(text.lower()) if word)
    folded = unicodedata.normalize("NFKD", text.casefold().translate(_UNDECOMPOSED))
    kept = "".join(c for c in folded if c.isascii() or unicodedata.category(c) not in _DROPPED)
    return tuple(word for word in _SEPARATORS.split(kept) if word)


def _spelled_out_joined(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """Join each run of two or more one-letter words (``s e x`` -> ``sex``)."""
    joined: list[str] = []
    run: list[str] = []
    for token in (*tokens, ""):
        if len(token) == 1:
            run.append(token)
            continue
        joined.extend(["".join(run)] if len(run) > 1 else run)
        run = []
        if token:
            joined.append(token)
    return tuple(joined)


@dataclass(frozen=True)
class Blocklist:
    """A compiled list of phrases; ``match`` names the first one a text contains."""

    phrases: frozenset[tuple[str, ...]]
    longest: int

    @classmethod
    def of(cls, terms: Iterable[str]) -> Blocklist:
        """Compile ``terms`` (phrases as written; ones with no words are skipped)."""
        phrases = frozenset(phrase for phrase in map(words, terms) if phrase)
        return cls(phrases, max(map(len, phrases), default=0))

    def match(self, text: str) -> str | None:
        """Return the listed phrase (folded) that ``text`` contains, or None."""
        if not self.phrases:
            return None
        tokens = words(text)
        for candidate in dict.fromkeys((tokens, _spelled_out_joined(tokens))):
            for start in range(len(candidate)):
                for end in range(start + 1, min(start + self.longest, len(candidate)) + 1):
                    if candidate[start:end] in self.phrases:
                        return " ".join(candidate[start:end])
        return None


def parse(text: str) -> list[str]:
    """Return the terms of a blocklist file: one a line, ``#`` starts a comment."""
    return [line.split("#", 1)[0].strip() for line in text.splitlines()]


@lru_cache(maxsize=8)
def load(path: Path | None, with_default: bool) -> Blocklist:
    """Compile the operator's file at ``path`` and, when ``with_default``, the built-in list.

    Cached: each process reads and compiles a list once.

    Raises
    ------
    ConfigurationError
        The file cannot be read as UTF-8 text.
    """
    terms = parse(DEFAULT_LIST.read_text("utf-8")) if with_default else []
    if path is not None:
        try:
            terms += parse(path.read_text("utf-8-sig"))
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigurationError(
                f"{BLOCKLIST}={str(path)!r} cannot be read as a UTF-8 text file "
                f"({type(exc).__name__}). Point it at a readable file with one term a line, "
                f"or unset it."
            ) from None
    return Blocklist.of(terms)
