"""A corrected scorecard in the history (issue 9 points 5 and 9): the gate review's history
and the evaluator's place's say who corrected their scores, when and why; the figures, each
changed score old -> new, only once the panel has decided and only to those who read the named
scorecards (`scorecards.may_read_corrected`: HQ-wide roles and the evaluators who scored).
Never in the trail itself, which the whole-trail page reads without a reader."""

from __future__ import annotations

import re

import pytest

from tests.conftest import login, post, shared_data
from tests.factories import _commit, install_gates, make_institute, make_project, make_user
from tests.gates import helpers
from tracker import db
from tracker.accounts.models import Role, User
from tracker.gates import corrections, decisions
from tracker.gates.models import CriterionKind, GateReview, Outcome, Recommendation

WORDS = {
    "en": {"action": "Scores corrected", "recommendation": "Recommendation",
           "hidden": "Shown to HQ and the evaluators once the panel has decided",
           "go": "GO", "hold": "HOLD", "colon": ": "},
    "zh_CN": {"action": "更正了评分", "recommendation": "评审建议",
              "hidden": "专家组作出决定后，向总部和评审专家显示", "go": "通过", "hold": "暂缓",
              "colon": "："},
}
REASON = "Misread the scale of criterion two"


@pytest.fixture(autouse=True)
def _gates():
    install_gates()


@pytest.fixture(scope="module")
def corrected_ids(app, module_connection) -> tuple[int, dict[str, int]]:
    """A panel of three that scored 5 everywhere; the third corrects every should-meet score
    to 2 and their recommendation to HOLD, with the reason. Built once for the module (each
    test goes on from it in its own savepoint): the review's id and the people's."""
    with shared_data(app, module_connection):
        install_gates()
        director = make_user()
        project = make_project(institute=make_institute(director))
        review = helpers.submit(project)
        chair, second, third = helpers.name_panel(review)
        for evaluator in (chair, second, third):
            helpers.score(review, evaluator, value=5)
        scores = {c.id: ({"passed": True} if c.kind is CriterionKind.MUST else {"value": 2})
                  for c in review.criteria}
        corrections.correct_scores(third, review, scores, Recommendation.HOLD, "", REASON)
        _commit()
        people = {"hq": make_user(Role.HQ_ADMIN), "observer": make_user(Role.OBSERVER),
                  "evaluator": third, "chair": chair, "pm": project.pm, "director": director}
        return review.id, {who: user.id for who, user in people.items()}


@pytest.fixture
def corrected(corrected_ids) -> tuple[GateReview, dict[str, User]]:
    """The shared review and its readers, loaded in the test's session."""
    review_id, people = corrected_ids
    return db.session.get(GateReview, review_id), {
        who: db.session.get(User, user_id) for who, user_id in people.items()}


def _body(client, user, locale: str, address: str) -> str:
    user.locale = locale
    _commit()
    login(client, user)
    response = client.get(address)
    post(client, "/logout")
    assert response.status_code == 200, (address, response.status_code)
    page = response.get_data(as_text=True)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]*>", " ", page[page.index("<main"):]))


def _should(review: GateReview) -> list:
    return [c for c in review.criteria if c.kind is CriterionKind.SHOULD]


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_before_the_decision_every_reader_reads_who_when_why_and_no_figure(client, locale,
                                                                          corrected):
    review, people = corrected
    words = WORDS[locale]
    member = review.member(people["evaluator"])
    for who in ("hq", "observer", "evaluator", "chair", "pm", "director"):
        body = _body(client, people[who], locale, f"/history/gate_reviews/{review.id}")
        assert words["action"] in body and REASON in body, who
        # by whom, but not to the applicants (the panel is not named to them)
        assert (people["evaluator"].name in body) is (who != "pm"), who
        assert "5 / 5" not in body and "2 / 5" not in body, who
        assert words["hidden"] in body, who
    for who in ("hq", "evaluator"):  # the place's own history: theirs to read, no figure yet
        body = _body(client, people[who], locale, f"/history/panel_members/{member.id}")
        assert REASON in body and "2 / 5" not in body and words["hidden"] in body


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_after_the_decision_hq_and_the_evaluators_read_each_corrected_score(client, locale,
                                                                           corrected):
    review, people = corrected
    words = WORDS[locale]
    decisions.decide(people["chair"], review, review.version, Outcome.GO)
    _commit()
    member = review.member(people["evaluator"])
    should = _should(review)
    assert should, "the gate has should-meet criteria to score"
    for who in ("hq", "observer", "evaluator", "chair"):
        body = _body(client, people[who], locale, f"/history/gate_reviews/{review.id}")
        assert REASON in body and words["action"] in body, who
        for criterion in should:
            text = criterion.text if locale == "zh_CN" else (criterion.text_en or criterion.text)
            assert f"{text}{words['colon']}5 / 5 → 2 / 5" in body, (who, text)
        assert (f"{words['recommendation']}{words['colon']}{words['go']} → {words['hold']}"
                in body), who
        assert words["hidden"] not in body, who
        # the must-meet scores did not change: no line for them
        for criterion in review.criteria:
            if criterion.kind is CriterionKind.MUST:
                text = criterion.text if locale == "zh_CN" else (criterion.text_en
                                                                  or criterion.text)
                assert f"{text}: " not in body, (who, text)
    body = _body(client, people["evaluator"], locale, f"/history/panel_members/{member.id}")
    assert "5 / 5 → 2 / 5" in body
    for who in ("pm", "director"):  # the project's people: who, when, why, never a figure
        body = _body(client, people[who], locale, f"/history/gate_reviews/{review.id}")
        assert REASON in body and words["action"] in body, who
        assert "5 / 5" not in body and "2 / 5" not in body and words["hold"] not in body, who
        assert words["hidden"] in body, who
    # The whole trail and its file (HQ, auditors) stay without the figures, as the trail does.
    login(client, people["hq"])
    trail = client.get("/audit/?action=gate.correct_scores").get_data(as_text=True)
    assert REASON in trail and "2 / 5" not in trail
    exported = client.get(f"/history/gate_reviews/{review.id}?export=csv").get_data(as_text=True)
    assert "5 / 5 → 2 / 5" in exported  # a reader's file of the history holds what they read


def test_each_of_two_corrections_reads_its_own_scores(client, corrected):
    review, people = corrected
    third = people["evaluator"]
    scores = {c.id: ({"passed": True} if c.kind is CriterionKind.MUST else {"value": 3})
              for c in review.criteria}
    corrections.correct_scores(third, db.session.get(GateReview, review.id), scores,
                               Recommendation.HOLD, "", "Second look at the scale")
    _commit()
    decisions.decide(people["chair"], review, review.version, Outcome.GO)
    _commit()
    body = _body(client, people["hq"], "en", f"/history/gate_reviews/{review.id}")
    first, second = body.index(REASON), body.index("Second look at the scale")
    newest = body[second:first]  # newest first: the second correction's line
    assert "2 / 5 → 3 / 5" in newest and "5 / 5" not in newest
    assert "Recommendation" not in newest  # HOLD both times
    assert "5 / 5 → 2 / 5" in body[first:]


def test_a_declaration_corrected_stays_out_of_the_reviews_history(client, corrected):
    review, people = corrected
    second = next(m.user for m in review.panel
                  if m.user_id not in (people["evaluator"].id, people["chair"].id))
    corrections.correct_declaration(second, review, True, "Consults for the partner",
                                    "I forgot my consulting contract")
    _commit()
    member = review.member(second)
    body = _body(client, people["pm"], "en", f"/history/gate_reviews/{review.id}")
    assert "I forgot my consulting contract" not in body and REASON in body
    body = _body(client, people["hq"], "en", f"/history/panel_members/{member.id}")
    assert "I forgot my consulting contract" in body
