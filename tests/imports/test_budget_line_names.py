"""A budget line names its category by the category's code or either of its names, in any
order (`budgets.by_category`); the project keeps it under its Chinese name, in the template's
order. Importing the same file again is then the same budget, not a change: a submitted
project's row was refused as an edit of its proposal (found by an HQ admin re-importing a
file whose lines said `equipment: 1,000,000; labour: 2,000,000`)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.imports.helpers import run
from tests.imports.test_projects import HEADER, _row, _setting
from tracker import db
from tracker.audit.models import AuditRecord
from tracker.imports.models import ImportState
from tracker.projects.models import Project

SPELLINGS = ["equipment: 1,000,000; labour: 500,000",  # the categories' codes
             "Equipment: 1000000; LABOUR: 500000",  # their English names, any case
             "劳务费: 500000; 设备费: 1000000.00"]  # not in the template's order


@pytest.mark.parametrize("lines", SPELLINGS)
def test_reimporting_lines_named_otherwise_than_kept_changes_nothing(lines):
    admin, _pm = _setting()
    rows = [HEADER, _row(lines=lines),
            _row(code="", title="A draft", phase="draft", passed="", lines=lines)]
    first = run_ok(admin, rows)
    assert first.created == 2
    project = db.session.scalar(select(Project).where(Project.code == "TEST-2019-0042"))
    assert [(b.category, b.amount) for b in project.budget_lines if b.amount] == [
        ("设备费", Decimal("1000000.00")), ("劳务费", Decimal("500000.00"))]
    records = db.session.scalar(select(func.count()).select_from(AuditRecord))
    again = run_ok(admin, rows)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert db.session.scalar(select(func.count()).select_from(AuditRecord)) == records + 1


def test_a_line_changed_in_a_draft_still_updates_it():
    admin, _pm = _setting()
    row = _row(code="", title="A draft", phase="draft", passed="", lines=SPELLINGS[0])
    run_ok(admin, [HEADER, row])
    changed = run_ok(admin, [HEADER, _row(code="", title="A draft", phase="draft", passed="",
                                          lines="equipment: 900,000; labour: 500,000")])
    assert (changed.updated, changed.unchanged) == (1, 0)
    draft = db.session.scalar(select(Project))
    assert [b.amount for b in draft.budget_lines if b.amount] == [
        Decimal("900000.00"), Decimal("500000.00")]


def run_ok(admin, rows):
    result = run(admin, "projects", rows)
    assert result.state is ImportState.DONE, result.errors
    return result
