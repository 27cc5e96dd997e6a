"""The pinned requirements are pip-tools' output from the short .in files, not edited by hand."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.no_db  # reads the requirement files only: run once (pyproject.toml)

ROOT = Path(__file__).resolve().parent.parent
NAME = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)")


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _named_in(path: Path) -> set[str]:
    names = set()
    for line in path.read_text().splitlines():
        match = NAME.match(line.strip())
        if match:
            names.add(_canonical(match.group(1)))
    return names


def _pins(path: Path) -> dict[str, str]:
    """Each pin with the 'via' annotation pip-compile writes below it."""
    pins: dict[str, str] = {}
    current = None
    for line in path.read_text().splitlines():
        if match := re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==\S+$", line):
            current = _canonical(match.group(1))
            pins[current] = ""
        elif current and line.startswith("    #"):
            pins[current] += line
    return pins


@pytest.mark.parametrize("stem", ["requirements", "requirements-dev"])
def test_every_pin_comes_from_the_in_file(stem):
    wanted = _named_in(ROOT / f"{stem}.in")
    pins = _pins(ROOT / f"{stem}.txt")
    assert wanted <= set(pins), f"run `make requirements`: {sorted(wanted - set(pins))}"
    by_hand = [name for name, via in pins.items() if "via" not in via]
    assert not by_hand, f"pinned by hand, not compiled from {stem}.in: {by_hand}"
