"""Gates passed with a CONDITIONAL GO before the tracker: imported with their conditions, each
owned, dated and in the state it had reached, so that an open one holds back the next gate as
in the tracker."""

from __future__ import annotations

import csv
import html
import io
from datetime import date

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from tests.conftest import login
from tests.factories import make_user
from tests.imports.helpers import run
from tests.imports.test_projects import HEADER, _row, _setting
from tracker import db
from tracker.accounts.models import User
from tracker.audit.models import AuditRecord
from tracker.display.formatting import day
from tracker.gates import conditions as condition_services
from tracker.gates.condition_models import Condition, ConditionState
from tracker.gates.models import GateDecision, Outcome
from tracker.imports.export import export_csv
from tracker.imports.models import ImportState
from tracker.projects import guards
from tracker.projects.lifecycle import Phase
from tracker.projects.models import Project

COLUMNS = [*HEADER, "Conditions of a CONDITIONAL GO"]
PASSED = "1: 2019-05-20; 2: 2021-06-30"
CONDITIONS = ("1: Pilot data | pm@import.cn | 2019-09-30 | cleared; "
              "2: Second customer | member@import.cn | 2021-12-31 | 已满足，待确认; "
              "2: Patent filed | pm@import.cn | 2022-03-31")


def _conditional(code="TEST-2019-0042", conditions=CONDITIONS, **kw):
    kw.setdefault("phase", "investment_decision")
    kw.setdefault("passed", PASSED)
    return [*_row(code=code, **kw), conditions]


def test_gates_passed_with_conditions_come_in_as_conditional_gos_with_their_state():
    admin, pm = _setting()
    result = run(admin, "projects", [COLUMNS, _conditional()])
    assert (result.state, result.created) == (ImportState.DONE, 1), result.errors
    project = db.session.scalar(select(Project))
    assert project.phase is Phase.INVESTMENT_DECISION
    decisions = db.session.scalars(select(GateDecision).order_by(GateDecision.id)).all()
    assert [(d.review.gate, d.outcome, d.imported_in_id) for d in decisions] == [
        (1, Outcome.CONDITIONAL_GO, result.id), (2, Outcome.CONDITIONAL_GO, result.id)]
    found = db.session.scalars(select(Condition).order_by(Condition.id)).all()
    assert [(c.decision.review.gate, c.text, c.owner.email, c.due_date, c.state)
            for c in found] == [
        (1, "Pilot data", "pm@import.cn", date(2019, 9, 30), ConditionState.CONFIRMED),
        (2, "Second customer", "member@import.cn", date(2021, 12, 31), ConditionState.MET),
        (2, "Patent filed", "pm@import.cn", date(2022, 3, 31), ConditionState.OPEN)]
    # No day given, none kept (issue 13: the import's moment was): test_condition_dates.py
    assert found[0].confirmed_by_id == admin.id and found[1].met_at is None
    # The decision's audit record lists its conditions as imported.
    record = db.session.scalar(select(AuditRecord).where(
        AuditRecord.action == "gate.decide", AuditRecord.object_id == decisions[1].id))
    assert record.changes["conditions"][1] == [
        ["Second customer", "member@import.cn", "2021-12-31", "met"],
        ["Patent filed", "pm@import.cn", "2022-03-31", "open"]]
    assert record.changes["import"] == [None, result.id]
    # As in the tracker: conditions not cleared hold back gate 3, shown on its checklist, the
    # one marked met (awaiting HQ's confirmation) as under way, the open one as still to do.
    assert condition_services.open_conditions(project) == (
        "1 condition of an earlier gate is not cleared yet.")
    assert condition_services.open_conditions(project, met=True) == (
        "1 condition marked met, awaiting confirmation.")
    assert ("1 condition of an earlier gate is not cleared yet."
            in guards.gate_request_refusals(project, 3))
    # ... and the owner and HQ clear them in the tracker as any others.
    condition_services.mark_condition_met(pm, found[2], "Filed as CN2022xxxx")
    # Both under way now: still no gate 3 until HQ confirms them.
    assert ("2 conditions marked met, awaiting confirmation."
            in guards.gate_request_refusals(project, 3))
    condition_services.confirm_condition(admin, found[1])
    condition_services.confirm_condition(admin, found[2])
    assert condition_services.open_conditions(project) is None


def test_conditions_are_checked_as_the_decision_form_checks_them_all_at_once():
    admin, pm = _setting()
    make_user(email="stranger@import.cn")
    rows = [COLUMNS,
            _conditional("TEST-2019-0001", "3: Pilot data | pm@import.cn | 2021-01-01"),
            _conditional("TEST-2019-0002", "1: Pilot data | nobody@import.cn | 2020-01-01"),
            _conditional("TEST-2019-0003", "1: Pilot data | stranger@import.cn | 2020-01-01"),
            _conditional("TEST-2019-0004", "1: Pilot data | pm@import.cn | 2019-01-01"),
            _conditional("TEST-2019-0005", "1: Pilot data, due soon"),
            _conditional("TEST-2019-0006", "1: Pilot data | pm@import.cn | 2020-01-01 | "
                                           "superseded"),
            _conditional("TEST-2019-0007", "1: Pilot data | stranger@import.cn | 2020-01-01",
                         trl_now="8", trl_target="5")]
    result = run(admin, "projects", rows)
    assert result.state is ImportState.FAILED
    column = "Conditions of a CONDITIONAL GO"
    assert [(r, c, m) for r, c, m in result.errors] == [
        (2, column, "Gate 3 was not passed with a GO on the way to the project's phase: only "
                    "such a gate takes conditions."),
        (3, column, "No account has the e-mail nobody@import.cn."),
        (3, column, "Condition 1 needs a text and an owner."),
        (4, column, "The owner of condition 1 is neither the project manager nor in the "
                    "team."),
        (5, column, "Condition 1 needs a due date from its decision's day (May 20, 2019) on."),
        (6, column, "Write each condition as its gate, text, owner's e-mail, due date and "
                    "state, and the days it was met and cleared if known, e.g. 1: Pilot data | "
                    "pm@example.cn | 2024-06-30 | cleared | 2024-06-20 | 2024-06-25."),
        (7, column, "Condition 1: an imported condition is open, met or cleared."),
        # A row wrong in its conditions and its proposal is told both at once.
        (8, column, "The owner of condition 1 is neither the project manager nor in the "
                    "team."),
        (8, "TRL targeted", result.errors[-1][2])], result.errors
    assert db.session.scalar(select(func.count()).select_from(Project)) == 0
    assert db.session.scalar(select(func.count()).select_from(Condition)) == 0


def test_conditional_gos_go_round_trip_and_a_second_import_changes_nothing():
    admin, pm = _setting()
    rows = [COLUMNS, _conditional(), _row(code="TEST-2019-0043", title="Plain GOs")]
    rows[2].append("")
    assert run(admin, "projects", rows).state is ImportState.DONE
    exported = list(csv.DictReader(io.StringIO(export_csv("projects").decode())))
    assert [r["conditions"] for r in exported] == [
        "1: Pilot data | pm@import.cn | 2019-09-30 | confirmed; "
        "2: Second customer | member@import.cn | 2021-12-31 | met; "
        "2: Patent filed | pm@import.cn | 2022-03-31 | open", ""]
    again = run(admin, "projects", rows)
    assert (again.state, again.created, again.unchanged) == (ImportState.DONE, 0, 2)
    assert db.session.scalar(select(func.count()).select_from(Condition)) == 3


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_an_imported_decisions_history_names_the_owners_of_its_conditions(client, locale):
    """The file names each owner by their e-mail, and the trail keeps it so; the history names
    them as every page names people, by name (issue 9 point 9)."""
    admin, pm = _setting()
    run(admin, "projects", [COLUMNS, _conditional()])
    member = db.session.scalar(select(User).where(User.email == "member@import.cn"))
    decision = db.session.scalars(select(GateDecision).order_by(GateDecision.id.desc())).first()
    admin.locale = locale
    db.session.commit()
    login(client, admin)
    page = html.unescape(client.get(f"/history/gate_decisions/{decision.id}").get_data(
        as_text=True))
    with force_locale(locale):
        due = day(date(2021, 12, 31))
    assert f"Second customer · {member.name} · {due}" in page
    assert f"Patent filed · {pm.name} · " in page
    assert "@import.cn" not in page
