"""Each gate in its own words (found by newcomers at gate 2: the decision form said "After GO"
and scorecards recommended GO or HOLD at research acceptance, whose outcomes are its three
conclusions). Gate 1 keeps the five outcomes and their words."""

from __future__ import annotations

import pytest

from tests.conftest import login, post
from tests.factories import install_gates, make_project
from tests.gates import helpers
from tracker import db
from tracker.documents import content
from tracker.documents.models import DocumentKind
from tracker.errors import Invalid
from tracker.gates import services as gates
from tracker.gates.models import (
    Conclusion,
    CriterionKind,
    Outcome,
    Recommendation,
    outcome_word,
)


@pytest.fixture(autouse=True)
def _gates():
    install_gates()


def _acceptance_open():
    """A research acceptance review with its panel named, nobody scored yet."""
    project = make_project()
    helpers.go(helpers.submit(project))
    review = helpers.request(project)
    evaluators = helpers.name_panel(review)
    return review, evaluators


def _scores(review):
    return {c.id: ({"passed": True} if c.kind is CriterionKind.MUST else {"value": 4})
            for c in review.criteria}


def test_the_acceptance_scorecard_recommends_one_of_the_three_conclusions(client):
    review, evaluators = _acceptance_open()
    evaluator = evaluators[1]
    gates.declare(evaluator, review, conflict=False)
    db.session.commit()
    login(client, evaluator)
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    form = page.split('name="recommendation"', 1)[1].split("</select>", 1)[0]
    for words in ("Passed acceptance", "To be reconsidered", "Failed acceptance"):
        assert f">{words}</option>" in form
    for words in (">GO<", ">HOLD<", ">CONDITIONAL GO<", ">RECYCLE<", ">KILL<"):
        assert words not in form
    fields = {f"c{c.id}": "1" if c.kind is CriterionKind.MUST else "4" for c in review.criteria}
    refused = post(client, f"/reviews/{review.id}/scores", {**fields, "recommendation": "hold"})
    assert refused.status_code == 400
    with pytest.raises(Invalid, match="recommend passed, to be reconsidered or failed"):
        gates.submit_scores(evaluator, review, _scores(review), Recommendation.CONDITIONAL_GO)
    answer = post(client, f"/reviews/{review.id}/scores",
                  {**fields, "recommendation": "recycle"})
    assert answer.status_code == 302
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    row = page.split("<th>Recommendation</th>", 1)[1].split("</tr>", 1)[0]
    assert "To be reconsidered" in row and "RECYCLE" not in row


def test_the_acceptance_decision_form_speaks_of_passing_not_of_go(client, acceptance):
    _project, review = acceptance
    login(client, review.chair)
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert "After passing acceptance, the project goes to" in page
    assert "After GO" not in page and "decide GO" not in page
    review.chair.locale = "zh_CN"
    db.session.commit()
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert "通过验收后，项目进入" in page


def test_acceptance_refusals_name_the_conclusion_not_the_outcome(acceptance):
    _project, review = acceptance
    with pytest.raises(Invalid) as refused:
        helpers.decisions.decide(review.chair, review, review.version, Outcome.KILL,
                                 conclusion=None, completion_ratio=None)
    assert "KILL" not in str(refused.value.each())
    with pytest.raises(Invalid, match="A failed acceptance needs its rationale"):
        helpers.decisions.decide(review.chair, review, review.version, Outcome.KILL,
                                 conclusion=Conclusion.FAILED, completion_ratio=40)
    with pytest.raises(Invalid, match="“to be reconsidered” needs its rework due date"):
        helpers.decisions.decide(review.chair, review, review.version, Outcome.RECYCLE,
                                 conclusion=Conclusion.RECONSIDER, completion_ratio=40)


def test_gate_one_keeps_its_five_outcomes_and_their_words(client):
    project = make_project()
    review = helpers.submit(project)
    evaluators = helpers.name_panel(review)
    gates.declare(evaluators[0], review, conflict=False)
    db.session.commit()
    login(client, evaluators[0])
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    for words in ("GO", "CONDITIONAL GO", "HOLD", "RECYCLE", "KILL"):
        assert f">{words}</option>" in page
    assert outcome_word(1, Outcome.GO) == "GO"
    assert outcome_word(2, Recommendation.GO) == "Passed acceptance"


def test_the_review_opinion_form_of_acceptance_names_conclusions(acceptance):
    project, review = acceptance
    decision = helpers.decisions.decide(
        review.chair, review, review.version, Outcome.GO,
        conclusion=Conclusion.PASSED, completion_ratio=90)
    built = content.build(DocumentKind.REVIEW_OPINION, project, decision, "en",
                          {"letterhead": "", "title": "", "opening": "", "closing": "",
                           "issuer": ""}, "X-1", decision.decided_at.date())
    fields = dict(built["fields"])
    assert fields["Decision"] == "Passed acceptance"
    [scores] = [s for s in built["sections"] if s.get("columns")][:1]
    recommendation = next(r for r in scores["rows"] if r[0] == "Recommendation")
    assert set(recommendation[1:-1]) == {"Passed acceptance"}
