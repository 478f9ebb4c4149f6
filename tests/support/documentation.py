"""The project's documentation as tests read it: README.md, then every docs/*.md."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def documentation(*names: str) -> str:
    """The text of ``names`` (paths from the root), or of README.md and all of docs/."""
    files = [ROOT / n for n in names] or [ROOT / "README.md", *sorted(ROOT.glob("docs/*.md"))]
    return "\n\n".join(path.read_text() for path in files)
