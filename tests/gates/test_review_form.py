"""The review page as the review opinion form (评审意见表) people print and sign: each
criterion's mean over the scorecards the viewer may read, the form's title and, once decided,
the signature lines (shown on paper only, by the print stylesheet)."""

from __future__ import annotations

import lxml.html

from tests.conftest import login, post
from tests.export.pages import tables
from tests.factories import install_gates, make_project
from tests.gates import helpers
from tests.test_forms_speak import page_problems, sent_back_problems
from tracker.gates import services as gates
from tracker.gates.models import CriterionKind


def test_means_per_criterion_as_computed_by_hand(client):
    install_gates()
    review = helpers.submit(make_project())
    chair, second, third = helpers.name_panel(review)
    helpers.score(review, chair, value=4, passed=True)
    helpers.score(review, second, value=3, passed=True)
    helpers.score(review, third, value=5, passed=False)
    login(client, chair)
    html = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    scores = next(t for t in tables(html) if t["head"] and t["head"][0][0] == "Criterion")
    assert scores["head"][0][-1] == "Mean"
    must = [c for c in review.criteria if c.kind is CriterionKind.MUST]
    should = [c for c in review.criteria if c.kind is CriterionKind.SHOULD]
    assert must and should
    rows = {row[0]: row[-1] for row in scores["body"]}
    for c in must:
        assert rows[next(k for k in rows if k.startswith(c.text_en))] == "2 of 3 met"
    for c in should:  # (4 + 3 + 5) / 3
        assert rows[next(k for k in rows if k.startswith(c.text_en))] == f"4.00 / {c.scale_max}"
    assert 'class="print-only form-title">Review opinion form' in html
    assert "signatures" not in html  # no decision yet: nothing to sign


def test_a_decided_review_prints_with_signature_lines(client):
    install_gates()
    review = helpers.submit(make_project())
    helpers.go(review)
    login(client, review.project.pm)
    html = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    assert 'class="print-only signatures"' in html
    assert "Chair of the panel (signature)" in html
    assert "Printed from the project tracker on" in html


def test_the_scorecard_names_each_criterion_to_a_screen_reader(client):
    """Each must-meet criterion's Met / Not met is a fieldset whose legend is the criterion,
    each comment box is labelled with its criterion, and a scorecard sent empty opens with an
    error summary linking to each criterion (issue #25, point 3)."""
    install_gates()
    review = helpers.submit(make_project())
    chair, _second, _third = helpers.name_panel(review)
    gates.declare(chair, review, conflict=False)
    helpers._commit()
    login(client, chair)
    page = client.get(f"/reviews/{review.id}").get_data(as_text=True)
    doc = lxml.html.fromstring(page)
    legends = [" ".join(lg.text_content().split()) for lg in doc.xpath("//fieldset/legend")]
    labels = [" ".join(lb.text_content().split()) for lb in doc.xpath("//label")]
    for c in review.criteria:
        if c.kind is CriterionKind.MUST:
            assert any(lg.startswith(c.text_en) for lg in legends), (c.text_en, legends)
        else:
            assert any(lb.startswith(c.text_en) for lb in labels), (c.text_en, labels)
        assert f"Comment on “{c.text_en}”" in labels
    assert page_problems(page) == []

    response = post(client, f"/reviews/{review.id}/scores", {})
    assert response.status_code == 400
    answer = response.get_data(as_text=True)
    assert sent_back_problems(answer, "en") == [] and page_problems(answer) == []
    summary = lxml.html.fromstring(answer).xpath('//*[@class="error-summary"]//a')
    assert len(summary) == len(review.criteria) + 1  # each criterion and the recommendation
