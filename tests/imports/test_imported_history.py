"""An imported project's history says who imported it, from which file, and when each step was
taken (issue 13, F17, found by a newcomer): the submission and every phase change name the
importing HQ admin and the import (not the PM, who submitted nothing in the tracker), each phase
change is dated as the decision that caused it (not the day of the import), on both paths."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.conftest import login, post
from tests.imports.helpers import run
from tests.imports.test_projects import HEADER, _row, _setting
from tracker import db
from tracker.audit.models import AuditRecord
from tracker.dates import local_date
from tracker.projects.lifecycle import Phase
from tracker.projects.models import PhaseChange, Project


@pytest.mark.parametrize("path", ["bulk", "row by row"])
def test_the_phase_changes_name_the_import_and_carry_the_decisions_dates(monkeypatch, path):
    from tracker.imports.projects_bulk import BulkProjects

    if path == "row by row":
        monkeypatch.setattr(BulkProjects, "batch", lambda self, actor: None)
    admin, pm = _setting()
    result = run(admin, "projects", [HEADER, _row(phase="investment_decision",
                                                  passed="1: 2019-05-20; 2: 2021-09-30")])
    assert result.errors == []
    changes = list(db.session.scalars(select(PhaseChange).order_by(PhaseChange.id)))
    assert [(c.from_phase, c.to_phase, c.actor_id, c.imported_in_id, local_date(c.at))
            for c in changes] == [
        (Phase.DRAFT, Phase.PROPOSAL_REVIEW, admin.id, result.id, date(2019, 5, 20)),
        (Phase.PROPOSAL_REVIEW, Phase.CONTRACT_RESEARCH, admin.id, result.id, date(2019, 5, 20)),
        (Phase.CONTRACT_RESEARCH, Phase.INVESTMENT_DECISION, admin.id, result.id,
         date(2021, 9, 30))]
    assert changes[0].at < changes[1].at  # submitted before gate 1 decided it
    phase_records = db.session.scalars(select(AuditRecord.actor_id).where(
        AuditRecord.action == "project.phase")).all()
    assert pm.id not in phase_records and set(phase_records) == {admin.id}


def test_the_timeline_says_who_imported_it_and_from_which_file(client):
    admin, pm = _setting()
    result = run(admin, "projects", [HEADER, _row(passed="1: 2019-05-20")])
    project = db.session.scalar(select(Project))
    name = admin.name
    for locale, said in (
            ("en", f"imported by {name} from the file projects.csv (import #{result.id})"),
            ("zh_CN", f"由 {name} 从文件“projects.csv”导入（导入 #{result.id}）")):
        pm.locale = locale
        db.session.flush()
        login(client, pm)
        page = client.get(f"/projects/{project.id}").get_data(as_text=True)
        timeline = page[page.index('<ol class="timeline">'):]
        timeline = timeline[:timeline.index("</ol>")]
        assert timeline.count(said) == 3, timeline  # the submission, the GO, its phase change
        assert pm.name not in timeline
        post(client, "/logout")
