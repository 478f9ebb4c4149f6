"""Dataclasses made from the bytecode the Lambda bundle ships behave as compiled ones do."""

from __future__ import annotations

import builtins
import dataclasses
import marshal
import sys
from pathlib import Path
from types import CodeType
from typing import Any

import pytest

from genpic.aws import dataclass_code


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The sources dataclasses compiles while the test runs; restored after it."""
    sources: list[str] = []

    def record(source: Any, globals: Any = None, locals: Any = None) -> None:
        sources.append(source)
        builtins.exec(source, globals, locals)

    monkeypatch.setattr(dataclasses, "exec", record, raising=False)
    return sources


def _point() -> type:
    @dataclasses.dataclass(frozen=True)
    class Point:
        x: int
        y: int = 0

    return Point


def test_a_recorded_dataclass_is_made_from_the_shipped_code(
    recorded: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _point()
    code_file = tmp_path / "code.marshal"
    dataclass_code.compile_sources(set(recorded), code_file)
    assert dataclass_code.install(code_file)
    executed: list[Any] = []
    run = builtins.exec

    def spy(what: Any, globals: Any = None, locals: Any = None) -> None:
        executed.append(what)
        run(what, globals, locals)

    monkeypatch.setattr(builtins, "exec", spy)
    point = _point()
    monkeypatch.setattr(builtins, "exec", run)
    assert executed and all(isinstance(what, CodeType) for what in executed)
    assert point(1, 2) == point(1, 2) != point(1)
    assert repr(point(1)) == "_point.<locals>.Point(x=1, y=0)"
    with pytest.raises(dataclasses.FrozenInstanceError):
        point(1).x = 2  # type: ignore[misc]


def test_a_dataclass_not_recorded_compiles_as_usual(recorded: list[str], tmp_path: Path) -> None:
    code_file = tmp_path / "code.marshal"
    dataclass_code.compile_sources(set(), code_file)
    assert dataclass_code.install(code_file)

    @dataclasses.dataclass
    class Pair:
        left: str
        right: str

    assert Pair("a", "b") == Pair("a", "b")
    assert Pair.__init__.__code__.co_filename == "<string>"


def test_code_from_another_python_or_none_changes_nothing(
    recorded: list[str], tmp_path: Path
) -> None:
    installed = dataclasses.exec  # type: ignore[attr-defined]
    other = tmp_path / "other.marshal"
    other.write_bytes(marshal.dumps(("cpython-399", {})))
    assert not dataclass_code.install(other)
    assert not dataclass_code.install(tmp_path / "missing.marshal")
    assert dataclasses.exec is installed  # type: ignore[attr-defined]
    assert sys.implementation.cache_tag != "cpython-399"
