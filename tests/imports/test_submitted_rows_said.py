"""A changed row of a project already submitted is refused beside each column it changes, with
the proposal page's sentence, not as the row's (found as an HQ admin: "row 3, -: The proposal
was submitted: changes to the project now go through a change request." said nothing of
which of its 28 columns the file changed), on the run's page and in its error file, in the
reader's language."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import login
from tests.imports.helpers import run
from tests.imports.test_projects import HEADER, _row, _setting
from tracker import db
from tracker.imports.models import ImportState
from tracker.projects.models import Project

SAID = "The proposal was submitted: changes to the project now go through a change request."


def test_each_changed_column_of_a_submitted_project_is_named(client):
    admin, _pm = _setting()
    first = run(admin, "projects", [HEADER, _row()])
    assert first.state is ImportState.DONE, first.errors
    changed = _row(title="Hydraulics II", budget="3,500,000",
                   lines="设备费: 1500000; 劳务费: 500000")
    result = run(admin, "projects", [HEADER, changed])
    assert result.state is ImportState.FAILED
    assert sorted(result.errors) == sorted([
        [2, "Title", SAID], [2, "Budget total (CNY)", SAID], [2, "Budget lines", SAID]])
    assert db.session.scalar(select(Project.title)) == "Hydraulics"
    admin.locale = "zh_CN"
    db.session.flush()
    login(client, admin)
    errors = client.get(f"/admin/import/{result.id}/errors.csv").get_data(as_text=True)
    # the column as the file headed it, in English (`tracker.imports.headings`)
    assert "2,Budget total (CNY),申报书已提交：项目的修改现须通过变更申请。" in errors.splitlines()


def test_a_phase_and_a_manager_changed_are_still_said_beside_theirs():
    admin, _pm = _setting()
    run(admin, "projects", [HEADER, _row()])
    result = run(admin, "projects", [HEADER, _row(phase="investment_decision",
                                                  passed="1: 2019-05-20; 2: 2020-01-10",
                                                  title="Renamed")])
    assert [(r, c) for r, c, _m in result.errors] == [(2, "Phase"), (2, "Title")]
