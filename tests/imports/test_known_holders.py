"""An import's run asks the database once for each holder's name (`holder_names.remembering`):
the companies of a network name the same holders (HQ, the institutes, the teams' people)
company after company, and each row named each twice (`check_holders`, then `holder_for`),
one query of 15 ms each on the seed's users and enterprises."""

from __future__ import annotations

from sqlalchemy import event

from tests.factories import make_enterprise, uscc_for
from tests.imports.helpers import run
from tests.imports.test_companies import KEYS, ROW, _setting_with_project
from tests.imports.test_projects import HEADER, _row
from tracker import db
from tracker.companies import holder_names
from tracker.companies.models import HolderType
from tracker.imports.models import ImportState


def _asked(action) -> int:
    """How many times `action` asked `known`'s question (its UNION of every kind of record)."""
    asked = []

    def count(conn, cursor, statement, *args):
        if "UNION ALL" in statement:
            asked.append(statement)

    engine = db.session.get_bind()
    event.listen(engine, "before_cursor_execute", count)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(asked)


def _known_twice(name: str, kind: HolderType) -> None:
    first, second = holder_names.known(name, kind), holder_names.known(name, kind)
    assert first is second


def test_known_asks_once_a_name_while_remembering():
    _setting_with_project()
    pumps = make_enterprise(name="Pump Works")
    assert _asked(lambda: _known_twice("Pump Works", HolderType.INVESTOR)) == 2
    with holder_names.remembering():
        assert _asked(lambda: _known_twice("Pump Works", HolderType.INVESTOR)) == 1
        # A person is asked apart: the same name may be a user's for a team only.
        assert _asked(lambda: _known_twice("Pump Works", HolderType.TEAM)) == 1
        assert _asked(lambda: _known_twice("Nobody at all", HolderType.INVESTOR)) == 1
        assert holder_names.known(" pump  works", HolderType.INVESTOR) is pumps
    assert holder_names.known("Pump Works", HolderType.INVESTOR) is pumps


def test_a_companies_import_asks_once_for_each_holder_it_names():
    admin = _setting_with_project()
    codes = ["TEST-2019-0042", "TEST-2019-0043", "TEST-2019-0044"]
    assert run(admin, "projects", [HEADER] + [
        _row(code=code, title=code, phase="investment_decision",
             passed="1: 2019-05-20; 2: 2019-12-01") for code in codes[1:]]).state is (
        ImportState.DONE)
    rows = [KEYS] + [[f"Company {n}", uscc_for(900 + n), *ROW[2:5], code, *ROW[6:]]
                     for n, code in enumerate(codes)]
    outcome = []
    asked = _asked(lambda: outcome.append(run(admin, "companies", rows)))
    assert (outcome[0].state, outcome[0].created) == (ImportState.DONE, 3), outcome[0].errors
    # Team Li, JITRI, the pool, Fund X and City fund: once each, not twice each a company.
    assert asked == 5
