"""Issue 13, F51 and T11: an import tells a row's every problem in one pass, as a form does: a
cell it can't read (a list of instalments, a cap table, a budget line written wrong) is said
beside its column, and the service's checks still run on the cells that could be read, so a
second problem elsewhere in the row is said at the same time, not only once the first one is
fixed. Nothing is written."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.conftest import shared_data
from tests.imports.helpers import run
from tests.imports.test_empty_database import _populate, _rows
from tracker import db
from tracker.accounts.models import User
from tracker.audit.models import AuditRecord
from tracker.imports import export
from tracker.imports.kinds import ADAPTERS
from tracker.imports.models import ImportState


@pytest.fixture(scope="module")
def world(app, module_connection) -> dict:
    """A network imported once for the module (projects, milestones, a contract, an agreement,
    a company, an achievement and a licence), and its export of every kind."""
    with shared_data(app, module_connection):
        admin = _populate()
        return {"admin": admin.id,
                "files": {kind: _rows(export.export_csv(kind)) for kind in export.ROWS}}


# (kind, the exported row's number, the cells changed, what each changed column is told:
# the cell's own problem and the service's, side by side)
CASES = [
    ("contracts", 1, {"number": "RB-2019-099", "instalments": "in July", "signed_on": "2040-01-01"},
     {"instalments": "Write each instalment", "signed_on": "the date is in the future"}),
    ("contracts", 1, {"number": "RB-2019-099", "amount": "a lot", "signed_on": "2040-01-01"},
     {"amount": "Enter an amount", "signed_on": "the date is in the future",
      "instalments": "before the signing date"}),
    ("contracts", 1, {"number": "RB-2019-099", "payments": "paid", "enterprise": "Nobody Ltd",
                      "signed_on": "2040-01-01"},
     {"payments": "Write each payment", "enterprise": "No enterprise",
      "signed_on": "the date is in the future", "instalments": "before the signing date"}),
    ("milestones", 1, {"title": "Pilot", "percent_complete": "most", "due_date": "2040-01-01"},
     {"percent_complete": "Must be a whole number.", "due_date": "within the project's dates"}),
    ("milestones", 1, {"title": "Pilot", "weight": "heavy", "phase": "later",
                       "due_date": "2040-01-01"},
     {"weight": "Enter a number such as 3 or 62.5", "phase": "Not one of the choices",
      "due_date": "within the project's dates"}),
    ("projects", 1, {"title": "New draft", "budget_lines": "Equipment", "trl_target": "2"},
     {"budget_lines": "Write each budget line", "trl_target": "below the current one"}),
    ("projects", 1, {"title": "New draft", "budget_template": "NONE", "trl_target": "2"},
     {"budget_template": "No budget template", "trl_target": "below the current one"}),
    ("projects", 1, {"title": "New draft", "gates_passed_on": "May", "trl_target": "2"},
     {"gates_passed_on": "Write the gate and its date", "trl_target": "below the current one"}),
    # A project's last decision's own fields (a KILL's rationale, a HOLD's revisit date),
    # which its service asks once the project is written, are said with its proposal's.
    ("projects", 3, {"code": "TEST-2017-0099", "phase": "terminated", "rationale": "",
                     "gates_passed_on": "1: 2017-05-01; 2: 2018-06-01",
                     "budget_lines": "设备费: 9000000",
                     "start_date": "2017-03-01", "end_date": "2019-01-01"},
     {"rationale": "needs its rationale", "budget_lines": "more than the total"}),
    ("projects", 3, {"code": "TEST-2017-0099", "phase": "on_hold", "revisit_date": "",
                     "gates_passed_on": "1: 2017-05-01; 2: 2018-06-01",
                     "budget_lines": "设备费: 9000000",
                     "start_date": "2017-03-01", "end_date": "2019-01-01"},
     {"revisit_date": "A HOLD needs its revisit date", "budget_lines": "more than the total"}),
    # A recorded project's decisions, which no save compares, with its cells' problems; a
    # draft's phase changed, with its proposal's.
    ("projects", 2, {"gates_passed_on": "1: 2019-05-21; 2: 2021-06-30",
                     "budget_lines": "Equipment"},
     {"gates_passed_on": "recorded as taken on", "budget_lines": "Write each budget line"}),
    ("projects", 1, {"phase": "contract_research", "budget_lines": "设备费: 9000000"},
     {"phase": "phase now changes", "budget_lines": "more than the total"}),
    ("funding", 1, {"project_code": "TEST-2018-0001", "disbursements": "",
                    "tranches": "a million", "committed": "-5"},
     {"tranches": "Write each tranche", "committed": "At least CN¥0.00"}),
    ("funding", 1, {"project_code": "TEST-2018-0001", "disbursements": "first",
                    "co_funders": "Suzhou", "signed_on": "2040-01-01"},
     {"disbursements": "Write each disbursement", "co_funders": "Write each co-funder",
      "signed_on": "future", "conversion_deadline": "after the signing date"}),
    ("funding", 1, {"project_code": "TEST-2018-0001", "disbursements": "",
                    "co_funder_payments": "", "signed_on": "2040-01-01"},
     {"signed_on": "future", "conversion_deadline": "after the signing date"}),
    ("milestones", 1, {"title": "Pilot", "state": "waived", "waiver_reason": "",
                       "submitted_on": ""},
     {"waiver_reason": "A waiver needs its reason"}),
    ("companies", 1, {"name": "New company", "uscc": "", "registered_on": "",
                      "holdings": "Team Li", "registered_capital": "-1",
                      "project_codes": "TEST-2016-0007"},
     {"holdings": "Write each holder", "registered_capital": "At least CN¥0.00"}),
    ("companies", 1, {"name": "New company", "uscc": "", "rounds": "A",
                      "registered_capital": "-1", "project_codes": "TEST-2016-0007"},
     {"rounds": "Write each round", "registered_capital": "At least CN¥0.00",
      "uscc": "both the unified social credit code and the registration date"}),
    ("achievements", 1, {"title": "A new seal", "rights": "patent", "annuities": "",
                         "contributors": "Wang Wu: 50"},
     {"rights": "Write each right", "contributors": "add up to 50.00%"}),
    ("achievements", 1, {"title": "A new seal", "rights": "", "annuities": "3",
                         "contributors": "nobody@import.cn: 50; Wang Wu: 40"},
     {"annuities": "Write each annuity", "contributors": "No account"}),
    ("ip_deals", 1, {"reports": "in April", "contributor_pct": "10"},
     {"reports": "Write each report", "override_reason": "below the minimum",
      "contributor_pct": "rest on this term"}),
    ("ip_deals", 1, {"receipts": "upfront", "upfront": "-1"},
     {"receipts": "Write each receipt", "upfront": "At least CN¥0.00",
      "upfront_due_on": "give its amount"}),
]


# A person a row names (a PM, a committee member, a reviewer) is data for an import: their
# want of a role is one problem beside their column, told with the row's others
# (`Problems.who`; a reviewer was asked once the plan was right), where the row was told that
# alone. Each case of a new record of their kinds again, naming one: (column, whom, told).
NAMED = {"projects": ("pm_email", "evaluator@import.cn", "Only project managers write "
                      "proposals. Give them the role in the users file"),
         "funding": ("decided_by_email", "pm@import.cn", "Only the investment committee "
                     "decides allocation-investment funding. Give them the role"),
         "milestones": ("reviewer_email", "pm@import.cn", "Choose an evaluator")}
CASES += [(kind, at, {**cells, NAMED[kind][0]: NAMED[kind][1]},
           {**told, NAMED[kind][0]: NAMED[kind][2]})
          for kind, at, cells, told in CASES
          if kind in NAMED and {"title", "code", "project_code"} & set(cells)]


def _header(kind: str, shown: str) -> str:
    """The header an error names, of the column a file's header (`shown`) names."""
    return str(next(c.header for c in ADAPTERS[kind].kind.columns if c.shown == shown))


@pytest.mark.parametrize(("kind", "at", "cells", "told"), CASES,
                         ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_a_rows_every_problem_is_told_in_one_pass(world, kind, at, cells, told):
    admin = db.session.get(User, world["admin"])
    rows = [list(row) for row in world["files"][kind]]
    header = rows[0]
    for key, value in cells.items():
        rows[at][header.index(key)] = value
    records = db.session.scalar(select(func.count()).select_from(AuditRecord))
    result = run(admin, kind, [header, rows[at]])
    assert result.state is ImportState.FAILED
    said = {}
    for row, column, message in result.errors:
        assert row == 2
        said.setdefault(column, []).append(message)
    for key, words in told.items():
        assert any(words in message for message in said.get(_header(kind, key), ())), (
            key, result.errors)
    # And nothing else: no column is told a problem that is another's (the payments of an
    # instalment that could not be read, a ledger's transfers without its cap table).
    assert set(said) == {_header(kind, key) for key in told}, result.errors
    # Nothing written but the run's own record.
    assert db.session.scalar(select(func.count()).select_from(AuditRecord)) == records + 1
