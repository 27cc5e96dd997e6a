"""Round trip: the files an HQ imports come back out of `tracker.imports.export` as they went
in (in the import's own format: keys as headers, values as the import reads them), and
importing the exported files again changes nothing."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

from sqlalchemy import func, select

from tests.factories import make_enterprise, make_user
from tests.imports import test_company_events, test_funding
from tests.imports.helpers import run
from tests.imports.test_projects import _setting
from tracker import db
from tracker.accounts.models import Role
from tracker.audit.models import AuditRecord
from tracker.imports import export
from tracker.imports.models import ImportState

AHEAD = (date.today() + timedelta(days=60)).isoformat()
PROJECTS = [
    ["code", "title", "summary", "field", "type", "funding_source", "programme_level",
     "programme_name", "funder_project_number", "managing_body", "institute_code", "pm_email",
     "member_emails",
     "partner_enterprise", "need", "trl_now", "trl_target", "budget_total",
     "budget_template", "budget_lines", "start_date", "end_date", "phase", "gates_passed_on",
     "conditions", "ended_in", "rationale", "revisit_date", "terminated_on"],
    ["", "A draft", "", "Machinery", "pm_major", "own", "", "", "", "", "IMP-RB",
     "pm@import.cn", "", "", "", "3",
     "6", "1000000", "CN-2021", "设备费: 1000000", "2026-01-01", "2027-12-31", "draft", "", "",
     "", "", "", ""],
    ["TEST-2019-0042", "Hydraulics", "Less energy", "Machinery", "contract_research",
     "enterprise", "", "", "", "", "IMP-RB", "pm@import.cn", "member@import.cn",
     "913200000000000013", "", "4", "7",
     "3000000", "CN-2021", "设备费: 1000000; 劳务费: 500000.5", "2019-03-01", "2027-12-31",
     "investment_decision", "1: 2019-05-20; 2: 2021-06-30",
     "2: Second customer | member@import.cn | 2021-12-31 | met; "
     "2: Patent filed | pm@import.cn | 2022-03-31 | open", "", "", "", ""],
    ["TEST-2016-0007", "Old pump", "", "Machinery", "pm_major", "government", "provincial",
     "江苏省重点研发计划", "BE2016001", "江苏省科学技术厅", "IMP-RB", "pm@import.cn", "",
     "", "", "4", "7", "2000000", "CN-2021", "", "2016-03-01", "2019-02-28", "completed",
     "1: 2016-05-01; 2: 2018-12-01", "", "contract_research", "", "", ""],
    ["TEST-2017-0003", "Dead end", "", "Machinery", "pm_major", "own", "", "", "", "",
     "IMP-RB", "pm@import.cn", "",
     "", "", "4", "7", "2000000", "CN-2021", "", "2017-03-01", "2020-02-28", "terminated",
     "1: 2017-05-01; 2: 2018-06-01", "", "contract_research", "No market", "", ""],
    ["TEST-2018-0001", "Paused", "", "Machinery", "pm_major", "own", "", "", "", "",
     "IMP-RB", "pm@import.cn", "",
     "", "", "4", "7", "2000000", "CN-2021", "", "2018-03-01", "2028-02-28", "on_hold",
     "1: 2018-05-01; 2: 2019-06-01", "", "contract_research", "", AHEAD, ""],
    # held at gate 2, then ended by HQ while on hold (its page's Terminate), without a gate
    ["TEST-2018-0002", "Held, then ended", "", "Machinery", "pm_major", "own", "", "", "",
     "", "IMP-RB", "pm@import.cn", "",
     "", "", "4", "7", "2000000", "CN-2021", "", "2018-03-01", "2022-02-28", "terminated",
     "1: 2018-05-01; 2: 2019-06-01", "", "contract_research", "Partner withdrew",
     "2019-12-31", "2020-03-15"],
]
# Each with its holds resumed (none), and one held at gate 2 and resumed by HQ since, waiting
# for that gate again (tests/imports/test_held_then_resumed.py).
PROJECTS = [[*row, held] for row, held in zip(
    PROJECTS, ["holds", *[""] * (len(PROJECTS) - 1)], strict=True)] + [
    ["TEST-2018-0004", "Held, then resumed", "", "Machinery", "pm_major", "own", "", "", "",
     "", "IMP-RB", "pm@import.cn", "", "", "", "4", "7", "2000000", "CN-2021", "",
     "2018-03-01", "2024-02-28", "contract_research", "1: 2018-05-01", "",
     "", "", "", "", "2: 2020-05-01 | 2020-11-30 | 2020-09-01 | Funds came through"]]
# An accepted milestone with the day it was submitted, one without (issue 13).
MILESTONES = [
    ["project_code", "title", "phase", "deliverable", "due_date", "weight", "state",
     "percent_complete", "reviewer_email", "waiver_reason", "submitted_on"],
    ["TEST-2019-0042", "Prototype", "contract_research", "A pump", "2020-04-30", "1",
     "accepted", "100", "", "", "2020-04-27"],
    ["TEST-2019-0042", "Field trial", "investment_decision", "", "2026-09-30", "2.5",
     "in_progress", "40", "", "", ""],
    ["TEST-2019-0042", "Skipped study", "contract_research", "", "2020-01-31", "1",
     "waived", "0", "", "Superseded", ""],
    ["TEST-2016-0007", "Pilot line", "contract_research", "", "2017-06-30", "1", "accepted",
     "100", "", "", ""],
]
CONTRACTS = [
    ["project_code", "number", "title", "enterprise", "type", "amount", "signed_on",
     "instalments", "payments"],
    ["TEST-2019-0042", "RB-2019-007", "Pump development", "913200000000000013",
     "development", "4500000", "2019-06-01", "2019-07-01: 1500000; 2020-07-01: 3000000",
     "1: 2019-07-05: 1500000; 2: 2020-07-10: 1000000.25"],
]

FUNDING = [test_funding.KEYS,
           ["TEST-2019-0042", "committee@import.cn", "3000000", "1", "", "0", "5000000",
            "2019-06-01", "2031-06-01", "1000000 | gate 1", "1: 2019-06-10: 1000000", "", "",
            "", "", "", ""]]
COMPANIES = [[*test_company_events.ALL_KEYS, "recorded_order"], [*test_company_events.FULL, ""]]


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue().encode("utf-8")


def test_what_is_imported_exports_as_it_came_and_imports_again_unchanged():
    admin, _pm = _setting()
    make_enterprise(name="Pump Works", uscc="913200000000000013")
    make_user(Role.EVALUATOR, email="evaluator@import.cn")
    make_user(Role.INVESTMENT_COMMITTEE, email="committee@import.cn")
    for kind, rows in (("projects", PROJECTS), ("milestones", MILESTONES),
                       ("contracts", CONTRACTS), ("funding", FUNDING),
                       ("companies", COMPANIES)):
        result = run(admin, kind, rows)
        assert result.state is ImportState.DONE, (kind, result.errors)
        assert export.export_csv(kind).decode() == _csv(rows).decode(), kind
    exported = {kind: export.export_csv(kind) for kind in export.ROWS}
    records = db.session.scalar(select(func.count()).select_from(AuditRecord))
    for kind in ("enterprises", "institutes", "users", "projects", "milestones", "contracts",
                 "funding", "companies"):
        again = run(admin, kind, list(csv.reader(io.StringIO(exported[kind].decode()))))
        assert (again.state, again.created, again.updated) == (ImportState.DONE, 0, 0), (
            kind, again.errors)
    # Only the runs' own records: nothing changed.
    assert db.session.scalar(select(func.count()).select_from(AuditRecord)) == records + 8
    assert {kind: export.export_csv(kind) for kind in export.ROWS} == exported
