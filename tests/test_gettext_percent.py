"""A message with no placeholder is not %-formatted by gettext: '100%%' in it would reach the
page as it stands (a newcomer read 'at most 100%%'). Only a message given values doubles its
percent signs."""

from __future__ import annotations

import ast

import pytest

from tests.source import TRACKER, modules, nodes

pytestmark = pytest.mark.no_db  # reads the source and the catalogue only: run once (pyproject.toml)

GETTEXT = {"_", "_l", "gettext", "lazy_gettext", "ngettext", "pgettext"}


def test_no_message_without_values_doubles_its_percent_sign():
    found = []
    for path in modules():
        for node in nodes(path):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                    and node.func.id in GETTEXT and not node.keywords and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str) and "%%" in node.args[0].value):
                found.append(f"{path.relative_to(TRACKER.parent)}:{node.lineno}")
    assert not found, found
