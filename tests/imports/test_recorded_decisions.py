"""A row of a project already recorded that changes one of its decisions (the day a gate was
passed, a CONDITIONAL GO's conditions, the phase it ended in, a KILL's rationale, a revisit
date) is refused beside that column, saying how it is changed instead; the same file again
changes nothing (issue 13, found by an HQ admin's check: such a row was reported
"unchanged", neither applied nor refused). So is a company's row that changes the shares its
recorded cap table issued. Both paths of the projects import."""

from __future__ import annotations

import csv
import io

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from tests.imports.helpers import run
from tests.imports.test_companies import KEYS as COMPANY_KEYS
from tests.imports.test_companies import ROW as COMPANY
from tests.imports.test_companies import _setting_with_project
from tests.imports.test_projects import HEADER, _row, _setting
from tracker import db
from tracker.audit.models import AuditRecord
from tracker.dates import today
from tracker.imports.export import export_csv
from tracker.imports.models import ImportState
from tracker.imports.projects_bulk import BulkProjects

COLUMNS = [*HEADER, "Conditions of a CONDITIONAL GO", "Ended or held in", "Rationale of the KILL",
           "Revisit date"]


def _rows(changed: dict | None = None) -> list[list[str]]:
    """A project terminated in contract research, one on hold there, one passed gate 1 with
    conditions; `changed`: a cell of each, by column."""
    cells = {
        "killed": _row(code="TEST-2019-0001", title="Killed", phase="terminated",
                       passed="1: 2019-05-20; 2: 2021-01-10", members="")
        + ["", "contract_research", "Route failed", ""],
        "held": _row(code="TEST-2019-0002", title="Held", phase="on_hold",
                     passed="1: 2019-05-20; 2: 2020-02-01", members="")
        + ["", "", "", f"{today().year + 1}-06-30"],
        "conditional": _row(code="TEST-2019-0003", title="Conditional")
        + ["1: Pilot data | pm@import.cn | 2019-09-30 | open", "", "", ""]}
    for (name, column), value in (changed or {}).items():
        cells[name][COLUMNS.index(column)] = value
    return [COLUMNS, *cells.values()]


@pytest.fixture(params=["bulk", "row by row"])
def imported(request, monkeypatch):
    admin, _pm = _setting()
    if request.param == "row by row":
        monkeypatch.setattr(BulkProjects, "batch", lambda self, actor: None)
    result = run(admin, "projects", _rows())
    assert (result.state, result.created) == (ImportState.DONE, 3), result.errors
    return admin


def _audited() -> int:
    return db.session.scalar(select(func.count()).select_from(AuditRecord))


def test_every_changed_decision_is_refused_beside_its_column(imported):
    before = _audited()
    result = run(imported, "projects", _rows({
        ("killed", "Gates passed on"): "1: 2019-05-20; 2: 2021-02-10",
        ("killed", "Rationale of the KILL"): "Market gone",
        ("held", "Ended or held in"): "investment_decision",
        ("held", "Revisit date"): f"{today().year + 1}-07-31",
        ("conditional", "Conditions of a CONDITIONAL GO"):
            "1: Pilot data | pm@import.cn | 2019-10-31 | open"}))
    assert result.state is ImportState.FAILED
    assert [(r, c) for r, c, _m in result.errors] == [
        (2, "Gates passed on"), (2, "Rationale of the KILL"), (3, "Ended or held in"),
        (3, "Revisit date"), (4, "Conditions of a CONDITIONAL GO")], result.errors
    said = {c: m for _r, c, m in result.errors}
    assert said["Gates passed on"].startswith(
        "Gate 2's decision is recorded as taken on Jan 10, 2021, not Feb 10, 2021.")
    assert "correcting the KILL on its gate review's page" in said["Rationale of the KILL"]
    assert "“Route failed”" in said["Rationale of the KILL"]
    assert said["Ended or held in"].startswith(
        "The project's last decision was taken in “Contract research”, not “Investment "
        "decision”.")
    assert "correcting the HOLD" in said["Revisit date"]
    assert "1: Pilot data | pm@import.cn | 2019-09-30 | open" in said[
        "Conditions of a CONDITIONAL GO"]
    # Refused, not applied: the run wrote nothing but its own record.
    assert _audited() == before + 1
    again = run(imported, "projects", _rows())
    assert (again.state, again.unchanged) == (ImportState.DONE, 3), again.errors
    # A gate its cell leaves out, or a column the file leaves out, is not compared.
    rows = _rows({("killed", "Gates passed on"): "2: 2021-01-10"})
    for left_out in (rows, [row[:-4] for row in rows]):
        again = run(imported, "projects", left_out)
        assert (again.state, again.unchanged) == (ImportState.DONE, 3), again.errors


def test_the_refusal_is_said_in_the_importers_language(imported):
    with force_locale("zh_CN"):
        result = run(imported, "projects", _rows({
            ("killed", "Rationale of the KILL"): "Market gone"}))
        said = [(str(c), str(m)) for _r, c, m in result.errors]
    assert said == [("Rationale of the KILL", "KILL 决定登记的理由与此不同，为：“Route failed”。"
                     "导入不会更改已登记的决定：理由须在其阶段门评审页面上更正该 KILL 决定来"
                     "修改（更正前后的决定都保留可见）。请在此填写已登记的理由。")]


def test_a_changed_total_of_a_recorded_cap_table_is_refused_beside_it():
    admin = _setting_with_project()
    assert run(admin, "companies", [COMPANY_KEYS, COMPANY]).state is ImportState.DONE
    changed = [*COMPANY[:7], "12,000,000", *COMPANY[8:]]
    result = run(admin, "companies", [COMPANY_KEYS, changed])
    assert result.state is ImportState.FAILED
    assert [(r, c) for r, c, _m in result.errors] == [(2, "Shares issued in total")]
    assert result.errors[0][2].startswith("The cap table at incorporation is recorded with "
                                          "10,000,000 shares issued, not 12,000,000.")
    again = run(admin, "companies", [COMPANY_KEYS, COMPANY])
    assert (again.state, again.unchanged) == (ImportState.DONE, 1), again.errors



def test_an_empty_cell_of_a_recorded_decision_leaves_it_as_recorded(imported):
    """An import never changes nor removes a recorded decision, so a cell left empty asserts
    nothing and the row is unchanged, as a gate left out of its cell is; the export writes
    every recorded value, which reads back unchanged, and a different one is refused (above).
    The conditions, the rationale and the revisit date left empty were refused as changes."""
    emptied = {(name, column): "" for name, column in (
        ("killed", "Rationale of the KILL"), ("killed", "Ended or held in"),
        ("held", "Revisit date"), ("conditional", "Conditions of a CONDITIONAL GO"))}
    before = _audited()
    result = run(imported, "projects", _rows(emptied))
    assert (result.state, result.unchanged) == (ImportState.DONE, 3), result.errors
    assert _audited() == before + 1  # the run's own record: nothing changed
    exported = list(csv.reader(io.StringIO(export_csv("projects").decode())))
    keys = exported[0]
    written = {row[keys.index("title")]: dict(zip(keys, row, strict=True))
               for row in exported[1:]}
    assert (written["Killed"]["rationale"], written["Killed"]["ended_in"]) == (
        "Route failed", "contract_research")
    assert written["Held"]["revisit_date"] == f"{today().year + 1}-06-30"
    assert written["Conditional"]["conditions"] == (
        "1: Pilot data | pm@import.cn | 2019-09-30 | open")
    again = run(imported, "projects", exported)
    assert (again.state, again.unchanged) == (ImportState.DONE, 3), again.errors
