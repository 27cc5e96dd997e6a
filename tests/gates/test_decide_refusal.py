"""Who records a gate's decision (the chair: `GateReview.can_decide`) and when they may
(`decision_refusals.decide_refusal`), said apart (issue 9 point 6, issue 11 point 2): the chair's
page says why the decision can't be recorded yet, in the reader's language, in place of the form;
the service refuses with the same sentence; anyone else is forbidden whatever the state."""

from __future__ import annotations

import html
import re

import pytest

from tests.conftest import login, post
from tests.factories import _commit, install_gates, make_project
from tests.gates import helpers
from tracker.errors import Forbidden, Refused
from tracker.gates import decisions
from tracker.gates import services as gates
from tracker.gates.decision_refusals import decide_refusal
from tracker.gates.models import Outcome


@pytest.fixture(autouse=True)
def _gates():
    install_gates()


def _said(page: str) -> str:
    main = page[page.index("<main"):]
    found = re.search(r'<p id="why-not-decide">(.*?)</p>', main, re.S)
    return html.unescape(found.group(1)).strip() if found else ""


@pytest.mark.parametrize("locale,undeclared,quorum", [
    ("en", "declare your interests first, under “Declare before you see the material” on this "
           "page",
     "once the quorum of 3 scorecards is submitted (1 so far)"),
    ("zh_CN", "请先在本页“查看材料前请先声明”处声明利益关系",
     "提交的评分表达到法定人数 3 份后才能录入决定（目前已提交 1 份）"),
])
def test_the_chair_reads_why_the_decision_waits(client, locale, undeclared, quorum):
    review = helpers.submit(make_project())
    chair, second, third = helpers.name_panel(review)
    chair.locale = locale
    _commit()
    login(client, chair)

    # Not declared yet: the chair is told to declare first, and no decision form is offered.
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert undeclared in _said(page)
    assert f"/reviews/{review.id}/decide" not in page
    with pytest.raises(Refused, match=re.escape(undeclared)):
        decisions.decide(chair, review, review.version, Outcome.GO)

    # Declared and scored, but the quorum of three is not reached: how many so far.
    helpers.score(review, chair)
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert quorum in _said(page)
    assert f"/reviews/{review.id}/decide" not in page
    refused = post(client, f"/reviews/{review.id}/decide",
                   {"outcome": "go", "version": str(review.version)})
    assert refused.status_code == 409
    assert quorum in html.unescape(refused.get_data(as_text=True))

    # The quorum reached: the form, and nothing said against it.
    for evaluator in (second, third):
        helpers.score(review, evaluator)
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert _said(page) == "" and f"/reviews/{review.id}/decide" in page
    assert decide_refusal(review) is None


def test_only_the_chair_decides_whatever_the_state():
    review = helpers.submit(make_project())
    chair, second, third = helpers.name_panel(review)
    for evaluator in (chair, second, third):
        helpers.score(review, evaluator)
    assert review.can_decide(chair) and not review.can_decide(second)
    with pytest.raises(Forbidden):
        decisions.decide(second, review, review.version, Outcome.GO)
    decision = decisions.decide(chair, review, review.version, Outcome.GO)
    _commit()
    # Decided: the chair is still who decides; when is what refuses now, with the day.
    assert review.can_decide(chair)
    with pytest.raises(Refused, match="This review was decided on"):
        decisions.decide(chair, review, review.version, Outcome.GO)
    assert decision.can_correct(chair) and not decision.can_correct(second)


def test_an_evaluator_is_offered_to_correct_only_their_own_row(client):
    review = helpers.submit(make_project())
    chair, second, third = helpers.name_panel(review)
    helpers.score(review, second)
    gates.declare(third, review, conflict=False)
    _commit()
    login(client, second)
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    # Their own scorecard and declaration: both links; the others' rows: none.
    assert page.count(f"/reviews/{review.id}/scores/correct") == 1
    assert page.count(f"/reviews/{review.id}/declaration/correct") == 1
    login(client, third)  # declared, not scored: the declaration only
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert f"/reviews/{review.id}/scores/correct" not in page
    assert page.count(f"/reviews/{review.id}/declaration/correct") == 1
