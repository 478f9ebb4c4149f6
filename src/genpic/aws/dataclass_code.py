"""Dataclasses made from bytecode compiled with the Lambda bundle, not at every cold start.

:func:`dataclasses.dataclass` writes each class's methods (``__init__``, ``__repr__``,
``__eq__``, …) as Python source when the class is made and compiles it with :func:`exec`.
A Lambda init makes about a hundred dataclasses (genpic's, pydantic's, annotated-types'),
and compiling their methods is about a tenth of it. The generated source depends only on
the class's fields and options, so ``make bundle`` records what each function's init
compiles, compiles it once with the runtime's Python (``scripts/slim_bundle.py``) and ships
it here as ``CODE_FILE``. :func:`install` lets :mod:`dataclasses` execute the shipped code
for a source it was recorded for; any other source compiles as it always does.
"""

from __future__ import annotations

import builtins
import dataclasses
import marshal
import sys
from pathlib import Path
from typing import Any

CODE_FILE = Path(__file__).with_name("dataclass_code.marshal")


def install(path: Path = CODE_FILE) -> bool:
    """Make :mod:`dataclasses` run the precompiled code in ``path`` where it has it.

    Returns whether it did: a missing file, or one compiled by another Python version
    (its bytecode would not run here), changes nothing.
    """
    try:
        tag, compiled = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return False
    if tag != sys.implementation.cache_tag:
        return False

    def execute(source: Any, globals: Any = None, locals: Any = None) -> None:
        code = compiled.get(source) if isinstance(source, str) else None
        builtins.exec(source if code is None else code, globals, locals)

    # dataclasses calls exec() through its module globals, so its own name is looked up first.
    dataclasses.exec = execute  # type: ignore[attr-defined]
    return True


def compile_sources(sources: set[str], path: Path) -> None:
    """Write ``sources`` compiled, as ``exec`` would compile them, to ``path`` (the build)."""
    compiled = {source: compile(source, "<string>", "exec") for source in sorted(sources)}
    path.write_bytes(marshal.dumps((sys.implementation.cache_tag, compiled)))
