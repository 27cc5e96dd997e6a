"""The full-width bar ｜ a Chinese input method types is read as | in every list cell, as ；
and ： are (issue 13, adoption finding F9): 拨付批次 `5000000｜阶段门1` was refused for a bar
that looks the same as | in a spreadsheet cell. One rule, `cells.pieces`: no module of the
import splits an entry at | itself."""

from __future__ import annotations

import ast

import pytest

from tests import source
from tracker.imports import funding_cells, holds, ledger_lines, route_cells

CELLS = [
    (funding_cells.tranches, "5000000 | gate 1; 10000000 | Pilot line"),
    (holds.read, "2: 2023-01-10 | 2024-01-10 | 2024-03-01 | waiting for a partner"),
    (ledger_lines.issues, "Fund Y | investor | 500000 | 2023-06-01"),
    (route_cells.conditions, "1: Pilot data | pm@x.cn | 2024-06-30 | cleared"),
]


@pytest.mark.parametrize(("read", "text"), CELLS, ids=[r.__module__ for r, _t in CELLS])
def test_a_full_width_bar_reads_as_a_bar(app, read, text):
    with app.test_request_context("/"):
        assert read(text.replace("|", "｜")) == read(text)


def test_no_module_splits_an_entry_at_a_bar_itself():
    splits = [path.name for path in source.modules()
              if path.parent.name == "imports"
              for node in source.nodes(path)
              if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
              and node.func.attr in ("split", "partition", "rpartition")
              and node.args and isinstance(node.args[0], ast.Constant)
              and node.args[0].value == "|"]
    assert splits == ["cells.py"]  # `cells.pieces`
