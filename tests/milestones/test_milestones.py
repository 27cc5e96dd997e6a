"""Milestones: plan, progress with evidence, review, waivers, re-baselines, overdue, guards."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.factories import _commit, install_gates, make_project, make_user
from tests.gates import helpers
from tracker import db
from tracker.accounts.models import Role
from tracker.errors import Forbidden, Invalid, Refused
from tracker.milestones import services
from tracker.milestones.models import Milestone, MilestoneState, RebaselineState
from tracker.projects.lifecycle import Phase
from tracker.workdays.services import add_business_days

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def _gates():
    install_gates()


def plan(project, due=date(2026, 6, 30), phase=Phase.CONTRACT_RESEARCH, reviewer=None,
         title="Prototype"):
    milestone = services.plan_milestone(
        project.pm, project, phase=phase, title=title, deliverable="A working prototype",
        due_date=due, weight=Decimal("1"))
    if reviewer is not None:  # only HQ assigns a reviewer
        services.assign_reviewer(make_user(Role.HQ_ADMIN), milestone, reviewer.id)
    _commit()
    return milestone


def in_research(**kw):
    project = make_project(**kw)
    helpers.go(helpers.submit(project))
    return project


def test_a_milestone_goes_through_review_and_every_step_is_kept(researching):
    reviewer = make_user(Role.EVALUATOR)
    project = researching
    milestone = plan(project, reviewer=reviewer)
    services.post_update(project.pm, milestone, 40, "Bench test passed",
                         [(io.BytesIO(PNG), "测试照片.png")])
    assert milestone.state is MilestoneState.IN_PROGRESS and milestone.percent_complete == 40
    services.submit_milestone(project.pm, milestone)
    assert milestone.state is MilestoneState.SUBMITTED
    with pytest.raises(Invalid, match="reworked"):
        services.review_milestone(reviewer, milestone, accept=False, comment=" ")
    services.review_milestone(reviewer, milestone, accept=False, comment="Add the load test")
    assert milestone.state is MilestoneState.IN_PROGRESS
    services.post_update(project.pm, milestone, 90, "Load test added", [])
    services.submit_milestone(project.pm, milestone)
    services.review_milestone(reviewer, milestone, accept=True, comment="")
    assert milestone.state is MilestoneState.ACCEPTED
    steps = [(e.from_state.value, e.to_state.value, e.comment) for e in milestone.events]
    assert steps == [
        ("planned", "in_progress", ""), ("in_progress", "submitted", ""),
        ("submitted", "in_progress", "Add the load test"),
        ("in_progress", "submitted", ""), ("submitted", "accepted", "")]
    assert milestone.updates[0].evidence[0].file.original_name == "测试照片.png"


def test_only_the_reviewer_reviews_and_never_someone_with_a_stake():
    from tests.factories import make_enterprise

    partner = make_enterprise()
    reviewer = make_user(Role.EVALUATOR)
    insider = make_user(Role.EVALUATOR, enterprise_id=partner.id)
    project = in_research(partner_enterprise_id=partner.id)
    milestone = plan(project, reviewer=reviewer)
    services.post_update(project.pm, milestone, 100, "", [])
    services.submit_milestone(project.pm, milestone)
    with pytest.raises(Forbidden):
        services.review_milestone(make_user(Role.EVALUATOR), milestone, True, "")
    with pytest.raises(Invalid, match="stake"):
        services.assign_reviewer(make_user(Role.HQ_ADMIN), milestone, insider.id)


def test_review_due_counts_business_days_from_submission(clock, researching):
    project = researching
    milestone = plan(project)
    services.post_update(project.pm, milestone, 100, "", [])
    # Submitted on Tuesday 29 Sep 2026: the National Day holiday (1-7 Oct) and the weekend
    # do not count; Saturday 10 Oct is a make-up working day.
    clock.set(date(2026, 9, 29))
    services.submit_milestone(project.pm, milestone)
    assert milestone.review_due == date(2026, 10, 12)
    assert add_business_days(date(2026, 9, 29), 5) == date(2026, 10, 12)


def test_waived_milestone_stops_blocking_its_gate(researching):
    project = researching
    milestone = plan(project)
    helpers.upload_deliverables(project, 2)
    with pytest.raises(Refused, match="neither accepted nor waived: Prototype"):
        from tracker.gates import services as gates

        gates.request_gate(project.pm, project)
    with pytest.raises(Forbidden):
        services.waive_milestone(project.pm, milestone, "Not needed")
    admin = make_user(Role.HQ_ADMIN)
    with pytest.raises(Invalid):
        services.waive_milestone(admin, milestone, "")
    services.waive_milestone(admin, milestone, "Superseded by the partner's own test")
    _commit()
    assert helpers.request(project).gate == 2


def test_due_dates_stay_within_the_project():
    project = make_project(start_date=date(2026, 1, 1), end_date=date(2026, 12, 31))
    with pytest.raises(Invalid, match="within the project's dates"):
        plan(project, due=date(2027, 1, 1), phase=Phase.PROPOSAL_REVIEW)


def test_before_the_proposal_gate_dates_move_freely():
    project = make_project()
    milestone = plan(project, phase=Phase.CONTRACT_RESEARCH)
    services.edit_milestone(project.pm, milestone, title="Prototype", deliverable="",
                            due_date=date(2026, 12, 31), weight=Decimal("2"))
    assert milestone.due_date == date(2026, 12, 31) and not milestone.rebaselines


def test_after_the_gate_a_move_is_a_rebaseline_and_a_long_one_waits_for_hq(researching):
    project = researching
    milestone = plan(project, due=date(2026, 6, 30))
    with pytest.raises(Invalid, match="re-baseline"):
        services.edit_milestone(project.pm, milestone, title="x", deliverable="",
                                due_date=date(2026, 7, 5), weight=Decimal("1"))
    db.session.rollback()
    milestone = db.session.get(Milestone, milestone.id)
    with pytest.raises(Invalid, match="why"):
        services.rebaseline(project.pm, milestone, date(2026, 7, 10), " ")
    short = services.rebaseline(project.pm, milestone, date(2026, 7, 30), "Supplier delay")
    assert short.state is RebaselineState.APPROVED and short.approved_by_id == project.pm_id
    assert milestone.due_date == date(2026, 7, 30)
    long = services.rebaseline(project.pm, milestone, date(2026, 9, 15), "Redesign")
    assert long.state is RebaselineState.PENDING and milestone.due_date == date(2026, 7, 30)
    with pytest.raises(Refused, match="already waits"):
        services.rebaseline(project.pm, milestone, date(2026, 8, 1), "Again")
    admin = make_user(Role.HQ_ADMIN)
    with pytest.raises(Forbidden):
        services.decide_rebaseline(project.pm, long, True)
    services.decide_rebaseline(admin, long, True)
    assert milestone.due_date == date(2026, 9, 15) and long.approved_by_id == admin.id
    assert [(r.old_date, r.new_date) for r in milestone.rebaselines] == [
        (date(2026, 6, 30), date(2026, 7, 30)), (date(2026, 7, 30), date(2026, 9, 15))]


def test_the_rebaseline_limit_is_a_setting(researching):
    from tracker.settings import catalogue
    from tracker.settings import services as settings

    project = researching
    milestone = plan(project, due=date(2026, 6, 30))
    settings.set_value(make_user(Role.HQ_ADMIN), catalogue.REBASELINE_APPROVAL_DAYS, "5")
    entry = services.rebaseline(project.pm, milestone, date(2026, 7, 10), "Ten days")
    assert entry.state is RebaselineState.PENDING


def test_overdue_is_derived_around_midnight_in_shanghai(clock, researching):
    """Due 30 June: not overdue at 23:59 on 30 June in Shanghai (15:59 UTC), overdue a minute
    after midnight on 1 July (16:01 UTC on 30 June)."""
    import tracker.dates as dates

    project = researching
    milestone = plan(project, due=date(2026, 6, 30))
    late = plan(project, due=date(2026, 6, 29), title="Late")
    accepted = plan(project, due=date(2026, 6, 1), title="Done")
    accepted.state = MilestoneState.ACCEPTED
    _commit()

    def overdue_titles():
        on = dates.today()
        by_query = set(db.session.scalars(select(Milestone.title).where(
            Milestone.project_id == project.id, Milestone.is_overdue(on))))
        by_python = {m.title for m in (milestone, late, accepted) if m.is_overdue(on)}
        assert by_query == by_python
        return by_query

    clock.set(datetime(2026, 6, 30, 15, 59, tzinfo=UTC))
    assert dates.today() == date(2026, 6, 30)
    assert overdue_titles() == {"Late"}
    clock.set(datetime(2026, 6, 30, 16, 1, tzinfo=UTC))
    assert dates.today() == date(2026, 7, 1)
    assert overdue_titles() == {"Late", "Prototype"}


def test_overdue_is_not_a_stored_column():
    assert "overdue" not in " ".join(c.name for c in Milestone.__table__.columns)


def test_progress_is_refused_while_under_review(researching):
    project = researching
    milestone = plan(project)
    services.post_update(project.pm, milestone, 100, "", [])
    services.submit_milestone(project.pm, milestone)
    with pytest.raises(Refused, match="submitted for review on"):
        services.post_update(project.pm, milestone, 100, "", [])
    with pytest.raises(Forbidden):
        services.post_update(make_user(Role.PROJECT_MANAGER), milestone, 10, "", [])


def test_a_refused_upload_leaves_no_row_and_no_file(app, researching):
    from pathlib import Path

    from tracker.milestones.models import ProgressUpdate

    project = researching
    milestone = plan(project)
    before = {p for p in Path(app.config["UPLOAD_DIR"]).rglob("*") if p.is_file()}
    with pytest.raises(Invalid, match="not a PNG"):
        services.post_update(project.pm, milestone, 10, "x",
                             [(io.BytesIO(helpers.PDF), "a.pdf"), (io.BytesIO(b"MZ" + b"0" * 99),
                                                                   "photo.png")])
    db.session.rollback()
    assert {p for p in Path(app.config["UPLOAD_DIR"]).rglob("*") if p.is_file()} == before
    assert db.session.scalar(select(ProgressUpdate)) is None


def test_uploads_over_the_limit_are_refused(app):
    from tracker.files import services as files

    app.config["MAX_UPLOAD_MB"] = 1
    try:
        with pytest.raises(Invalid, match="larger than 1 MB"):
            files.store(make_user(), io.BytesIO(helpers.PDF + b"0" * (1024 * 1024 + 10)),
                        "big.pdf")
    finally:
        app.config["MAX_UPLOAD_MB"] = 20


@pytest.mark.parametrize(("name", "content", "accepted"), [
    ("report.pdf", helpers.PDF, True),
    ("photo.JPG", b"\xff\xd8\xff\xe0" + b"\x00" * 64, True),
    ("tool.exe", b"MZ" + b"\x00" * 64, False),
    ("renamed.pdf", b"MZ" + b"\x00" * 64, False),
    ("elf.zip", b"\x7fELF" + b"\x00" * 64, False),
    ("notes.txt", b"hello", False),
    ("noextension", helpers.PDF, False),
])
def test_uploads_are_recognised_by_content(name, content, accepted):
    from tracker.files import services as files

    if accepted:
        assert files.store(make_user(), io.BytesIO(content), name).size == len(content)
    else:
        with pytest.raises(Invalid):
            files.store(make_user(), io.BytesIO(content), name)
