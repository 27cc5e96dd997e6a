"""Issue 13 (an adoption tester): a choice that decides which checks apply (a project's phase,
the phase it ended in, a milestone's state) and cannot be read is said beside its column, and
nothing that would follow from a blank one: a phase it could not read was checked as a draft's
("Project code: a draft has no code yet"), a milestone state as planned ("Phase: the project
has left this phase")."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from tests.imports.helpers import run
from tracker import db
from tracker.accounts.models import User
from tracker.imports.columns import KINDS

# The columns that decide which checks apply (`Column.decides`).
DECIDING = [("projects", "phase"), ("projects", "ended_in"), ("milestones", "state")]


def test_the_deciding_columns_are_the_phases_and_the_milestones_state():
    assert [(kind.name, column.key) for kind in KINDS.values() for column in kind.columns
            if column.decides] == DECIDING


@pytest.mark.parametrize(("kind", "key"), DECIDING, ids=[f"{k}-{c}" for k, c in DECIDING])
def test_an_unreadable_deciding_choice_is_told_alone(world, kind, key):
    column = KINDS[kind].column(key)
    rows = [list(row) for row in world["files"][kind]]
    at, title = rows[0].index(column.shown), rows[0].index("title")
    for n, row in enumerate(rows[1:], start=1):  # new records: nothing recorded to fall back on
        row[at], row[title] = "on the moon", f"New record {n}"
        if kind == "projects" and row[0]:
            row[0] = f"NEW-2019-{n:04d}"
    admin = db.session.get(User, world["admin"])
    result = run(admin, kind, rows, dry_run=True)
    db.session.expire_all()
    for locale in ("en", "zh_CN"):
        with force_locale(locale):
            told = {(row, str(header)) for row, header, _message in result.errors}
            assert told == {(n, str(column.header)) for n in range(2, len(rows) + 1)}, (
                result.errors)
