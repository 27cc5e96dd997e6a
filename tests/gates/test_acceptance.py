"""Research acceptance (gate 2) in its official words: 通过验收, 需要复议, 不通过验收, each
leading the project where GO, RECYCLE and KILL do, with the completion ratio kept."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from tests.conftest import login, post
from tests.factories import install_gates, make_project, make_user
from tests.gates import helpers
from tracker import db
from tracker.accounts.models import Role
from tracker.dates import today
from tracker.errors import Invalid
from tracker.gates import decisions
from tracker.gates.models import Conclusion, Outcome
from tracker.projects.lifecycle import Phase


@pytest.fixture(autouse=True)
def _gates():
    install_gates()


@pytest.mark.parametrize("conclusion, fields, phase, outcome", [
    ("passed", {}, Phase.INVESTMENT_DECISION, Outcome.GO),
    ("reconsider", {"rework_due": "+30"}, Phase.CONTRACT_RESEARCH, Outcome.RECYCLE),
    ("failed", {"rationale": "Targets missed; unspent funds returned."}, Phase.TERMINATED,
     Outcome.KILL),
])
def test_each_conclusion_leads_the_project_to_its_phase(client, conclusion, fields, phase,
                                                        outcome, acceptance):
    project, review = acceptance
    if fields.get("rework_due") == "+30":
        fields["rework_due"] = (today() + timedelta(days=30)).isoformat()
    login(client, review.chair)
    form = {"version": str(review.version), "outcome": conclusion, "completion_ratio": "72.5",
            "target_phase": "investment_decision", **fields}
    response = post(client, f"/reviews/{review.id}/decide", form)
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    decision = review.current_decision
    assert (decision.conclusion, decision.outcome, decision.completion_ratio) == (
        Conclusion(conclusion), outcome, Decimal("72.50"))
    assert project.phase is phase
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    label = {"passed": "Passed acceptance", "reconsider": "To be reconsidered",
             "failed": "Failed acceptance"}[conclusion]
    assert label in page and "72.50%" in page


def test_the_acceptance_form_offers_the_three_conclusions_in_both_languages(client, acceptance):
    _project, review = acceptance
    login(client, review.chair)
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert "Acceptance conclusion" in page and "Completion ratio (%)" in page
    for words in ("Passed acceptance", "To be reconsidered", "Failed acceptance"):
        assert f">{words}</option>" in page
    assert ">CONDITIONAL GO</option>" not in page and ">HOLD</option>" not in page
    review.chair.locale = "zh_CN"
    db.session.commit()
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    for words in ("通过验收", "需要复议", "不通过验收"):
        assert f">{words}</option>" in page


def test_a_conclusion_without_its_completion_ratio_is_refused(client, acceptance):
    project, review = acceptance
    login(client, review.chair)
    response = post(client, f"/reviews/{review.id}/decide", {
        "version": str(review.version), "outcome": "passed", "completion_ratio": "",
        "target_phase": "investment_decision"})
    assert response.status_code == 400
    assert "share of the task agreement" in response.get_data(as_text=True)
    db.session.expire_all()
    assert review.decisions == [] and project.phase is Phase.CONTRACT_RESEARCH


def test_acceptance_takes_only_an_outcome_a_conclusion_means(acceptance):
    """HOLD or a conditional GO are not acceptance's words; nor is a conclusion other gates'."""
    _project, review = acceptance
    with pytest.raises(Invalid, match="acceptance conclusion"):
        decisions.decide(review.chair, review, review.version, Outcome.HOLD,
                         revisit_date=today() + timedelta(days=30), completion_ratio=Decimal(50))
    with pytest.raises(Invalid, match="recorded as"):
        decisions.decide(review.chair, review, review.version, Outcome.GO,
                         conclusion=Conclusion.FAILED, completion_ratio=Decimal(50))
    gate_one = helpers.submit(make_project())
    for evaluator in helpers.name_panel(gate_one):
        helpers.score(gate_one, evaluator)
    with pytest.raises(Invalid, match="Only research acceptance"):
        decisions.decide(gate_one.chair, gate_one, gate_one.version, Outcome.GO,
                         conclusion=Conclusion.PASSED, completion_ratio=Decimal(90))


def test_the_project_page_and_the_history_name_the_conclusion(client, acceptance):
    project, review = acceptance
    decisions.decide(review.chair, review, review.version, Outcome.RECYCLE,
                     conclusion=Conclusion.RECONSIDER, completion_ratio=Decimal("64"),
                     rework_due=today() + timedelta(days=20))
    db.session.commit()
    login(client, project.pm)
    assert "To be reconsidered" in client.get(f"/projects/{project.id}").get_data(as_text=True)
    auditor = client.application.test_client()
    login(auditor, make_user(Role.OBSERVER))
    decision = review.current_decision
    history = auditor.get(f"/history/gate_decisions/{decision.id}").get_data(as_text=True)
    assert "Acceptance conclusion" in history and "To be reconsidered" in history
    assert "Completion ratio" in history and "64.00%" in history


def test_a_correction_keeps_the_conclusion_and_may_change_the_ratio(acceptance):
    project, review = acceptance
    first = decisions.decide(review.chair, review, review.version, Outcome.GO,
                             conclusion=Conclusion.PASSED, completion_ratio=Decimal("80"))
    db.session.commit()
    corrected = decisions.correct_decision(review.chair, first, review.version, Outcome.GO,
                                           reason="Recorded wrongly",
                                           conclusion=Conclusion.PASSED,
                                           completion_ratio=Decimal("85"))
    assert (corrected.conclusion, corrected.completion_ratio) == (Conclusion.PASSED,
                                                                 Decimal("85"))
    with pytest.raises(Invalid):  # a failed acceptance would end the project: not a correction
        decisions.correct_decision(review.chair, corrected, review.version, Outcome.KILL,
                                   reason="Recorded wrongly",
                                   conclusion=Conclusion.FAILED, completion_ratio=Decimal("20"),
                                   rationale="x")
    assert project.phase is Phase.INVESTMENT_DECISION
