"""The blocklist matcher, its file format, the built-in list and the settings that choose them."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from genpic.errors import ConfigurationError
from genpic.screens.blocklist import DEFAULT_LIST, Blocklist, load, parse, words
from genpic.settings import Settings

MEO_DEN = Blocklist.of(["mèo đen"])


@pytest.mark.parametrize(
    "prompt",
    [
        "Một con MÈO   ĐEN",
        "meo den",
        "a MEO-DEN!",
        "mèo...đen",
        "mè\u200bo đen",  # a zero-width space inside a word is no disguise
        "\uff4dèo đen",  # fullwidth m
        "m\u0065\u0300o \u0111en",  # combining grave accent; đ spelled as U+0111
    ],
)
def test_a_listed_phrase_matches_whatever_its_case_accents_and_separators(prompt: str) -> None:
    assert MEO_DEN.match(prompt) == "meo den"


@pytest.mark.parametrize(
    "prompt", ["con mèo trắng", "một con mèo", "mèođen", "meodens", "đen mèo", "smeo den"]
)
def test_other_words_and_the_phrase_inside_longer_words_do_not_match(prompt: str) -> None:
    assert MEO_DEN.match(prompt) is None


def test_letters_spelled_out_one_by_one_are_read_joined_up() -> None:
    blocklist = Blocklist.of(["sex"])
    assert blocklist.match("s.e.x") == "sex"
    assert blocklist.match("s e x now") == "sex"
    assert blocklist.match("se\u00adx") == "sex"  # soft hyphen
    assert blocklist.match("Sussex") is None


def test_words_folds_case_accents_and_unicode_forms() -> None:
    assert words("Đà Nẵng, ﬁne CAFÉ_bar İstanbul straße") == (
        "da",
        "nang",
        "fine",
        "cafe",
        "bar",
        "istanbul",
        "strasse",
    )


def test_the_file_format_has_comments_blank_lines_and_phrases() -> None:
    text = "# a comment\n\nmèo đen   # trailing comment\n  red   dragon \n#\n"
    assert [t for t in parse(text) if t] == ["mèo đen", "red   dragon"]
    blocklist = Blocklist.of(parse(text))
    assert blocklist.phrases == {("meo", "den"), ("red", "dragon")}
    assert blocklist.match("a comment") is None


def test_the_built_in_list_covers_english_and_vietnamese() -> None:
    built_in = load(None, True)
    assert built_in.match("a photo of a NUDE CHILD") == "nude child"
    assert built_in.match("ảnh trẻ em khoả thân") == "tre em khoa than"  # khoả and khỏa alike
    assert built_in.match("a child playing in the park") is None
    assert load(None, False).match("nude child") is None


def test_an_operator_file_extends_the_built_in_list(tmp_path: Path) -> None:
    listed = tmp_path / "blocklist.txt"
    listed.write_bytes("\ufeffmèo đen\n".encode())  # a BOM from a Windows editor
    both = load(listed, True)
    assert both.match("con mèo đen") and both.match("nude children")
    assert load(listed, False).match("nude children") is None


@pytest.mark.parametrize("content", [None, b"\xff\xfe not utf-8 \x80"])
def test_an_unreadable_file_is_a_configuration_error_naming_the_variable(
    tmp_path: Path, content: bytes | None
) -> None:
    path = tmp_path / "list.txt"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ConfigurationError, match="GENPIC_BLOCKLIST="):
        load(path, True)


def test_settings_read_the_blocklist_variables() -> None:
    settings = Settings.from_env(
        {"GENPIC_BLOCKLIST": "/etc/list", "GENPIC_BLOCKLIST_DEFAULT": "OFF"}
    )
    assert (settings.blocklist, settings.blocklist_default) == (Path("/etc/list"), False)
    assert Settings.from_env({}).blocklist_default is True
    with pytest.raises(ConfigurationError, match="GENPIC_BLOCKLIST_DEFAULT='no'"):
        Settings.from_env({"GENPIC_BLOCKLIST_DEFAULT": "no"})


def test_a_large_list_keeps_matching_fast() -> None:
    big = Blocklist.of([f"term{i} phrase{i % 97}" for i in range(100_000)] + ["mèo đen"])
    prompt = ("a long prompt about a sunny garden with flowers " * 200) + "and a mèo đen"
    start = time.perf_counter()
    assert big.match(prompt) == "meo den"
    elapsed = time.perf_counter() - start
    # About 2,000 words x a 2-word longest phrase: set lookups, not 100,000 comparisons each.
    assert elapsed < 0.25, elapsed


def test_the_built_in_list_file_ships_with_the_package() -> None:
    assert DEFAULT_LIST.is_file()
    assert DEFAULT_LIST.parent.name == "screens"
