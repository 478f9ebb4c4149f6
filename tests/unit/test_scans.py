"""The document's scans of every code point, run once and read back as the bundle ships them."""

from __future__ import annotations

import json
import subprocess
import sys
import unicodedata
from pathlib import Path

_DOCUMENT = """
import json, sys
from pathlib import Path
from genpic import patterns, scans
from genpic.http.app import create_app
scans.SCANS_FILE = Path(sys.argv[1])
document = create_app(bind_host=None).openapi()
if sys.argv[2] == "write":
    scans.write(scans.SCANS_FILE)
print(json.dumps({"scanned": patterns._every_char.cache_info().currsize, "document": document}))
"""


def _document(scans_file: Path, action: str, cwd: Path) -> dict:
    completed = subprocess.run(
        [sys.executable, "-c", _DOCUMENT, str(scans_file), action],
        capture_output=True, text=True, cwd=cwd,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr[-3000:]
    result: dict = json.loads(completed.stdout.strip().splitlines()[-1])
    return result


def test_a_document_from_shipped_scans_is_the_computed_one_without_a_scan(tmp_path: Path) -> None:
    shipped = tmp_path / "scans.json"
    computed = _document(shipped, "write", tmp_path)
    written = json.loads(shipped.read_text(encoding="utf-8"))
    assert written["unicode"] == unicodedata.unidata_version
    assert sorted(key.partition(":")[0] for key in written["scans"]) == [
        "_spaces", "_spellings", "printable_beyond",
    ]  # fmt: skip

    read = _document(shipped, "read", tmp_path)

    assert computed["scanned"] == 1 and read["scanned"] == 0
    assert read["document"] == computed["document"]


def test_scans_from_another_unicode_version_are_run_again(tmp_path: Path) -> None:
    shipped = tmp_path / "scans.json"
    computed = _document(shipped, "write", tmp_path)
    written = json.loads(shipped.read_text(encoding="utf-8"))
    for key in written["scans"]:
        written["scans"][key] = "[wrong]" if isinstance(written["scans"][key], str) else {}
    shipped.write_text(json.dumps({**written, "unicode": "1.1.0"}), encoding="utf-8")

    read = _document(shipped, "read", tmp_path)

    assert read["scanned"] == 1
    assert read["document"] == computed["document"]


def test_a_missing_or_broken_file_means_scanning(tmp_path: Path) -> None:
    broken = tmp_path / "scans.json"
    broken.write_text("{not json", encoding="utf-8")
    assert _document(broken, "read", tmp_path)["scanned"] == 1
    assert _document(tmp_path / "absent.json", "read", tmp_path)["scanned"] == 1
