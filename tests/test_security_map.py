"""SECURITY.md maps each ASVS requirement to the code that enforces it and the test that fails
without it: every file, function and test it names must exist, or the map has gone stale."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.no_db  # reads the source only: run once (pyproject.toml)

ROOT = Path(__file__).resolve().parent.parent
# `tests/x.py::test_name`, `tracker/x.py:function`, or a bare file; a bare `test_name` after
# them is in the last test file named in the same cell.
PATH = re.compile(r"^((?:tests|tracker)/[\w/]+\.py)(?:::?(\w+))?$")


def _references() -> list[tuple[str, str | None]]:
    found = []
    for line in (ROOT / "SECURITY.md").read_text(encoding="utf-8").splitlines():
        if not line.startswith("| ") or line.startswith(("| ---", "| ASVS")):
            continue
        for cell in line.split(" | "):
            current = None
            for token in re.findall(r"`([^`]+)`", cell):
                if match := PATH.match(token):
                    current = match.group(1)
                    found.append((current, match.group(2)))
                elif re.fullmatch(r"test_\w+", token):
                    found.append((current or "(no test file in this cell)", token))
    return found


def test_every_file_function_and_test_security_md_names_exists():
    references = _references()
    assert len(references) > 80, "the scan found almost nothing: has the table changed shape?"
    missing = []
    for path, name in references:
        file = ROOT / path
        if not file.is_file():
            missing.append(path)
        elif name and not re.search(rf"\b(def|class) {name}\b|\b{name} = ",
                                    file.read_text(encoding="utf-8")):
            missing.append(f"{path}: {name}")
    assert missing == []
