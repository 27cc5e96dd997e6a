"""A short form written inside a list cell's entry (an issue's holder type, a transfer's, a
round's investor's) is listed on the run as a short form in a plain cell is (issue 13,
`tracker.imports.shortened`), under the column it is written in: the whole of a row's reading
is noted, not only its plain cells, and an entry's choice names its own column."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from tests.imports.helpers import run
from tests.imports.test_company_ledger import KEYS, ROW, _setting_with_projects
from tracker.imports import shortened
from tracker.imports.models import ImportState

# (column, as the file writes it, with the short form 投资方 for 外部投资方, its header)
CASES = [("issues", ("Fund Y | investor", "Fund Y | 投资方"), "Later share issues"),
         ("transfers", ("Fund Y | investor", "Fund Y | 投资方"), "Share transfers"),
         ("rounds", ("Fund X: investor", "Fund X: 投资方"), "Financing rounds")]


@pytest.mark.parametrize(("key", "written", "header"), CASES)
def test_a_short_form_in_a_list_cell_is_listed_under_its_column(key, written, header):
    admin = _setting_with_projects()
    row = list(ROW)
    assert written[0] in row[KEYS.index(key)]
    row[KEYS.index(key)] = row[KEYS.index(key)].replace(*written)
    result = run(admin, "companies", [KEYS, row], dry_run=True)
    assert result.state is ImportState.CHECKED, result.errors
    with force_locale("en"):
        assert shortened.lines(result.readings) == [
            f"{header}: 投资方 → External investor (row 2)"]
