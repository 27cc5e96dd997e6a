"""Milestone pages and the home page's work lists, by role."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from tests.conftest import login, post
from tests.factories import install_gates, make_project, make_user
from tests.gates import helpers
from tests.milestones.test_milestones import PNG, in_research, plan
from tracker import db
from tracker.accounts.models import Role
from tracker.dates import today
from tracker.errors import Invalid
from tracker.milestones import services
from tracker.milestones.models import Evidence, MilestoneState
from tracker.projects.lifecycle import Phase


@pytest.fixture(autouse=True)
def _gates():
    install_gates()


def test_pm_plans_posts_evidence_and_submits(client, researching):
    reviewer = make_user(Role.EVALUATOR, name="Rita Reviewer")
    project = researching
    login(client, project.pm)
    bad = post(client, f"/projects/{project.id}/milestones/new", {
        "phase": "contract_research", "title": "Pilot line", "due_date": "2031-01-01",
        "weight": "1"})
    assert bad.status_code == 400 and "must fall within the project" in bad.get_data(as_text=True)
    response = post(client, f"/projects/{project.id}/milestones/new", {
        "phase": "contract_research", "title": "Pilot line", "due_date": "2026-08-31",
        "weight": "2", "deliverable": "Line running"})
    assert response.status_code == 302
    milestone_url = response.headers["Location"]
    milestone_id = int(milestone_url.rsplit("/", 1)[1])
    response = post(client, f"{milestone_url}/update", {
        "percent": "60", "note": "Commissioning",
        "files": [(io.BytesIO(PNG), "产线照片.png"), (io.BytesIO(helpers.PDF), "报告.pdf")]},
        content_type="multipart/form-data")
    assert response.status_code == 302
    evidence = db.session.scalars(select(Evidence)).all()
    assert sorted(e.file.original_name for e in evidence) == ["产线照片.png", "报告.pdf"]
    download = client.get(f"/files/{evidence[0].file_id}")
    assert download.status_code == 200
    assert "UTF-8''" in download.headers["Content-Disposition"]
    refused = post(client, f"{milestone_url}/update", {
        "percent": "70", "files": [(io.BytesIO(b"MZ" + b"0" * 80), "setup.pdf")]},
        content_type="multipart/form-data")
    assert refused.status_code == 400 and "is not a PDF file" in refused.get_data(as_text=True)
    assert post(client, f"{milestone_url}/submit").status_code == 302
    hq = client.application.test_client()
    login(hq, make_user(Role.HQ_ADMIN))
    assert post(hq, f"{milestone_url}/reviewer", {"reviewer_id": reviewer.id}).status_code == 302
    page = client.get(milestone_url).get_data(as_text=True)
    assert "Submitted" in page and "Rita Reviewer" in page
    reviewer_client = client.application.test_client()
    login(reviewer_client, reviewer)
    home = reviewer_client.get("/").get_data(as_text=True)
    assert "Milestones to review" in home and "Pilot line" in home
    returned = post(reviewer_client, f"{milestone_url}/review",
                    {"decision": "return", "comment": ""})
    assert returned.status_code == 400 and "reworked" in returned.get_data(as_text=True)
    answered = post(reviewer_client, f"{milestone_url}/review",
                    {"decision": "return", "comment": "Photos of the QA station missing"})
    # The reviewer keeps reading what they reviewed (not the rest of the project): back on
    # the milestone, told what they did, with no review form; a second answer is refused by
    # the milestone's state (409), not as if it were not theirs (404).
    assert answered.headers["Location"] == milestone_url
    shown = reviewer_client.get(milestone_url).get_data(as_text=True)
    assert "Returned for rework." in shown and f"{milestone_url}/review" not in shown
    assert reviewer_client.get(f"/projects/{project.id}").status_code == 404
    again = post(reviewer_client, f"{milestone_url}/review",
                 {"decision": "accept", "comment": ""})
    assert again.status_code == 409
    assert "it is reviewed once its project manager submits it" in again.get_data(as_text=True)
    assert "Returned for rework" in client.get("/").get_data(as_text=True)
    assert milestone_id


def test_outsiders_get_404_on_milestones_and_evidence(client, app, researching):
    project = researching
    milestone = plan(project)
    services.post_update(project.pm, milestone, 10, "", [(io.BytesIO(PNG), "x.png")])
    db.session.commit()
    evidence = milestone.updates[0].evidence[0]
    login(client, make_user(Role.PROJECT_MANAGER))
    assert client.get(f"/milestones/{milestone.id}").status_code == 404
    assert client.get(f"/files/{evidence.file_id}").status_code == 404
    assert post(client, f"/milestones/{milestone.id}/update", {"percent": "5"}).status_code == 404


def test_hq_waives_and_approves_a_long_rebaseline_from_the_page(client, researching):
    project = researching
    milestone = plan(project, due=date(2026, 6, 30))
    login(client, project.pm)
    post(client, f"/milestones/{milestone.id}/rebaseline",
         {"new_date": "2026-10-30", "reason": "Partner moved the line"})
    admin = client.application.test_client()
    login(admin, make_user(Role.HQ_ADMIN))
    page = admin.get(f"/milestones/{milestone.id}").get_data(as_text=True)
    assert "Awaiting HQ" in page
    entry = milestone.rebaselines[0]
    post(admin, f"/rebaselines/{entry.id}/approve")
    db.session.refresh(milestone)
    assert milestone.due_date == date(2026, 10, 30)
    empty = post(admin, f"/milestones/{milestone.id}/waive", {"reason": ""})
    assert empty.status_code == 400
    post(admin, f"/milestones/{milestone.id}/waive", {"reason": "Dropped from scope"})
    db.session.refresh(milestone)
    assert milestone.state is MilestoneState.WAIVED
    assert post(client, f"/milestones/{milestone.id}/waive",
                {"reason": "x"}).status_code in (403, 409)


def test_pm_home_lists_overdue_first_then_by_due_date(client):
    project = in_research(start_date=date(2025, 1, 1))
    soon = plan(project, due=today() + timedelta(days=3), title="Soon")
    plan(project, due=today() + timedelta(days=40), title="Later")
    plan(project, due=today() - timedelta(days=2), title="Late one")
    assert soon
    login(client, project.pm)
    page = client.get("/").get_data(as_text=True)
    assert page.index("Late one") < page.index("Soon") < page.index("Later")
    assert "Overdue" in page
    assert "Payments due" in page  # the contract signed during the proposal review


def test_home_of_an_empty_observer_has_no_work_section(client):
    login(client, make_user(Role.OBSERVER))
    assert "My work" not in client.get("/").get_data(as_text=True)


def test_milestone_pages_survive_malformed_input(client, researching):
    from tests.test_forms_fuzz import NASTY

    project = researching
    milestone = plan(project)
    make_project()
    login(client, project.pm)
    for value in NASTY:
        for path, fields in [
            (f"/projects/{project.id}/milestones/new",
             ["phase", "title", "due_date", "weight", "deliverable"]),
            (f"/milestones/{milestone.id}/update", ["percent", "note"]),
            (f"/milestones/{milestone.id}/rebaseline", ["new_date", "reason"]),
            (f"/projects/{project.id}/contracts/new",
             ["title", "enterprise_id", "type", "amount", "signed_on",
              "instalments-0-due_date", "instalments-0-amount"]),
        ]:
            response = post(client, path, {f: value for f in fields})
            assert response.status_code < 500, (path, value[:10])


def test_hq_admin_home_lists_what_waits_for_hq(client, researching):
    from tracker.milestones.models import Milestone

    project = researching
    milestone = plan(project, due=date(2026, 6, 30), title="Needs HQ")
    services.rebaseline(project.pm, milestone, date(2026, 12, 30), "Long move")
    services.post_update(project.pm, milestone, 100, "", [])
    services.submit_milestone(project.pm, milestone)
    helpers.submit(make_project(title="Waiting for a panel"))
    db.session.commit()
    login(client, make_user(Role.HQ_ADMIN))
    page = client.get("/").get_data(as_text=True)
    assert "Re-baselines awaiting HQ" in page and "Needs HQ" in page
    assert "Submitted milestones without a reviewer" in page
    assert "Panels to name or change" in page
    assert db.session.get(Milestone, milestone.id).reviewer_id is None


def test_the_reviewer_downloads_the_evidence_of_the_milestone_they_review(client, researching):
    reviewer = make_user(Role.EVALUATOR)
    project = researching
    milestone = plan(project, reviewer=reviewer)
    services.post_update(project.pm, milestone, 100, "", [(io.BytesIO(PNG), "证据.png")])
    services.submit_milestone(project.pm, milestone)
    db.session.commit()
    file_id = milestone.updates[0].evidence[0].file_id
    login(client, reviewer)
    assert client.get(f"/files/{file_id}").status_code == 200
    other = client.application.test_client()
    login(other, make_user(Role.EVALUATOR))
    assert other.get(f"/files/{file_id}").status_code == 404


def test_a_refused_step_shows_the_milestone_page_with_the_reason(client, researching):
    project = researching
    milestone = plan(project, title="Pilot line")
    login(client, project.pm)
    early = post(client, f"/milestones/{milestone.id}/submit")  # nothing done yet
    page = early.get_data(as_text=True)
    assert early.status_code == 409
    assert "cannot be" in page and "Pilot line" in page  # the milestone page, with the reason


def test_a_milestone_is_planned_in_the_current_phase_or_a_later_one(client, researching):
    project = researching
    login(client, project.pm)
    form = client.get(f"/projects/{project.id}/milestones/new").get_data(as_text=True)
    assert 'value="contract_research"' in form and 'value="proposal_review"' not in form
    left = post(client, f"/projects/{project.id}/milestones/new", {
        "phase": "proposal_review", "title": "Late", "due_date": "2026-08-31", "weight": "1"})
    assert left.status_code == 400
    # Not offered: the form refuses it.
    assert "Choose one of the options offered." in left.get_data(as_text=True)
    with pytest.raises(Invalid, match="has left this phase"):
        services.plan_milestone(project.pm, project, phase=Phase.PROPOSAL_REVIEW, title="Late",
                                deliverable="", due_date=project.start_date, weight=1)
    later = services.plan_milestone(project.pm, project, phase=Phase.INVESTMENT_DECISION,
                                    title="Term sheet", deliverable="",
                                    due_date=project.start_date, weight=1)
    assert later.phase is Phase.INVESTMENT_DECISION


@pytest.mark.parametrize("locale,said", [("en", "At most {n} MB a file"),
                                         ("zh_CN", "每个文件不超过 {n} MB")])
def test_the_evidence_files_say_their_size_limit_once(client, app, locale, said, researching):
    said = said.format(n=app.config["MAX_UPLOAD_MB"])
    project = researching
    milestone = plan(project)
    project.pm.locale = locale
    db.session.commit()
    login(client, project.pm)
    page = client.get(f"/milestones/{milestone.id}").get_data(as_text=True)
    assert page.count(said) == 1
    for twice in ("size limit", "大小上限"):
        assert twice not in page


def test_a_form_sent_empty_to_a_milestone_gone_under_review_says_why(client, researching):
    """The PM's page still showed the re-baseline form, but the milestone was submitted
    meanwhile: the page that answers no longer has the form, so its field errors would show
    nowhere. The refusal is said above the page instead (409, role=alert)."""
    project = researching
    milestone = plan(project)
    login(client, project.pm)
    milestone.state = MilestoneState.SUBMITTED  # by another member of the team, meanwhile
    db.session.commit()
    response = post(client, f"/milestones/{milestone.id}/rebaseline", {"reason": ""})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert 'role="alert"' in page and "under review" in page


@pytest.mark.parametrize("locale,said,not_said", [
    ("en", "counted in business days from submission", "(business days,"),
    ("zh_CN", "自提交之日起按工作日计算", "（工作日，")])
def test_a_review_due_date_says_it_counts_business_days_from_submission(
        client, locale, said, not_said, researching):
    """'Review due Dec 4, 2026 (business days, mainland-China calendar)' read as if the date
    were in business days; it is the submission's date plus the review period in them."""
    project = researching
    milestone = plan(project)
    services.post_update(project.pm, milestone, 100, "", [])
    services.submit_milestone(project.pm, milestone)
    project.pm.locale = locale
    db.session.commit()
    login(client, project.pm)
    page = client.get(f"/milestones/{milestone.id}").get_data(as_text=True)
    assert said in page and not_said not in page
