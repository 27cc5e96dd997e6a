"""Gate review pages by role: panel, declaration, scorecard, decision, work lists.

Most tests go on from the proposal submitted once for the module (`submitted`,
tests/gates/conftest.py); the others build the projects they need."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import login, post
from tests.factories import _commit, make_enterprise, make_project, make_user
from tests.gates import helpers
from tracker import db
from tracker.accounts.models import Role
from tracker.dates import today
from tracker.gates import decisions
from tracker.gates import services as gates
from tracker.gates.models import GateDecision, Outcome, ReviewState
from tracker.projects.lifecycle import Phase


@pytest.fixture(autouse=True)
def _gates(proposals_ids):
    """The gates, installed once for the module with its two proposals (conftest.py)."""


def _scorecard(review, value="4", passed="1"):
    data = {"recommendation": "go", "comment": "Solid"}
    for c in review.criteria:
        data[f"c{c.id}"] = passed if c.kind.value == "must" else value
    return data


def test_admin_names_a_panel_and_a_stakeholder_is_refused(client):
    partner = make_enterprise()
    project = make_project(partner_enterprise_id=partner.id)
    review = helpers.submit(project)
    evaluators = [make_user(Role.EVALUATOR) for _ in range(3)]
    insider = make_user(Role.EVALUATOR, enterprise_id=partner.id, name="Insider")
    login(client, make_user(Role.HQ_ADMIN))
    page = client.get(f"/reviews/{review.id}/panel").get_data(as_text=True)
    assert "Insider is affiliated with the partner enterprise." in page
    refused = post(client, f"/reviews/{review.id}/panel", {
        "evaluator_ids": [str(e.id) for e in [*evaluators, insider]],
        "chair_id": str(evaluators[0].id), "due_date": ""})
    assert refused.status_code == 400
    assert "never reviews it" in refused.get_data(as_text=True)
    ok = post(client, f"/reviews/{review.id}/panel", {
        "evaluator_ids": [str(e.id) for e in evaluators], "chair_id": str(evaluators[0].id),
        "due_date": (today() + timedelta(days=7)).isoformat()})
    assert ok.status_code == 302
    db.session.refresh(review)
    assert review.state is ReviewState.OPEN and review.chair_id == evaluators[0].id


def test_non_admins_cannot_name_panels(client, submitted):
    _project, review = submitted
    login(client, make_user(Role.OBSERVER))
    assert client.get(f"/reviews/{review.id}/panel").status_code == 403


def test_evaluators_score_blind_then_see_each_other(client, app, submitted):
    project, review = submitted
    a, b, c = helpers.name_panel(review)
    helpers.score(review, a, value=5)
    login(client, b)
    post(client, f"/reviews/{review.id}/declare", {"conflict": "no"})
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert "Your scorecard" in page and "5 / 5" not in page
    bad = post(client, f"/reviews/{review.id}/scores", _scorecard(review, value="9"))
    assert bad.status_code == 400
    response = post(client, f"/reviews/{review.id}/scores", _scorecard(review, value="3"))
    assert response.status_code == 302
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert "5 / 5" in page and "3 / 5" in page


def test_a_conflict_declared_in_the_ui_recuses(client, submitted):
    _project, review = submitted
    a, b, c = helpers.name_panel(review)
    login(client, c)
    missing = post(client, f"/reviews/{review.id}/declare", {"conflict": "yes", "note": ""})
    assert missing.status_code == 400 and "what the conflict is" in missing.get_data(as_text=True)
    post(client, f"/reviews/{review.id}/declare",
         {"conflict": "yes", "note": "My former PhD student"})
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert "take no part" in page
    assert post(client, f"/reviews/{review.id}/scores", _scorecard(review)).status_code == 409


def test_the_chair_decides_once_the_quorum_has_scored(client, submitted):
    project, review = submitted
    a, b, c = helpers.name_panel(review)
    helpers.score(review, a)
    helpers.score(review, b)
    login(client, a)
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert "once the quorum of 3 scorecards is submitted (2 so far)" in page
    early = post(client, f"/reviews/{review.id}/decide",
                 {"outcome": "go", "version": str(review.version), "target_phase":
                  "contract_research"})
    assert early.status_code == 409 and "quorum" in early.get_data(as_text=True)
    helpers.score(review, c)
    db.session.refresh(review)
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert '><option value="">Choose the decision</option><option value="go">' in page  # first
    skipped = post(client, f"/reviews/{review.id}/decide", {
        "version": str(review.version), "target_phase": "contract_research"})
    assert skipped.status_code == 400
    assert db.session.scalar(select(GateDecision).where(GateDecision.review_id == review.id)) \
        is None
    response = post(client, f"/reviews/{review.id}/decide", {
        "outcome": "conditional_go", "version": str(review.version),
        "target_phase": "contract_research", "conditions-0-text": "Sign the NDA",
        "conditions-0-owner_id": str(project.pm_id),
        "conditions-0-due_date": (today() + timedelta(days=14)).isoformat()})
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    db.session.refresh(project)
    assert project.phase is Phase.CONTRACT_RESEARCH
    decision = db.session.scalar(select(GateDecision).where(GateDecision.review_id == review.id))
    assert decision.outcome is Outcome.CONDITIONAL_GO
    assert decision.conditions[0].text == "Sign the NDA"
    project_page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "Sign the NDA" in project_page


def test_a_stale_decision_page_gets_409_and_nothing_is_recorded(client, submitted):
    project, review = submitted
    evaluators = helpers.name_panel(review, size=4)
    for e in evaluators[:3]:
        helpers.score(review, e)
    seen = review.version
    helpers.score(review, evaluators[3])
    login(client, evaluators[0])
    response = post(client, f"/reviews/{review.id}/decide", {
        "outcome": "go", "version": str(seen), "target_phase": "contract_research"})
    assert response.status_code == 409
    assert "changed after you opened it" in response.get_data(as_text=True)
    decisions = select(GateDecision).where(GateDecision.review_id == review.id)
    assert db.session.scalar(decisions) is None


def test_a_second_decision_on_a_decided_review_is_409(client, submitted):
    project, review = submitted
    helpers.go(review)
    login(client, review.chair)
    response = post(client, f"/reviews/{review.id}/decide", {
        "outcome": "kill", "version": str(review.version), "rationale": "x",
        "target_phase": "contract_research"})
    assert response.status_code == 409


def test_a_correction_from_the_page_keeps_both_decisions_visible(client, submitted):
    project, review = submitted
    first = helpers.go(review)
    login(client, review.chair)
    response = post(client, f"/decisions/{first.id}/correct", {
        "outcome": "go", "version": str(review.version), "target_phase": "contract_research",
        "rationale": "Corrected: the rationale was missing",
        "reason": "The rationale was left out"})
    assert response.status_code == 302
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert "Superseded" in page and "Correction" in page
    assert "Corrected: the rationale was missing" in page
    assert "Reason for the correction" in page and "The rationale was left out" in page


def test_a_decision_is_corrected_only_with_a_reason_kept_on_the_page_and_in_history(
        client, submitted):
    """Every correction carries a reason (issue 9 point 5): a CONDITIONAL GO corrected to GO
    without one is refused beside the field and nothing is written; with one, the reason is
    stored with the correction, and shown on the review page and in the decision's history."""
    project, review = submitted
    first = helpers.go(review, Outcome.CONDITIONAL_GO, conditions=[
        {"text": "Hire a test engineer", "owner": project.pm,
         "due_date": today() + timedelta(days=10)}])
    login(client, review.chair)
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    form = page[page.index(f"/decisions/{first.id}/correct"):]
    assert 'name="reason"' in form and "Why the decision was wrong" in form
    data = {"outcome": "go", "version": str(review.version), "target_phase": "contract_research"}
    refused = post(client, f"/decisions/{first.id}/correct", data)
    assert refused.status_code == 400
    assert "Say why the record is corrected." in refused.get_data(as_text=True)
    db.session.expire_all()
    assert review.current_decision.id == first.id
    done = post(client, f"/decisions/{first.id}/correct",
                {**data, "reason": "The condition was met before the meeting"})
    assert done.status_code == 302
    db.session.expire_all()
    corrected = review.current_decision
    assert corrected.correction_reason == "The condition was met before the meeting"
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert "The condition was met before the meeting" in page
    hq = client.application.test_client()
    login(hq, make_user(Role.HQ_ADMIN))
    history = hq.get(f"/history/gate_decisions/{corrected.id}").get_data(as_text=True)
    assert "Reason for the correction" in history
    assert "The condition was met before the meeting" in history


def test_my_reviews_soonest_due_first_and_awaiting_for_hq(client):
    evaluator = make_user(Role.EVALUATOR)
    admin = make_user(Role.HQ_ADMIN)
    from tracker.gates import services as gates

    later, sooner = make_project(title="Later one"), make_project(title="Sooner one")
    for project, days in ((later, 20), (sooner, 3)):
        review = helpers.submit(project)
        others = [make_user(Role.EVALUATOR) for _ in range(2)]
        gates.name_panel(admin, review, evaluator, [evaluator, *others],
                         today() + timedelta(days=days))
    waiting = make_project(title="Waiting one")
    helpers.submit(waiting)
    db.session.commit()
    login(client, evaluator)
    page = client.get("/my/reviews").get_data(as_text=True)
    assert page.index("Sooner one") < page.index("Later one")
    assert "Waiting one" not in page
    hq = client.application.test_client()
    login(hq, admin)
    awaiting = hq.get("/gates/awaiting").get_data(as_text=True)
    assert "Waiting one" in awaiting and "Sooner one" in awaiting
    assert client.get("/gates/awaiting").status_code == 403
    pm = client.application.test_client()
    login(pm, make_user(Role.PROJECT_MANAGER))
    assert pm.get("/my/reviews").status_code == 403


def test_outsiders_get_404_on_reviews(client, submitted):
    _project, review = submitted
    login(client, make_user(Role.EVALUATOR))
    assert client.get(f"/reviews/{review.id}").status_code == 404
    assert post(client, f"/reviews/{review.id}/declare", {"conflict": "no"}).status_code == 404


def test_condition_owner_marks_met_and_chair_confirms_from_the_project_page(client, submitted):
    project, review = submitted
    decision = helpers.go(review, Outcome.CONDITIONAL_GO, conditions=[
        {"text": "Hire a test engineer", "owner": project.pm,
         "due_date": today() + timedelta(days=10)}])
    condition = decision.conditions[0]
    login(client, project.pm)
    chair = client.application.test_client()
    login(chair, review.chair)
    page = f"/projects/{project.id}"

    def offered(who) -> tuple[bool, bool]:
        """What the project page offers: marking the condition met, clearing it (the view
        passes it from the predicates and conditions.met_refusal/confirm_refusal)."""
        shown = who.get(page).get_data(as_text=True)
        return "Mark met" in shown, "Confirm cleared" in shown

    assert (offered(client), offered(chair)) == ((True, False), (False, False))
    post(client, f"/conditions/{condition.id}/met", {"evidence": "Contract signed 1 Dec"})
    db.session.refresh(condition)
    assert condition.state.value == "met"
    assert (offered(client), offered(chair)) == ((False, False), (False, True))
    post(chair, f"/conditions/{condition.id}/confirm", {"accept": "1"})
    db.session.refresh(condition)
    assert condition.state.value == "confirmed"
    assert (offered(client), offered(chair)) == ((False, False), (False, False))


def test_a_refused_condition_shows_the_project_page_again_with_the_refusal(client, submitted):
    project, review = submitted
    decision = helpers.go(review, Outcome.CONDITIONAL_GO, conditions=[
        {"text": "Hire a test engineer", "owner": project.pm,
         "due_date": today() + timedelta(days=10)}])
    condition = decision.conditions[0]
    login(client, project.pm)
    empty = post(client, f"/conditions/{condition.id}/met", {"evidence": "  "})
    page = empty.get_data(as_text=True)
    assert empty.status_code == 400
    assert "Describe the evidence that the condition is met." in page
    assert "Hire a test engineer" in page  # the project page, not a bare error page
    chair = client.application.test_client()
    login(chair, review.chair)
    early = post(chair, f"/conditions/{condition.id}/confirm", {"accept": "1"})
    assert early.status_code == 409
    assert ("This condition is “Open”: a condition is confirmed once its owner has marked it "
            "met.") in early.get_data(as_text=True)
    assert project.code in early.get_data(as_text=True)
    db.session.refresh(condition)
    assert condition.state.value == "open"


def test_the_correction_form_starts_with_the_decision_and_its_unmet_conditions(client, submitted):
    from tracker.gates.condition_models import ConditionState

    project, review = submitted
    due = today() + timedelta(days=20)
    decision = helpers.go(review, Outcome.CONDITIONAL_GO, rationale="Promising", conditions=[
        {"text": "Add a co-funder", "owner": project.pm, "due_date": due}])
    login(client, review.chair)
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    correction = page[page.index(f"/decisions/{decision.id}/correct"):]
    assert 'value="Add a co-funder"' in correction
    assert f'value="{due.isoformat()}"' in correction
    assert '<option selected value="conditional_go">' in correction
    assert "Promising</textarea>" in correction

    # Sent as it starts, with only the rationale corrected: the condition is carried forward.
    form = {"outcome": "conditional_go", "version": str(review.version),
            "target_phase": "contract_research", "rationale": "Promising, with a co-funder",
            "conditions-0-text": "Add a co-funder", "conditions-0-owner_id": str(project.pm_id),
            "conditions-0-due_date": due.isoformat(), "reason": "The co-funder was agreed"}
    assert post(client, f"/decisions/{decision.id}/correct", form).status_code == 302
    db.session.expire_all()
    corrected = review.current_decision
    assert [(c.text, c.state) for c in corrected.conditions] == [
        ("Add a co-funder", ConditionState.OPEN)]
    assert decision.conditions[0].state is ConditionState.SUPERSEDED
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "Superseded by a correction" in page and "Cleared" not in page


def test_a_scorecard_without_a_recommendation_is_asked_again_not_counted_as_go(client, submitted):
    _project, review = submitted
    a, _b, _c = helpers.name_panel(review)
    login(client, a)
    post(client, f"/reviews/{review.id}/declare", {"conflict": "no"})
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert '><option value="">Choose a recommendation</option><option value="go">' in page
    data = _scorecard(review)
    del data["recommendation"]
    skipped = post(client, f"/reviews/{review.id}/scores", data)
    assert skipped.status_code == 400
    assert "This field is required." in skipped.get_data(as_text=True)
    assert post(client, f"/reviews/{review.id}/scores", _scorecard(review)).status_code == 302


def test_a_refused_correction_opens_the_section_that_shows_its_error(client, submitted):
    """The correction form is folded away until used; sent and refused, it is open, its error
    beside the field and the user's input kept (issue 9: errors are visible)."""
    project, review = submitted
    first = helpers.go(review)
    login(client, review.chair)
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert '<details class="panel no-print">' in page  # folded while unused
    for outcome, status in (("kill", 400), ("go", 409)):
        data = {"outcome": outcome, "version": str(review.version), "rationale": "Typo fixed",
                "target_phase": "contract_research", "reason": "A typo"}
        if status == 409:
            data["version"] = str(review.version - 1)  # a stale copy of the page
        response = post(client, f"/decisions/{first.id}/correct", data)
        assert response.status_code == status, outcome
        page = response.get_data(as_text=True)
        assert '<details class="panel no-print" open>' in page, outcome
        assert "Typo fixed" in page


def test_who_records_and_who_corrects_the_decision_is_said_to_those_who_cannot(client, submitted):
    """The HQ admin opening an open review can't record its decision: the page says the
    chair records it; an evaluator who isn't the chair, once it is decided, reads who corrects
    it."""
    _project, review = submitted
    chair, member, _third = helpers.name_panel(review)
    login(client, make_user(Role.HQ_ADMIN))
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert (f"The panel chair, {chair.name}, records the decision once {review.quorum} "
            "evaluators have submitted their scores.") in page
    helpers.go(review)
    evaluator = client.application.test_client()
    login(evaluator, member)
    page = evaluator.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert "The panel chair or an HQ admin corrects the decision in force" in page
    assert "records the decision once" not in page  # decided: nobody records it now


def _row(page: str, name: str) -> str:
    return page.split(f"<td>{name}")[1].split("</tr>")[0]


@pytest.mark.parametrize("locale, aside, none, pending", [
    ("en", "None: stepped aside", "None", "Not yet"), ("zh_CN", "无：已回避", "无", "尚未")])
def test_a_panel_row_owes_no_scorecard_once_stepped_aside_or_decided(client, locale, aside, none,
                                                                     pending):
    """Found by a newcomer declaring a conflict: the row of an evaluator who stepped aside read
    "Scorecard: Not yet" (尚未), as if one were still owed, and so did every row never filled
    once the panel had decided."""
    review = helpers.submit(make_project())
    chair, second, third, aside_, silent = helpers.name_panel(review, size=5)
    chair.locale = locale
    gates.declare(aside_, review, conflict=True, note="A relative works there.")
    for evaluator in (chair, second, third):
        helpers.score(review, evaluator)
    login(client, chair)
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert aside in _row(page, aside_.name) and pending not in _row(page, aside_.name)
    assert _row(page, silent.name).count(pending) == 2
    decisions.decide(chair, review, review.version, Outcome.GO)
    _commit()
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    row = _row(page, silent.name)
    assert pending not in row and row.count(f'<span class="muted">{none}</span>') == 2
