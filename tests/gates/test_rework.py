"""A proposal gate 1 sent back for rework (RECYCLE) is reworked itself (issue 9, rework9): while
the rework is open (the last gate-1 review ended in RECYCLE, gate 1 not requested again) its PM
edits the proposal with the draft's form, version and audit; once gate 1 is requested again it
is reviewed as it stands then, and read-only. Before, the PM was refused the edit ("the
proposal's fields stay as submitted") and could rework only the gate's documents."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from tests.conftest import login, post
from tests.factories import _commit, make_enterprise, make_institute, make_project, make_user
from tests.gates import helpers
from tests.test_edits import proposal, tab
from tracker import db
from tracker.accounts.models import Role
from tracker.dates import today
from tracker.db import utcnow
from tracker.display.formatting import day
from tracker.documents import content
from tracker.documents import services as documents
from tracker.documents.models import DocumentKind
from tracker.errors import Invalid, Refused
from tracker.gates import decisions
from tracker.gates import services as gates
from tracker.gates.models import Outcome
from tracker.projects import closed
from tracker.projects import services as projects
from tracker.projects.closed import proposal_refusal
from tracker.projects.lifecycle import Phase
from tracker.projects.models import Project, ProjectMember
from tracker.web.capped import HOME_LIMIT


@pytest.fixture(autouse=True)
def _gates(proposals_ids):
    """The gates, installed once for the module with its two proposals (conftest.py)."""


@pytest.fixture
def recycled(submitted):
    """The submitted proposal, sent back for rework at gate 1, due in 30 days."""
    project, review = submitted
    decision = helpers.go(review, Outcome.RECYCLE, rework_due=today() + timedelta(days=30))
    return project, review, decision


def _values(project: Project, **changed) -> dict:
    values = {name: getattr(project, name) for name in (
        "title", "summary", "technical_route", "field", "field_id", "type", "institute_id",
        "partner_enterprise_id", "need_id", "trl_now", "trl_target", "budget_total",
        "start_date", "end_date", "funding_source", "programme_level", "programme_name",
        "funder_project_number", "managing_body")}
    return {**values, **changed}


def _lines(project: Project) -> list[tuple[str, Decimal]]:
    return [(b.category, b.amount) for b in project.budget_lines]


def test_the_pm_reworks_the_proposal_until_gate_1_is_requested_again(recycled):
    project, review, decision = recycled
    assert project.phase is Phase.PROPOSAL_REVIEW
    assert closed.rework(project) is decision and proposal_refusal(project) is None
    snapshot, code = dict(decision.snapshot), project.code
    projects.update_proposal(project.pm, project, budget_lines=[
        ("Equipment", Decimal("900000")), ("Materials", Decimal("300000"))], member_ids=[],
        **_values(project, title="Reworked title", summary="What the panel asked for"))
    _commit()
    assert project.title == "Reworked title" and project.code == code  # the code stays
    assert _lines(project) == [("Equipment", Decimal("900000.00")),
                               ("Materials", Decimal("300000.00"))]
    db.session.refresh(decision)
    assert decision.snapshot == snapshot  # what the RECYCLE was taken on stays as it was

    helpers.upload_deliverables(project, 1)
    again = gates.request_gate(project.pm, project)
    _commit()
    assert again.gate == 1 and closed.rework(project) is None
    said = proposal_refusal(project)
    assert "reviewed at gate 1 as submitted" in said
    with pytest.raises(Refused) as refused:
        projects.update_proposal(project.pm, project, budget_lines=_lines(project),
                                 member_ids=[], **_values(project, title="Too late"))
    assert refused.value.message == said
    assert project.title == "Reworked title"


def test_a_rework_keeps_the_institute_that_endorsed_it(recycled):
    """The code and the endorsement are the institute's: a rework does not move the proposal
    to another (a PM without an institute of their own could have chosen any)."""
    project, _review, _decision = recycled
    other = make_institute()
    with pytest.raises(Invalid) as refused:
        projects.update_proposal(project.pm, project, budget_lines=_lines(project),
                                 member_ids=[], **_values(project, institute_id=other.id))
    assert refused.value.problems == [("institute_id", (
        f"The proposal was submitted as {project.code} for {project.institute.shown('name')}: "
        "its institute stays."))]


def test_gate_1_asked_again_needs_a_budget_line_as_the_submission_did(recycled):
    """The submission's budget check holds for the reworked proposal too: it is gate 1's
    checklist (`guards.gate_checklist`), on submission and on the request after a rework."""
    project, _review, _decision = recycled
    projects.update_proposal(project.pm, project, budget_lines=[], member_ids=[],
                             **_values(project))
    helpers.upload_deliverables(project, 1)
    with pytest.raises(Refused, match="Add at least one budget line"):
        gates.request_gate(project.pm, project)
    assert closed.rework(project) is not None


@pytest.mark.parametrize(("locale", "words"), [
    ("en", ("Gate 1 asked for rework by", "Rework the proposal", "Proposal changed")),
    ("zh_CN", ("阶段门 1 要求在", "返工申报书", "修改了项目申报")),
])
def test_rework_over_http_in_the_readers_language(app, client, recycled, locale, words):
    """The PM reads the rework on the project page and is offered the form; saves; a stale
    copy is refused (409, nothing lost); the history shows the edit; once gate 1 is asked
    again the edit is refused with the sentence the service says, and no longer offered."""
    project, review, decision = recycled
    project.pm.locale = locale
    _commit()
    due_note, link, action = words
    login(client, project.pm)
    show, path = f"/projects/{project.id}", f"/projects/{project.id}/edit"
    page = client.get(show).get_data(as_text=True)
    assert due_note in page and day(decision.rework_due) in page
    assert f'href="{path}"' in page and link in page

    first, second = tab(client, path), tab(client, path)
    reworked = proposal(project, **first, summary="Reworked as the panel asked",
                        **{"budget_lines-1-category": "Materials",
                           "budget_lines-1-amount": "250000"})
    assert post(client, path, reworked).status_code == 302
    db.session.expire_all()
    project = db.session.get(Project, project.id)
    assert project.summary == "Reworked as the panel asked"
    assert [b.category for b in project.budget_lines] == ["Equipment", "Materials"]

    stale = post(client, path, proposal(project, **second, title="From the second tab"))
    assert stale.status_code == 409
    assert 'value="From the second tab"' in stale.get_data(as_text=True)  # the input kept
    db.session.expire_all()
    project = db.session.get(Project, project.id)
    assert [b.category for b in project.budget_lines] == ["Equipment", "Materials"]

    history = client.get(f"/history/projects/{project.id}").get_data(as_text=True)
    assert action in history and "Reworked as the panel asked" in history

    helpers.upload_deliverables(project, 1)
    assert post(client, f"/projects/{project.id}/gate").status_code == 302
    db.session.expire_all()
    project = db.session.get(Project, project.id)
    refused = client.get(path)
    assert refused.status_code == 409
    assert proposal_refusal(project) in refused.get_data(as_text=True)
    late = {k: v for k, v in reworked.items() if k != "once"}  # not the same post sent again
    assert post(client, path, dict(late, version=str(project.version))).status_code == 409
    page = client.get(show).get_data(as_text=True)
    assert f'href="{path}"' not in page and due_note not in page


def test_the_panel_reviewing_again_sees_the_reworked_proposal(client, recycled):
    """The review page shows the project's summary as it stands: the new panel reads the
    rework; the earlier decision keeps the snapshot it was taken on."""
    project, review, decision = recycled
    projects.update_proposal(project.pm, project, budget_lines=_lines(project), member_ids=[],
                             **_values(project, summary="The reworked summary"))
    helpers.upload_deliverables(project, 1)
    again = gates.request_gate(project.pm, project)
    _commit()
    evaluators = helpers.name_panel(again)
    for evaluator in evaluators:
        gates.declare(evaluator, again, False, "")
    _commit()
    login(client, evaluators[1])
    page = client.get(f"/reviews/{again.id}").get_data(as_text=True)
    assert "The reworked summary" in page
    assert len(decision.snapshot["panel"]) == len(review.panel)


def test_an_hq_admin_is_not_offered_the_pms_rework(client, recycled):
    project, _review, _decision = recycled
    login(client, make_user(Role.HQ_ADMIN))
    assert f'href="/projects/{project.id}/edit"' not in client.get(
        f"/projects/{project.id}").get_data(as_text=True)
    assert client.get(f"/projects/{project.id}/edit").status_code == 403


def test_the_recycled_review_keeps_the_proposal_it_was_decided_on(client, submitted):
    """The decision's snapshot keeps the project's title, summary, period and budget: the
    review page of the RECYCLE shows the summary it was decided on (and says the proposal has
    changed since), its review opinion form prints the title and budget as decided; the next
    review's page shows the rework."""
    project, review = submitted
    project.summary = summary = "As first submitted"
    title = project.title
    decision = helpers.go(review, Outcome.RECYCLE, rework_due=today() + timedelta(days=30))
    assert decision.snapshot["project"]["title"] == title
    assert decision.snapshot["project"]["budget_total"] == "3000000.00"
    projects.update_proposal(project.pm, project, budget_lines=_lines(project), member_ids=[],
                             **_values(project, title="Reworked title", budget_total=Decimal(
                                 "2500000"), summary="The reworked summary"))
    _commit()
    login(client, make_user(Role.HQ_ADMIN))
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert summary in page and "The reworked summary" not in page
    assert 'id="as-decided"' in page

    wording = documents.template_for(DocumentKind.REVIEW_OPINION).in_language("en")
    built = content.build(DocumentKind.REVIEW_OPINION, project, decision, "en", wording, "N-1",
                          today())
    assert built["subject"] == f"{project.code} {title}"
    assert ["Project title", title] in built["fields"]
    notice = content.build(DocumentKind.APPROVAL_NOTICE, project, decision, "en", wording,
                           "N-2", today())
    assert ["Total budget", "CN¥3,000,000.00"] in notice["fields"]

    helpers.upload_deliverables(project, 1)
    again = gates.request_gate(project.pm, project)
    _commit()
    page = client.get(f"/reviews/{again.id}").get_data(as_text=True)
    assert "The reworked summary" in page and 'id="as-decided"' not in page


@pytest.mark.parametrize(("locale", "partner", "changed"), [
    ("en", "Partner as decided", "The project as the panel decided on it: it has changed since"),
    ("zh_CN", "决定时的合作企业", "以下是评审组作出决定时的项目：此后已有修改"),
])
def test_the_recycled_review_keeps_the_team_partner_and_institute_it_was_decided_on(
        client, submitted, locale, partner, changed):
    """The decided review's facts are those of its snapshot, in the reader's language: the
    team and partner the PM changed in the rework, and an institute changed since, are shown
    as the RECYCLE was taken on, under a note worded for any gate ("the project", not "the
    proposal"); the next review's page shows them as they stand. Before, the page read the
    project's team, partner and institute live."""
    project, review = submitted
    decided_partner = make_enterprise(name=partner, name_en="Partner as decided")
    reworked_partner = make_enterprise(name="返工后的合作企业", name_en="Partner after rework")
    teammate = make_user(name="Teammate as decided")
    institute = project.institute
    project.partner_enterprise_id = decided_partner.id
    project.members.append(ProjectMember(user_id=teammate.id, confirmed_at=utcnow()))
    _commit()
    decision = helpers.go(review, Outcome.RECYCLE, rework_due=today() + timedelta(days=30))
    kept = decision.snapshot["project"]
    assert (kept["team"], kept["partner_enterprise_id"], kept["institute_id"]) == (
        [teammate.id], decided_partner.id, institute.id)
    projects.update_proposal(project.pm, project, budget_lines=_lines(project), member_ids=[],
                             **_values(project, partner_enterprise_id=reworked_partner.id))
    moved_to = make_institute()
    project.institute_id = moved_to.id  # as HQ might move it; not the rework itself
    _commit()
    db.session.expire_all()
    login(client, make_user(Role.HQ_ADMIN, locale=locale))
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert partner in page and "Teammate as decided" in page and changed in page
    assert institute.name in page and moved_to.name not in page
    assert "返工后的合作企业" not in page and "Partner after rework" not in page

    wording = documents.template_for(DocumentKind.APPROVAL_NOTICE).in_language("en")
    notice = content.build(DocumentKind.APPROVAL_NOTICE, db.session.get(Project, project.id),
                           decision, "en", wording, "N-3", today())
    assert [v for k, v in notice["fields"] if k == "Institute"] == [institute.name]

    project = db.session.get(Project, project.id)
    project.institute_id = institute.id
    helpers.upload_deliverables(project, 1)
    again = gates.request_gate(project.pm, project)
    _commit()
    page = client.get(f"/reviews/{again.id}").get_data(as_text=True)
    assert "Teammate as decided" not in page and partner not in page
    assert 'id="as-decided"' not in page


@pytest.mark.parametrize(("locale", "heading", "due"), [
    ("en", "Proposals gate 1 sent back for rework", "rework due "),
    ("zh_CN", "阶段门 1 退回返工的申报书", "返工截止 "),
])
def test_the_pms_home_lists_the_proposal_to_rework(client, recycled, locale, heading, due):
    """The PM's home lists the proposal gate 1 sent back, with the rework's due date and a
    link to the project, until gate 1 is asked again (before, only milestones returned for
    rework were listed there)."""
    project, _review, decision = recycled
    project.pm.locale = locale
    _commit()
    login(client, project.pm)
    page = client.get("/").get_data(as_text=True)
    assert heading in page and due + day(decision.rework_due) in page
    assert f'href="/projects/{project.id}">{project.reference} {project.title}</a>' in page

    helpers.upload_deliverables(project, 1)
    gates.request_gate(project.pm, project)
    _commit()
    assert heading not in client.get("/").get_data(as_text=True)


def test_the_home_list_of_reworks_is_capped_and_shown_whole_on_asking(client, recycled):
    """Only the RECYCLE in force of the last gate-1 review counts; the list is cut at the home
    lists' limit with a link to the rest."""
    project, _review, _decision = recycled
    pm = project.pm
    for _n in range(HOME_LIMIT):
        helpers.go(helpers.submit(make_project(pm=pm, institute=project.institute)),
                   Outcome.RECYCLE, rework_due=today() + timedelta(days=60))
    kept = helpers.go(helpers.submit(make_project(pm=pm, institute=project.institute)),
                      Outcome.GO)  # gate 1 passed: no rework
    _commit()
    login(client, pm)
    page = client.get("/").get_data(as_text=True)
    assert page.count("rework due ") == HOME_LIMIT and "/?full=reworks" in page
    whole = client.get("/?full=reworks").get_data(as_text=True)
    assert whole.count("rework due ") == HOME_LIMIT + 1
    assert f'href="/projects/{kept.project_id}"' not in whole


@pytest.mark.parametrize(("locale", "heading", "late"), [
    ("en", "Proposals late for their rework in my institute", "5 days late"),
    ("zh_CN", "本所逾期未完成返工的申报书", "逾期 5 天"),
])
def test_the_directors_home_lists_a_rework_past_its_due_date(client, recycled, locale,
                                                             heading, late):
    """A rework past its due date waits on the institute as an overdue milestone does: its
    director's home lists it (not one still in time, nor another institute's)."""
    project, _review, decision = recycled
    director = make_user(name="Director of the rework", locale=locale)
    project.institute.director_id = director.id
    other = make_user(name="Director elsewhere", locale=locale)
    make_institute(director=other)
    _commit()
    login(client, director)
    assert heading not in client.get("/").get_data(as_text=True)  # still in time
    decision.rework_due = today() - timedelta(days=5)
    _commit()
    page = client.get("/").get_data(as_text=True)
    assert heading in page and late in page
    assert f'href="/projects/{project.id}">{project.reference} {project.title}</a>' in page
    login(client, other)
    assert heading not in client.get("/").get_data(as_text=True)


def test_a_correction_of_the_recycle_keeps_the_proposal_it_was_decided_on(client, recycled):
    """The chair corrects the RECYCLE (its due date) after the PM began the rework: the
    correction is of what was decided on the proposal as first submitted, so it keeps that
    snapshot, and the review page still shows the facts as decided (before, the correction
    took the reworked proposal as its own)."""
    project, review, decision = recycled
    kept = decision.snapshot["project"]
    projects.update_proposal(project.pm, project, budget_lines=_lines(project), member_ids=[],
                             **_values(project, summary="Reworked before the correction"))
    _commit()
    corrected = decisions.correct_decision(
        review.chair, decision, review.version, Outcome.RECYCLE, reason="Due date mistyped",
        rationale=decision.rationale, rework_due=decision.rework_due + timedelta(days=15))
    _commit()
    assert corrected.snapshot["project"] == kept
    assert closed.rework(project) is corrected
    login(client, make_user(Role.HQ_ADMIN))
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert "Reworked before the correction" not in page and 'id="as-decided"' in page


@pytest.mark.parametrize(("locale", "note"), [
    ("en", "recorded before decisions kept the proposal"),
    ("zh_CN", "本决定记录于系统开始保存决定所依据的申报书之前"),
])
def test_a_recycle_kept_before_snapshots_says_its_facts_are_live_once_reworked(
        client, submitted, locale, note):
    """A RECYCLE recorded before decisions kept their project's facts (its snapshot has no
    "project") shows the project as it stands; once the PM reworks the proposal, the review
    page says so instead of passing the rework off as what the panel decided on. Before, it
    showed the reworked proposal with no note at all."""
    project, review = submitted
    decision = helpers.go(review, Outcome.RECYCLE, rework_due=today() + timedelta(days=30))
    decision.snapshot = {k: v for k, v in decision.snapshot.items() if k != "project"}
    _commit()
    login(client, make_user(Role.HQ_ADMIN, locale=locale))
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert note not in page and 'id="as-decided"' not in page

    projects.update_proposal(project.pm, project, budget_lines=_lines(project), member_ids=[],
                             **_values(project, summary="Reworked before snapshots"))
    _commit()
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert note in page and "Reworked before snapshots" in page
    assert page.count('id="as-decided"') == 1


@pytest.mark.parametrize(("locale", "sentence"), [
    ("en", "Gate 1 was requested again on"),
    ("zh_CN", "阶段门 1 已于"),
])
def test_a_recycle_is_not_corrected_once_its_gate_is_requested_again(
        client, recycled, locale, sentence):
    """Once the PM asks gate 1 again after the rework, the RECYCLE stands as recorded: the
    new review decides. Before, the phase (still the proposal review) let the chair correct
    it, under the new review's feet; the old review's page offered the form too."""
    project, review, decision = recycled
    helpers.upload_deliverables(project, 1)
    gates.request_gate(project.pm, project)
    _commit()
    with pytest.raises(Refused, match="requested again"):
        decisions.correct_decision(
            review.chair, decision, review.version, Outcome.RECYCLE, reason="Late",
            rationale=decision.rationale, rework_due=decision.rework_due + timedelta(days=5))
    db.session.rollback()
    review.chair.locale = locale
    _commit()
    login(client, review.chair)
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert sentence in page.split('id="who-corrects"')[1].split("</p>")[0]
    assert f"/decisions/{decision.id}/correct" not in page
