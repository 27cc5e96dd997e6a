"""The review's page offers a panel member their declaration and their scorecard exactly when the
service would record them, and where it would refuse says why, in the sentence the 409 says
(issue 9 point 6, issue 11 point 2): the view passes what the predicates (`PanelMember.
can_declare`, `can_score`, `GateReview.can_decide`) and `tracker.gates.decision_refusals`
answered, where the template read the review's state and the member's declaration. Found wrong
before: a member who had declared, declared a conflict or scored, and every member of a review
decided or withdrawn, lost the form with no word of why; a conflict was said without its date or
the way back (correct the declaration)."""

from __future__ import annotations

import html
import re

import pytest

from tests.conftest import login, post
from tests.factories import _commit, install_gates, make_project, make_user
from tests.gates import helpers
from tracker import db
from tracker.accounts.models import Role
from tracker.gates import decisions
from tracker.gates import services as gates
from tracker.gates.models import Outcome, ReviewState


@pytest.fixture(autouse=True)
def _gates():
    install_gates()


# Said on the review's page: where on it, not "on the review's page" (the reader is there).
DECLARED = {"en": "if it was wrong, correct it with “Correct your declaration” in your row of "
                  "the panel, with the reason",
            "zh_CN": "如有误，请点击评审组名单中您所在行的“更正您的声明”更正，并说明理由"}
DECLARE_FIRST = {"en": "Declare that you have no conflict of interest before scoring.",
                 "zh_CN": "评分前请先声明您与本项目不存在利益冲突。"}
CONFLICT = {"en": "take no part in this review: you do not score it. If that declaration was "
                  "wrong, correct it first",
            "zh_CN": "不参与本次评审，也不能为其评分。如该声明有误，请先更正"}
SCORED = {"en": "to correct them, use “Correct your scores” in your row of the panel",
          "zh_CN": "提交评分：如需更正，请点击评审组名单中您所在行的“更正您的评分”"}
DECIDED = {"en": "the panel decided it on", "zh_CN": "评审组已于"}
WITHDRAWN = {"en": "“Withdrawn”: nothing more is recorded on it.",
             "zh_CN": "“已撤回”：不能再在其上记录任何内容。"}

# state: (declaration offered, scorecard offered, why not declare, why not score); a sentence
# said for both (the review's state) is said once, beside the scorecard.
MEMBER_SEES = {
    "undeclared": (True, False, None, DECLARE_FIRST),
    "declared none": (False, True, DECLARED, None),
    "declared a conflict": (False, False, DECLARED, CONFLICT),
    "scored": (False, False, DECLARED, SCORED),
    "review decided": (False, False, None, DECIDED),
    "review withdrawn": (False, False, None, WITHDRAWN),
}


def _review(state: str):
    """A gate-1 review with a panel of four (quorum three), its fourth member brought to
    `state`: the reader. Decided: the other three scored and the chair decided GO."""
    review = helpers.submit(make_project())
    panel = helpers.name_panel(review, size=4)
    reader = panel[3]
    if state == "declared none":
        gates.declare(reader, review, conflict=False)
    elif state == "declared a conflict":
        gates.declare(reader, review, conflict=True, note="My former student")
    elif state == "scored":
        helpers.score(review, reader)
    elif state == "review decided":
        for evaluator in panel[:3]:
            helpers.score(review, evaluator)
        decisions.decide(panel[0], review, review.version, Outcome.GO)
    elif state == "review withdrawn":
        review.state = ReviewState.WITHDRAWN
    _commit()
    return review, panel, reader


def _scorecard(review) -> dict:
    data = {"recommendation": "go", "comment": "Solid"}
    for c in review.criteria:
        data[f"c{c.id}"] = "1" if c.kind.value == "must" else "4"
    return data


def _page(client, user, review, locale: str) -> str:
    user.locale = locale
    _commit()
    login(client, user)
    response = client.get(f"/reviews/{review.id}")
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def _said(page: str, what: str) -> str | None:
    """The sentence the page says in place of the form (`what`: declare, score, decide)."""
    found = re.search(rf'<p class="help" id="why-not-{what}">(.*?)</p>', page, re.S)
    return found.group(1).strip() if found else None


def _refused(response) -> str:
    """The 409's refusal, said above the page."""
    assert response.status_code == 409
    body = html.unescape(response.get_data(as_text=True))
    flashed = re.search(r'<p class="flash flash-error" role="alert">(.*?)</p>', body, re.S)
    return flashed.group(1).strip()


def _offers(page: str, review) -> tuple[bool, bool]:
    return (f'action="/reviews/{review.id}/declare"' in page,
            f'action="/reviews/{review.id}/scores"' in page)


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
@pytest.mark.parametrize("state", list(MEMBER_SEES))
def test_a_member_is_offered_to_declare_and_score_exactly_when_possible(client, state, locale):
    declares, scores, why_not_declare, why_not_score = MEMBER_SEES[state]
    review, _panel, reader = _review(state)
    page = _page(client, reader, review, locale)
    assert _offers(page, review) == (declares, scores)
    said_declare, said_score = _said(page, "declare"), _said(page, "score")
    assert (said_declare is None) is (why_not_declare is None)
    assert (said_score is None) is (why_not_score is None)
    if why_not_declare:
        assert why_not_declare[locale] in said_declare
    if why_not_score:
        assert why_not_score[locale] in said_score

    # What the page offers the services record; what it says instead, the 409 says word for
    # word (the scorecard first: a declaration recorded would let it through).
    scored = post(client, f"/reviews/{review.id}/scores", _scorecard(review))
    if scores:
        assert scored.status_code == 302
    else:
        assert _refused(scored) == said_score
    db.session.expire_all()
    declared = post(client, f"/reviews/{review.id}/declare", {"conflict": "no"})
    if declares:
        assert declared.status_code == 302
    else:  # said beside the scorecard when the review's state refuses both
        assert _refused(declared) == (said_declare or said_score)


@pytest.mark.parametrize("role", ["pm", "hq_admin"])
def test_who_sees_the_review_off_the_panel_is_offered_nothing_and_told_nothing(client, role):
    review, _panel, _reader = _review("undeclared")
    user = review.project.pm if role == "pm" else make_user(Role.HQ_ADMIN)
    page = _page(client, user, review, "en")
    assert _offers(page, review) == (False, False)
    assert _said(page, "declare") is None and _said(page, "score") is None
    assert post(client, f"/reviews/{review.id}/declare", {"conflict": "no"}).status_code == 403
    assert post(client, f"/reviews/{review.id}/scores", _scorecard(review)).status_code == 403


def test_an_evaluator_off_the_panel_does_not_see_the_review(client):
    review, _panel, _reader = _review("undeclared")
    login(client, make_user(Role.EVALUATOR))
    assert client.get(f"/reviews/{review.id}").status_code == 404
    assert post(client, f"/reviews/{review.id}/declare", {"conflict": "no"}).status_code == 404


def test_a_member_who_declares_is_then_offered_the_scorecard_and_no_declaration(client):
    review, _panel, reader = _review("undeclared")
    _page(client, reader, review, "en")
    assert post(client, f"/reviews/{review.id}/declare", {"conflict": "no"}).status_code == 302
    page = _page(client, reader, review, "en")
    assert _offers(page, review) == (False, True)
    assert DECLARED["en"] in _said(page, "declare") and _said(page, "score") is None


def _decides(page: str, review) -> bool:
    return f'action="/reviews/{review.id}/decide"' in page


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_the_chair_of_a_panel_that_cannot_decide_is_not_offered_the_decision(client, locale):
    """The chair declared a conflict: HQ must change the panel, said above the page to all; the
    chair's section is not shown, and the decision's 409 says the same sentence."""
    review = helpers.submit(make_project())
    chair, *others = helpers.name_panel(review)
    gates.declare(chair, review, conflict=True, note="My brother-in-law's company")
    _commit()
    page = _page(client, chair, review, locale)
    assert review.needs_new_panel
    assert not _decides(page, review) and _said(page, "decide") is None
    refused = _refused(post(client, f"/reviews/{review.id}/decide",
                            {"outcome": "go", "version": str(review.version)}))
    assert f'<p class="flash flash-error">{refused}</p>' in page


def test_the_chair_is_offered_the_decision_while_it_is_ahead_and_no_one_else_is(client):
    review = helpers.submit(make_project())
    chair, second, third = helpers.name_panel(review)
    for evaluator in (chair, second, third):
        helpers.score(review, evaluator)
    page = _page(client, second, review, "en")
    assert not _decides(page, review) and _said(page, "decide") is None
    assert post(client, f"/reviews/{review.id}/decide",
                {"outcome": "go", "version": str(review.version)}).status_code == 403
    page = _page(client, chair, review, "en")
    assert _decides(page, review) and _said(page, "decide") is None
    assert post(client, f"/reviews/{review.id}/decide",
                {"outcome": "go", "version": str(review.version),
                 "target_phase": "contract_research"}).status_code == 302
    # Decided: the decision is shown, its section is not; a second decision is refused.
    db.session.expire_all()
    page = _page(client, chair, review, "en")
    assert not _decides(page, review) and _said(page, "decide") is None
    assert "This review was decided on" in _refused(post(
        client, f"/reviews/{review.id}/decide", {"outcome": "go", "version": str(review.version)}))
