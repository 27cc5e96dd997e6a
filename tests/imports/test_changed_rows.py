"""Issue 13, F19, for every kind: a changed row finds its record by its natural key and
corrects it through the service its page corrects it with (the same checks, each audit record
naming the import), so the kind exported again gives the changed row and the same file again
changes nothing; or, where the import corrects nothing of the kind (a ledger's entries, a
payment, an agreement's tranches), or the page refuses the correction, the row is refused beside the
column it changes, saying why, and nothing is written."""

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
    """A network imported once for the module, with a centre and a need, and its export."""
    with shared_data(app, module_connection):
        admin = _populate()
        for kind, rows in (
                ("centres", [["name", "enterprise", "city"], ["泵业中心", "Pump Works", "苏州"]]),
                ("needs", [["title", "enterprise", "description", "state"],
                           ["Quieter pumps", "Pump Works", "Below 60 dB", "collected"]])):
            assert run(admin, kind, rows).state is ImportState.DONE
        return {"admin": admin.id,
                "files": {kind: _rows(export.export_csv(kind)) for kind in export.ROWS}}


def _changed(world, kind: str, at: int, cells: dict[str, str]) -> list[list[str]]:
    rows = [list(row) for row in world["files"][kind]]
    for key, value in cells.items():
        rows[at][rows[0].index(key)] = value
    return rows


UPDATED = [
    ("institutes", 1, {"name": "Institute One", "city": "无锡"}),
    ("enterprises", 1, {"city": "Wuxi", "size": "small", "high_tech_since": "2020"}),
    ("users", 3, {"name": "Member Three", "roles": "evaluator"}),
    ("centres", 1, {"name_en": "Pump centre", "city": "无锡"}),
    ("needs", 1, {"description": "Below 55 dB", "state": "analysed"}),
    ("projects", 1, {"summary": "A draft, summarised", "trl_target": "7"}),
    ("milestones", 2, {"deliverable": "A field report", "weight": "3"}),
    ("contracts", 1, {"title": "Pump development, phase 1", "amount": "4800000",
                      "instalments": "2019-07-01: 1500000; 2020-07-01: 3000000; "
                                     "2021-07-01: 300000"}),
    ("companies", 1, {"registered_capital": "12000000", "legal_representative": "王明"}),
    ("achievements", 1, {"description": "Halves leakage",
                         "contributors": "pm@import.cn: 50; member@import.cn: 40; Wang Wu: 10",
                         "annuities": "CN201910123456.7 | 3 | 2021-09-01 | 900 | 2021-08-20 | "
                                      "900; CN201910123456.7 | 4 | 2022-09-15 | 1250"}),
    ("ip_deals", 1, {"ends_on": "2033-12-31", "payment_days": "45"}),
    ("funding", 1, {"committed": "3500000", "co_funders": "Suzhou: 1"}),
]


@pytest.mark.parametrize(("kind", "at", "cells"), UPDATED, ids=[c[0] for c in UPDATED])
def test_a_changed_row_corrects_its_record_as_its_page_does(world, kind, at, cells):
    admin = db.session.get(User, world["admin"])
    rows = _changed(world, kind, at, cells)
    result = run(admin, kind, rows)
    assert (result.state, result.created, result.updated) == (ImportState.DONE, 0, 1), (
        result.errors)
    written = db.session.scalars(select(AuditRecord).where(
        AuditRecord.action != "import.run")).all()
    assert [r for r in written if (r.changes or {}).get("import") == [None, result.id]]
    assert _rows(export.export_csv(kind))[at] == rows[at]
    again = run(admin, kind, rows)
    assert (again.state, again.updated, again.unchanged) == (
        ImportState.DONE, 0, len(rows) - 1), again.errors


REFUSED = [
    # A submitted proposal is fixed, as its page says (README: deliberately not updated).
    ("projects", 2, {"summary": "More"}, "summary", "now go through a change request"),
    ("milestones", 1, {"deliverable": "Two pumps"}, "deliverable", "it is no longer edited"),
    ("milestones", 2, {"percent_complete": "60"}, "percent_complete", "now changes in the"),
    ("milestones", 2, {"due_date": "2026-10-31"}, "due_date", "re-baseline"),
    ("contracts", 1, {"instalments": "2019-07-01: 1500000"}, "instalments",
     "Payments were recorded against this instalment"),
    ("contracts", 1, {"payments": "1: 2019-07-05: 1500000"}, "payments", "reverse it"),
    ("funding", 1, {"committed": "1"}, "committed", "commitment is at least that"),
    ("funding", 1, {"decided_by_email": "member@import.cn"}, "decided_by_email",
     "recorded this agreement"),
    ("funding", 1, {"tranches": "1200000 | gate 1"}, "tranches", "correct it on the funding"),
    ("companies", 1, {"rounds": "A | 2022-05-01 | 13000000 | Fund X: investor: 6000000: lead, "
                                "City fund: state_fund: 4000000"}, "rounds", "reverse it"),
    ("companies", 1, {"exit": "acquisition | 2024-06-30 | 91000000"}, "exit", "reverse it"),
    ("achievements", 1, {"annuities": "CN201910123456.7 | 3 | 2021-09-01 | 900 | 2021-08-21 | "
                                      "900; CN201910123456.7 | 4 | 2022-09-01 | 1200"},
     "annuities", "a recorded payment is not changed"),
    ("ip_deals", 1, {"royalty_pct": "6"}, "royalty_pct", "reverse those first"),
    ("ip_deals", 1, {"reports": "2023-04-10: 1000001; 2023-07-08: 800000"}, "reports",
     "reverse it"),
    # A changed natural key names the record the row's other columns name, rather than
    # recording a second one beside it.
    ("ip_deals", 1, {"signed_on": "2022-12-15"}, "signed_on", "changes its signing date"),
    ("achievements", 1, {"title": "Leak-free pump seal"}, "title", "achievement Low-leak "
     "pump seal is recorded under that title and CN201910123456.7 Pump seal is registered on "
     "it: this row changes its title"),
    ("incentive_grants", 1, {"granted_on": "2021-01-05"}, "granted_on",
     "changes its grant date"),
]


def _header(kind: str, shown: str) -> str:
    if not shown:
        return ""
    return str(next(c.header for c in ADAPTERS[kind].kind.columns if c.shown == shown))


@pytest.mark.parametrize(("kind", "at", "cells", "column", "words"), REFUSED,
                         ids=[f"{c[0]}-{next(iter(c[2]))}" for c in REFUSED])
def test_a_change_the_page_does_not_make_is_refused_beside_its_column(world, kind, at, cells,
                                                                      column, words):
    admin = db.session.get(User, world["admin"])
    records = db.session.scalar(select(func.count()).select_from(AuditRecord))
    result = run(admin, kind, _changed(world, kind, at, cells))
    assert result.state is ImportState.FAILED
    assert [(r, c) for r, c, _m in result.errors] == [(at + 1, _header(kind, column))], (
        result.errors)
    assert words in result.errors[0][2], result.errors
    assert db.session.scalar(select(func.count()).select_from(AuditRecord)) == records + 1
