"""An evaluator corrects their own submitted scores or their declaration of interests, with a
reason, until the panel decides (issue 9 point 5): the earlier ones stay readable, the panel's
results follow, a stale copy is refused, and after the decision the correction is refused with
a reason pointing to the decision's own correction."""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.conftest import login, post, shared_data
from tests.factories import _commit, install_gates, make_enterprise, make_project, make_user
from tests.gates import helpers
from tests.test_edits import hidden, tab
from tests.unchanged import audited, refused_as_unchanged
from tracker import db
from tracker.accounts.models import Role, User
from tracker.audit.models import AuditRecord
from tracker.errors import Invalid, Refused
from tracker.gates import corrections, scoring
from tracker.gates.correction_models import CorrectionKind, scores_refusal
from tracker.gates.models import (
    CriterionKind,
    Declaration,
    GateReview,
    Outcome,
    PanelMember,
    Recommendation,
)
from tracker.projects.lifecycle import Phase
from tracker.reminders.models import MessageKind, OutboxMessage


@pytest.fixture(autouse=True)
def _gates():
    install_gates()


def _scores(review: GateReview, value: int, passed: bool = True) -> dict:
    return {c.id: ({"passed": passed} if c.kind is CriterionKind.MUST else {"value": value})
            for c in review.criteria}


def _form(review: GateReview, value: str, reason: str, passed: str = "1") -> dict:
    data = {"recommendation": "go", "comment": "", "reason": reason}
    for c in review.criteria:
        data[f"c{c.id}"] = passed if c.kind is CriterionKind.MUST else value
    return data


def _scored_panel(values=(5, 5, 5)):
    project = make_project()
    review = helpers.submit(project)
    evaluators = helpers.name_panel(review)
    for evaluator, value in zip(evaluators, values, strict=True):
        helpers.score(review, evaluator, value=value)
    return review, evaluators


@pytest.fixture(scope="module")
def panel_ids(app, module_connection) -> tuple[int, list[int]]:
    """The panel that scored 5 everywhere, built once for the module (each test goes on from
    it in its own savepoint): the review's id and the evaluators' (the chair first)."""
    with shared_data(app, module_connection):
        install_gates()
        review, evaluators = _scored_panel()
        return review.id, [e.id for e in evaluators]


@pytest.fixture
def panel(panel_ids) -> tuple[GateReview, list[User]]:
    """The shared panel's review and evaluators, loaded in the test's session."""
    review_id, evaluator_ids = panel_ids
    return db.session.get(GateReview, review_id), [db.session.get(User, i) for i in evaluator_ids]


def _member(review: GateReview, user) -> PanelMember:
    db.session.expire_all()
    return db.session.get(GateReview, review.id).member(user)


def test_an_evaluator_corrects_their_scores_and_the_earlier_ones_stay(client, panel):
    review, (chair, second, third) = panel
    assert scoring.weighted_score(review) == Decimal("100.00")
    login(client, third)
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    path = f"/reviews/{review.id}/scores/correct"
    assert f'href="{path}"' in page
    assert "Scores cannot be changed" not in page
    form = client.get(path).get_data(as_text=True)
    assert 'name="reason"' in form and 'value="5"' in form  # filled with what was submitted
    unsaid = post(client, path, {**tab(client, path), **_form(review, "1", "")})
    assert unsaid.status_code == 400 and 'value="1"' in unsaid.get_data(as_text=True)
    done = post(client, path, {**tab(client, path),
                               **_form(review, "1", "I scored the wrong project's file")})
    assert done.status_code == 302, done.get_data(as_text=True)

    member = _member(review, third)
    assert [s.value for s in member.scores if s.value is not None] and all(
        s.value == 1 for s in member.scores if s.value is not None)
    [kept] = member.corrections
    assert kept.kind is CorrectionKind.SCORES and kept.reason == "I scored the wrong project's file"
    assert {s["value"] for s in kept.earlier["scores"] if s["value"] is not None} == {5}
    # The panel's results follow: the mean of 100 %, 100 % and 20 %.
    review = db.session.get(GateReview, review.id)
    assert scoring.weighted_score(review) == Decimal("73.33")
    # The chair (who has scored) reads the corrected scorecard and the earlier one.
    post(client, "/logout")
    login(client, chair)
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert "1 / 5" in page and "Weighted score: 73.33%" in page
    assert "Corrected scorecards and declarations" in page
    assert "Before: No conflict; recommendation " in page  # one earlier thing after another
    assert "I scored the wrong project&#39;s file" in page and "Scores corrected" in page
    assert page.count(f'href="{path}"') == 1  # their own scores' correction, not the third's
    assert f"/history/panel_members/{member.id}" not in page  # the third's and HQ's to read
    # The trail keeps the reason, never the scores (others must not read them before scoring).
    audited = db.session.scalar(select(AuditRecord).where(
        AuditRecord.action == "gate.correct_scores"))
    assert audited.object_type == "panel_members" and audited.object_id == member.id
    assert audited.changes["reason"] == [None, "I scored the wrong project's file"]
    assert "recommendation" not in audited.changes and "scores" not in audited.changes


@pytest.mark.parametrize("locale,said", [("en", "Scores corrected"), ("zh_CN", "更正了评分")])
def test_the_history_of_a_correction_reads_in_each_language(client, locale, said, panel):
    review, (_chair, _second, third) = panel
    corrections.correct_scores(third, review, _scores(review, 2), Recommendation.HOLD, "",
                               "Misread the scale")
    _commit()
    member = review.member(third)
    third.locale = locale
    _commit()
    login(client, third)  # the evaluator reads their own corrections' history
    page = client.get(f"/history/panel_members/{member.id}").get_data(as_text=True)
    body = re.sub(r"<[^>]*>", " ", page[page.index("<main"):])
    assert said in body and "Misread the scale" in body
    assert not re.search(r"\b(gate\.correct_scores|review_id|None)\b", body)
    if locale == "zh_CN":
        assert "Reason" not in body and "Gate review" not in body


def test_a_stale_correction_is_refused_with_the_input_kept(client, panel):
    review, (_chair, _second, third) = panel
    login(client, third)
    path = f"/reviews/{review.id}/scores/correct"
    first, second = tab(client, path), tab(client, path)
    assert post(client, path, {**first, **_form(review, "3", "First tab")}).status_code == 302
    response = post(client, path, {**second, **_form(review, "2", "Second tab")})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Saved by you in another tab or window meanwhile" in page and "Second tab" in page
    member = _member(review, third)
    assert [c.reason for c in member.corrections] == ["First tab"]
    again = {**_form(review, "2", "Second tab"), "version": hidden(page, "version"),
             "seen_at": hidden(page, "seen_at")}
    assert post(client, path, again).status_code == 302
    assert [c.reason for c in _member(review, third).corrections] == ["First tab", "Second tab"]


def test_after_the_decision_a_correction_is_refused_naming_the_decisions_correction(client, panel):
    review, (chair, _second, third) = panel
    from tracker.gates import decisions

    decisions.decide(chair, review, review.version, Outcome.GO)
    _commit()
    with pytest.raises(Refused, match="correction of the decision"):
        corrections.correct_scores(third, review, _scores(review, 1), Recommendation.GO, "",
                                   "Too late")
    db.session.rollback()
    with pytest.raises(Refused, match="correction of the decision"):
        corrections.correct_declaration(third, review, True, "My cousin", "Too late")
    db.session.rollback()
    login(client, third)
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert "/scores/correct" not in page and "/declaration/correct" not in page
    for path in (f"/reviews/{review.id}/scores/correct",
                 f"/reviews/{review.id}/declaration/correct"):
        refused = client.get(path)
        text = refused.get_data(as_text=True)
        assert refused.status_code == 409 and "correction of the decision" in text
        assert f'href="/reviews/{review.id}"' in text  # back to the review
        assert post(client, path, {"reason": "Too late", "conflict": "yes",
                                   "note": "x"}).status_code == 409
    assert _member(review, third).corrections == []


def test_only_the_evaluator_corrects_their_own(client, panel):
    review, (chair, second, third) = panel
    member = review.member(third)
    admin, pm = make_user(Role.HQ_ADMIN), review.project.pm
    outsider = make_user(Role.EVALUATOR)
    assert member.can_correct_scores(third) and member.can_correct_declaration(third)
    for other in (chair, second, admin, pm, outsider):
        assert not member.can_correct_scores(other)
        assert not member.can_correct_declaration(other)
    path = f"/reviews/{review.id}/scores/correct"
    for user, status in ((admin, 403), (pm, 403), (outsider, 404)):
        post(client, "/logout")
        login(client, user)
        assert client.get(path).status_code == status
        assert post(client, path, _form(review, "1", "Not mine")).status_code == status
    # A member who has not scored has nothing to correct, and says so.
    fresh = helpers.submit(make_project())
    a, _b, _c = helpers.name_panel(fresh)
    with pytest.raises(Refused, match="no scorecard of yours"):
        corrections.correct_scores(a, fresh, _scores(fresh, 1), Recommendation.GO, "", "x")


def test_a_conflict_declared_late_withdraws_the_scores_and_hq_hears_of_it(client):
    review, (chair, second, third) = _scored_panel((5, 5, 1))
    assert scoring.weighted_score(review) == Decimal("73.33")
    assert len(review.submitted_members) == 3
    admin = make_user(Role.HQ_ADMIN)
    login(client, third)
    path = f"/reviews/{review.id}/declaration/correct"
    assert f'href="{path}"' in client.get(f"/reviews/{review.id}").get_data(as_text=True)
    missing = post(client, path, {**tab(client, path), "conflict": "yes", "note": "",
                                  "reason": ""})
    text = missing.get_data(as_text=True)
    assert missing.status_code == 400
    assert "what the conflict is" in text and 'id="reason-error' in text
    done = post(client, path, {**tab(client, path), "conflict": "yes",
                               "note": "My brother works at the partner",
                               "reason": "I learnt it after scoring"})
    assert done.status_code == 302, done.get_data(as_text=True)

    db.session.expire_all()
    review = db.session.get(GateReview, review.id)
    member = review.member(third)
    assert member.declaration is Declaration.CONFLICT and member.submitted_at is None
    assert member.scores == [] and member.corrections[0].earlier["submitted_at"] is not None
    # Their scorecard counts nowhere now: the weighted score is the other two's.
    assert [m.user_id for m in review.submitted_members] == [chair.id, second.id]
    assert scoring.weighted_score(review) == Decimal("100.00")
    assert not review.quorum_reached and review.needs_new_panel  # 2 left of a quorum of 3
    told = Counter(db.session.scalars(select(OutboxMessage.recipient_id).where(
        OutboxMessage.kind == MessageKind.EVENT,
        OutboxMessage.rule == "conflict_declared_late")))
    assert told[admin.id] == 1 and told[chair.id] == 1 and told[third.id] == 0
    audited = db.session.scalar(select(AuditRecord).where(
        AuditRecord.action == "gate.correct_declaration"))
    assert audited.changes["declaration"] == ["none", "conflict"]
    assert audited.changes["scores_withdrawn"] == [None, True]
    assert "My brother" not in str(audited.changes)  # the note stays HQ's and theirs
    # HQ sees it on the review, the note with it, and the review needs a new panel.
    post(client, "/logout")
    login(client, admin)
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert "My brother works at the partner" in page and "HQ must change the panel" in page
    history = client.get(f"/history/panel_members/{member.id}").get_data(as_text=True)
    assert "Declaration of interests corrected" in history and "Scores withdrawn" in history
    assert "I learnt it after scoring" in history


def test_a_conflict_declared_wrongly_is_withdrawn_and_the_evaluator_then_scores():
    partner = make_enterprise()
    project = make_project(partner_enterprise_id=partner.id)
    review = helpers.submit(project)
    a, b, c = helpers.name_panel(review)
    from tracker.gates import services as gates

    gates.declare(c, review, conflict=True, note="Thought I had one")
    _commit()
    assert not review.can_see_material(c)
    with pytest.raises(Invalid, match="Nothing was changed"):
        corrections.correct_declaration(c, review, True, "Still", "Nothing")
    db.session.rollback()
    corrections.correct_declaration(c, review, False, "", "The company I named is another one")
    _commit()
    member = review.member(c)
    assert member.declaration is Declaration.NONE and member.conflict_note == ""
    assert review.can_see_material(c)
    helpers.score(review, a)
    gates.submit_scores(c, review, _scores(review, 4), Recommendation.GO)
    _commit()
    assert c.id in [m.user_id for m in review.submitted_members]
    # One with a stake (here gained since the panel was named) may not withdraw a conflict:
    # the stake rule stands.
    insider = make_user(Role.EVALUATOR)
    other = helpers.submit(make_project(partner_enterprise_id=partner.id))
    gates.name_panel(make_user(Role.HQ_ADMIN), other, a, [a, b, insider], None)
    gates.declare(insider, other, conflict=True, note="I am joining them")
    insider.enterprise_id = partner.id
    _commit()
    with pytest.raises(Refused, match="partner enterprise"):
        corrections.correct_declaration(insider, other, False, "", "Wrong")


def test_a_correction_that_changes_nothing_is_refused_for_scores_and_declaration(client, panel):
    review, (_chair, _second, third) = panel
    login(client, third)
    path = f"/reviews/{review.id}/scores/correct"
    same = post(client, path, {**tab(client, path), **_form(review, "5", "Typed it again")})
    assert refused_as_unchanged(same, "Typed it again")
    path = f"/reviews/{review.id}/declaration/correct"
    same = post(client, path, {**tab(client, path), "conflict": "no", "note": "",
                               "reason": "Declared it again"})
    assert refused_as_unchanged(same, "Declared it again")
    assert audited("gate.correct_scores", "gate.correct_declaration") == 0
    assert _member(review, third).corrections == []


def test_a_refusal_to_correct_scores_advises_what_the_evaluator_can_do():
    partner = make_enterprise()
    review = helpers.submit(make_project(partner_enterprise_id=partner.id))
    a, _b, c = helpers.name_panel(review)
    from tracker.gates import services as gates

    assert "declare your interests" in scores_refusal(review.member(a))
    gates.declare(c, review, conflict=True, note="Thought I had one")
    _commit()
    # Not "score on the review's page", which a conflict forbids: correct the declaration.
    said = scores_refusal(review.member(c))
    assert "declared a conflict" in said and "correct it first" in said


def test_after_the_project_moved_on_the_refusal_does_not_advise_correcting_the_decision(
        client, panel):
    review, (chair, _second, third) = panel
    from tracker.gates import decisions

    decision = decisions.decide(chair, review, review.version, Outcome.GO)
    _commit()
    assert "correction of the decision" in scores_refusal(review.member(third))
    review.project.phase = next(p for p in Phase if p is not decision.target_phase)
    _commit()
    # The decision's correction is refused now, so it is not what the evaluator is told to ask.
    with pytest.raises(Refused, match="moved on"):
        decisions.correct_decision(chair, decision, review.version, Outcome.GO,
                                   reason="Recorded wrongly")
    db.session.rollback()
    said = scores_refusal(review.member(third))
    assert "moved on since" in said and "correction of the decision" not in said
    # The review's page offers the chair no correction form, and says why (issue 9 point 6).
    login(client, chair)
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert f"/decisions/{decision.id}/correct" not in page
    assert "The project has moved on since this decision of" in page
