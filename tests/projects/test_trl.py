"""The TRL over a project's life: the PM records it with its evidence, the page shows the
history, and each gate's minimum-TRL check reads the latest record, not the proposal's."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.conftest import login, post
from tests.factories import install_gates, make_project, make_user
from tests.gates import helpers
from tracker import db
from tracker.accounts.models import Role
from tracker.audit.models import AuditRecord
from tracker.errors import Forbidden, Invalid, Refused
from tracker.gates import decisions, scoring
from tracker.gates.models import Conclusion, Outcome
from tracker.projects import trl
from tracker.projects.lifecycle import Phase

PDF = helpers.PDF


@pytest.fixture(autouse=True)
def _gates():
    install_gates()


def _trl_blockers(review) -> list[str]:
    return [b for b in scoring.blockers(review) if "TRL" in b]


def test_the_gate_check_reads_the_latest_recorded_trl():
    project = make_project(trl_now=3)  # gate 2 asks for TRL 4 at least
    helpers.go(helpers.submit(project))
    review = helpers.request(project)
    assert review.gate == 2 and review.min_trl == 4
    assert _trl_blockers(review) == ["TRL 3 is below the gate's minimum of 4."]

    trl.record_trl(project.pm, project, 5, "Rig test at 200 h")
    db.session.commit()
    assert project.current_trl == 5
    assert _trl_blockers(review) == []

    # The latest, not the highest: a TRL found lower later blocks again.
    trl.record_trl(project.pm, project, 3, "Fatigue failure at 150 h: back to the bench")
    db.session.commit()
    assert _trl_blockers(review) == ["TRL 3 is below the gate's minimum of 4."]
    with pytest.raises(Invalid, match="TRL 3 is below"):  # the chair meets it at GO
        helpers.go(review)
    db.session.rollback()
    decision = decisions.decide(review.chair, review, review.version, Outcome.GO,
                                override_reason="Bench test repeated next month",
                                conclusion=Conclusion.PASSED, completion_ratio=Decimal("80"))
    assert decision.snapshot["trl"] == 3


def test_the_pm_records_a_trl_with_a_file_and_the_page_shows_the_history(client):
    project = make_project(phase=Phase.CONTRACT_RESEARCH, trl_now=4)
    login(client, project.pm)
    response = post(client, f"/projects/{project.id}/trl", {
        "level": "5", "note": "", "file": (io.BytesIO(PDF), "test-report.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "5 now, 8 targeted" in page and "(4 in the proposal)" in page
    assert "test-report.pdf" in page and "TRL history" in page
    record = db.session.scalar(select(AuditRecord).where(AuditRecord.action == "project.trl"))
    assert record.changes["trl"] == [4, 5]
    assert record.changes["file"] == [None, "test-report.pdf"]


def test_a_trl_needs_its_evidence_and_the_pm_of_a_project_under_way():
    project = make_project(phase=Phase.CONTRACT_RESEARCH)
    with pytest.raises(Invalid, match="evidence"):
        trl.record_trl(project.pm, project, 7, "  ")
    with pytest.raises(Forbidden):
        trl.record_trl(make_user(Role.HQ_ADMIN), project, 7, "Seen on site")
    draft = make_project()
    # A draft states its TRL in the proposal: its PM hears so by its stage.
    with pytest.raises(Refused, match="once it has passed gate 1"):
        trl.record_trl(draft.pm, draft, 7, "Seen on site")


def test_nobody_but_the_pm_is_offered_or_may_post_the_trl_form(client):
    project = make_project(phase=Phase.CONTRACT_RESEARCH)
    login(client, make_user(Role.OBSERVER))
    assert "Record the TRL" not in client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert post(client, f"/projects/{project.id}/trl",
                {"level": "7", "note": "x"}).status_code == 403
