"""The conditions of an imported CONDITIONAL GO are dated by the days their cell gives (issue
13): met and cleared were both the moment of the import, so ten years of history read as met
and cleared on the import's day. The day each was met and cleared follows its state in the
cell, checked by `tracker.gates.imported_conditions` and kept as noon that day; a day left out
is not made up: none is kept, and the project's page says the state was recorded by an
import; the export writes the days kept, which read back unchanged."""

from __future__ import annotations

import csv
import html
import io
from datetime import date, timedelta

from sqlalchemy import func, select

from tests.conftest import login
from tests.imports.helpers import run
from tests.imports.test_conditional_go import COLUMNS, _conditional
from tests.imports.test_projects import _setting
from tracker import db
from tracker.audit.models import AuditRecord
from tracker.dates import today
from tracker.gates.condition_models import Condition, ConditionState
from tracker.gates.dating import noon
from tracker.imports.export import export_csv
from tracker.imports.models import ImportState
from tracker.projects.models import Project

COLUMN = "Conditions of a CONDITIONAL GO"
DATED = ("1: Pilot data | pm@import.cn | 2019-09-30 | cleared | 2019-09-01 | 2019-09-10; "
         "2: Second customer | member@import.cn | 2021-12-31 | met | 2021-11-15; "
         "2: Standard | pm@import.cn | 2022-03-31 | 已销项; "
         "2: Patent filed | pm@import.cn | 2022-03-31")


def _conditions() -> dict[str, Condition]:
    return {c.text: c for c in db.session.scalars(select(Condition))}


def test_conditions_keep_the_days_they_were_met_and_cleared_and_none_made_up(client):
    admin, _pm = _setting()
    result = run(admin, "projects", [COLUMNS, _conditional(conditions=DATED)])
    assert result.state is ImportState.DONE, result.errors
    found = _conditions()
    assert (found["Pilot data"].met_at, found["Pilot data"].confirmed_at) == (
        noon(date(2019, 9, 1)), noon(date(2019, 9, 10)))
    assert (found["Second customer"].met_at, found["Second customer"].confirmed_at) == (
        noon(date(2021, 11, 15)), None)
    standard = found["Standard"]
    assert (standard.state, standard.met_at, standard.confirmed_at,
            standard.confirmed_by_id) == (ConditionState.CONFIRMED, None, None, admin.id)
    assert found["Patent filed"].met_at is None
    # The decision's record lists the days given.
    record = db.session.scalar(select(AuditRecord).where(
        AuditRecord.action == "gate.decide", AuditRecord.object_id == found[
            "Pilot data"].decision_id))
    assert record.changes["conditions"][1] == [
        ["Pilot data", "pm@import.cn", "2019-09-30", "confirmed", "2019-09-01", "2019-09-10"]]
    # The project's page says each day kept, and of one kept without, that an import said so.
    login(client, admin)
    project = db.session.scalar(select(Project))
    page = html.unescape(client.get(f"/projects/{project.id}").get_data(as_text=True))
    assert "cleared on Sep 10, 2019" in page and "met on Nov 15, 2021" in page
    assert page.count("as recorded by an import, on no day given") == 1
    trail = html.unescape(client.get(f"/history/gate_decisions/{record.object_id}").get_data(
        as_text=True))
    assert "Sep 30, 2019 · Cleared · met on Sep 1, 2019 · cleared on Sep 10, 2019" in trail
    # The export writes the days kept, and reads back unchanged, days left out or given.
    [exported] = list(csv.DictReader(io.StringIO(export_csv("projects").decode())))
    assert exported["conditions"] == (
        "1: Pilot data | pm@import.cn | 2019-09-30 | confirmed | 2019-09-01 | 2019-09-10; "
        "2: Second customer | member@import.cn | 2021-12-31 | met | 2021-11-15; "
        "2: Standard | pm@import.cn | 2022-03-31 | confirmed; "
        "2: Patent filed | pm@import.cn | 2022-03-31 | open")
    for cell in (DATED, exported["conditions"], DATED.replace(" | 2019-09-01 | 2019-09-10", "")):
        again = run(admin, "projects", [COLUMNS, _conditional(conditions=cell)])
        assert (again.state, again.unchanged) == (ImportState.DONE, 1), again.errors


def test_a_day_given_that_is_not_the_one_kept_is_refused_as_a_change_of_the_decision():
    admin, _pm = _setting()
    assert run(admin, "projects", [COLUMNS, _conditional(conditions=DATED)]).state is (
        ImportState.DONE)
    for cell in (DATED.replace("2019-09-10", "2019-09-11"),
                 DATED.replace("已销项", "已销项 | 2022-01-05")):
        moved = run(admin, "projects", [COLUMNS, _conditional(conditions=cell)])
        assert moved.state is ImportState.FAILED
        [(row, column, message)] = moved.errors
        assert (row, column) == (2, COLUMN)
        assert message.startswith("The conditions recorded are not these: 1: Pilot data")
    assert _conditions()["Pilot data"].confirmed_at == noon(date(2019, 9, 10))


def test_days_a_condition_could_not_have_are_refused_all_at_once():
    admin, _pm = _setting()
    ahead = (today() + timedelta(days=5)).isoformat()
    rows = [COLUMNS,
            _conditional("TEST-2019-0001", "1: Open | pm@import.cn | 2019-09-30 | open | "
                                           "2019-09-01"),
            _conditional("TEST-2019-0002", "1: Met | pm@import.cn | 2019-09-30 | met | "
                                           "2019-09-01 | 2019-09-10"),
            _conditional("TEST-2019-0003", "1: Early | pm@import.cn | 2019-09-30 | cleared | "
                                           "2019-05-01 | 2019-05-02"),
            _conditional("TEST-2019-0004", f"1: Ahead | pm@import.cn | 2019-09-30 | cleared | "
                                           f"2019-09-01 | {ahead}"),
            _conditional("TEST-2019-0005", "1: Backwards | pm@import.cn | 2019-09-30 | "
                                           "cleared | 2019-09-10 | 2019-09-01"),
            _conditional("TEST-2019-0006", "1: Unreadable | pm@import.cn | 2019-09-30 | met | "
                                           "September")]
    result = run(admin, "projects", rows)
    assert result.state is ImportState.FAILED
    said = [(r, c, m) for r, c, m in result.errors]
    assert said[:4] == [
        (2, COLUMN, "Condition 1 is open: it has no day it was met. Leave that day out."),
        (3, COLUMN, "Condition 1 is not cleared: it has no day it was cleared. Leave that day "
                    "out."),
        (4, COLUMN, "Condition 1: met on May 1, 2019, before its decision (May 20, 2019)."),
        (4, COLUMN, "Condition 1: cleared on May 2, 2019, before its decision (May 20, "
                    "2019).")]
    assert said[4][:2] == (5, COLUMN) and said[4][2].endswith(
        "is in the future; a condition is dated the day it was cleared.")
    assert said[5] == (6, COLUMN, "Condition 1: cleared on Sep 1, 2019, before it was met "
                                  "(Sep 10, 2019).")
    assert [(r, c) for r, c, _m in said[6:]] == [(7, COLUMN)], said
    assert db.session.scalar(select(func.count()).select_from(Condition)) == 0


def test_hq_is_asked_to_confirm_a_condition_met_before_the_tracker_first(client):
    """One imported met on no day given keeps none: it was met before the tracker, so HQ's
    list of conditions to confirm (oldest first) shows it first, on PostgreSQL too, which
    sorts a missing day last."""
    admin, _pm = _setting()
    cell = ("1: Pilot data | pm@import.cn | 2019-09-30 | cleared; "
            "2: Patent filed | pm@import.cn | 2022-03-31 | met | 2021-11-15; "
            "2: Second customer | member@import.cn | 2021-12-31 | met")
    assert run(admin, "projects", [COLUMNS, _conditional(conditions=cell)]).state is (
        ImportState.DONE)
    db.session.commit()
    login(client, admin)
    page = client.get("/").get_data(as_text=True)
    assert "Conditions marked met, to confirm" in page
    assert page.index("Second customer") < page.index("Patent filed")
