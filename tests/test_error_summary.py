"""The error summary that opens a form sent back (macros/forms.html: error_summary,
Form.error_links): every error the page shows is in it, with a link to where it is, in the
order of the page. Errors of a list of rows (budget lines, conditions), of each row, and those
a service finds with the whole list (lines above the total, a conditional GO without its
condition) alike; the walk of every form is tests/test_forms_speak.py."""

from __future__ import annotations

from datetime import timedelta

import lxml.html
import pytest

from tests.conftest import login, post
from tests.factories import install_gates, make_institute, make_project, make_user
from tests.gates import helpers
from tests.test_forms_speak import sent_back_problems
from tracker import db
from tracker.accounts.models import Role
from tracker.dates import today
from tracker.gates.models import Outcome
from tracker.projects import lifecycle


def summary(page: str) -> list[tuple[str, str]]:
    """(link target, text) of each entry of the page's error summary."""
    return [(li.xpath("string(.//a/@href)").lstrip("#"), " ".join(li.text_content().split()))
            for li in lxml.html.fromstring(page).xpath('//*[@class="error-summary"]//li')]


def _proposal(pm, institute, **changes) -> dict:
    data = {"title": "高性能碳纤维复合材料", "summary": "", "field": "Materials",
            "type": "pm_major", "institute_id": str(institute.id), "partner_enterprise_id": "0",
            "need_id": "0", "trl_now": "3", "trl_target": "6", "budget_total": "1,000,000",
            "start_date": "2027-03-01", "end_date": "2028-02-28"}
    data.update(changes)
    return data


def _pm():
    install_gates()
    institute = make_institute()
    return make_user(Role.PROJECT_MANAGER, institute_id=institute.id), institute


# A row is said by the category it names ("设备费：金额（元）…", not "第 2 行：金额…", found by a
# newcomer), by its number when it names none.
@pytest.mark.parametrize("locale,unnamed,too_large", [
    ("en", "Row 1: Budget line: Name this budget line.", "Equipment: Amount (CNY): "),
    ("zh_CN", "第 1 行：预算科目：请填写预算科目名称。", "Equipment：金额")])
def test_budget_line_rows_are_in_the_summary_in_both_languages(client, locale, unnamed,
                                                               too_large):
    pm, institute = _pm()
    pm.locale = locale
    db.session.commit()
    login(client, pm)
    response = post(client, "/projects/new", _proposal(
        pm, institute, **{"budget_lines-0-category": "", "budget_lines-0-amount": "100",
                          "budget_lines-1-category": "Equipment",
                          "budget_lines-1-amount": "9999999999999999"}))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    entries = summary(page)
    assert [t for t, _text in entries] == ["budget_lines-0-category",
                                           "budget_lines-1-amount"], entries
    assert unnamed in entries[0][1] and entries[1][1].startswith(too_large), entries
    assert sent_back_problems(page, locale) == []


def test_lines_above_the_total_are_in_the_summary_linked_to_the_lines(client):
    pm, institute = _pm()
    login(client, pm)
    response = post(client, "/projects/new", _proposal(
        pm, institute, budget_total="1,000", **{"budget_lines-0-category": "Equipment",
                                                "budget_lines-0-amount": "2,000"}))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    entries = summary(page)
    assert len(entries) == 1 and entries[0][0] == "budget_lines-0-category", entries
    assert "The budget lines add up to" in entries[0][1]
    assert sent_back_problems(page, "en") == []


def test_the_proposal_summary_follows_the_page_dates_before_the_budget(client):
    pm, institute = _pm()
    login(client, pm)
    response = post(client, "/projects/new", _proposal(pm, institute, title="", budget_total="",
                                                       start_date="", end_date=""))
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert [t for t, _text in summary(page)] == ["title", "start_date", "end_date",
                                                 "budget_total"]
    assert sent_back_problems(page, "en") == []


def _quorum_scored(client):
    install_gates()
    review = helpers.submit(make_project())
    evaluators = helpers.name_panel(review)
    for evaluator in evaluators:
        helpers.score(review, evaluator)
    login(client, evaluators[0])
    return review, evaluators


def test_a_conditional_go_without_its_condition_opens_with_a_summary(client):
    review, _evaluators = _quorum_scored(client)
    response = post(client, f"/reviews/{review.id}/decide", {
        "outcome": Outcome.CONDITIONAL_GO.value, "version": str(review.version),
        "target_phase": lifecycle.go_targets(review.phase)[0].value})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert summary(page) == [("conditions-0-text",
                              "A conditional GO needs at least one condition.")]
    assert sent_back_problems(page, "en") == []


def test_a_condition_due_in_the_past_is_in_the_summary(client):
    review, evaluators = _quorum_scored(client)
    response = post(client, f"/reviews/{review.id}/decide", {
        "outcome": Outcome.CONDITIONAL_GO.value, "version": str(review.version),
        "target_phase": lifecycle.go_targets(review.phase)[0].value,
        "conditions-0-text": "Sign the pilot agreement",
        "conditions-0-owner_id": str(review.project.pm_id),
        "conditions-0-due_date": (today() - timedelta(days=3)).isoformat()})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert summary(page) == [("conditions-0-due_date",
                              "Row 1: Due date: This condition needs a due date from today on.")]
    assert sent_back_problems(page, "en") == []


def test_a_date_left_empty_is_said_to_be_required_not_to_be_in_the_past(client):
    """An empty due date or revisit date was said to be "from today on" / "in the future", as
    if one had been given (found by a newcomer's walk)."""
    review, _evaluators = _quorum_scored(client)
    response = post(client, f"/reviews/{review.id}/decide", {
        "outcome": Outcome.CONDITIONAL_GO.value, "version": str(review.version),
        "target_phase": lifecycle.go_targets(review.phase)[0].value,
        "conditions-0-text": "Sign the pilot agreement",
        "conditions-0-owner_id": str(review.project.pm_id), "conditions-0-due_date": ""})
    assert summary(response.get_data(as_text=True)) == [
        ("conditions-0-due_date",
         "Row 1: Due date: This condition needs a due date (required).")]
    response = post(client, f"/reviews/{review.id}/decide", {
        "outcome": Outcome.HOLD.value, "version": str(review.version), "revisit_date": ""})
    assert ("revisit_date", "Revisit date (HOLD): A HOLD needs its revisit date (required).") \
        in summary(response.get_data(as_text=True))


def test_each_condition_error_links_to_its_own_row(client):
    """Several conditions, each with its own problem: every one is in the summary, linked to
    the field of its row (not the first row), numbered as the rows are, and shown in that
    row's cell."""
    review, _evaluators = _quorum_scored(client)
    past = (today() - timedelta(days=3)).isoformat()
    response = post(client, f"/reviews/{review.id}/decide", {
        "outcome": Outcome.CONDITIONAL_GO.value, "version": str(review.version),
        "target_phase": lifecycle.go_targets(review.phase)[0].value,
        "conditions-0-text": "Sign the pilot agreement", "conditions-0-owner_id": "0",
        "conditions-0-due_date": (today() + timedelta(days=30)).isoformat(),
        # An empty row between them, sent as a browser sends it.
        "conditions-1-text": "", "conditions-1-owner_id": "0", "conditions-1-due_date": "",
        "conditions-2-text": "Hire the test engineer",
        "conditions-2-owner_id": str(review.project.pm_id), "conditions-2-due_date": past,
        "conditions-3-text": "Open the pilot line", "conditions-3-owner_id": "0",
        "conditions-3-due_date": past})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert summary(page) == [
        ("conditions-0-owner_id", "Row 1: Owner: This condition needs a text and an owner."),
        ("conditions-2-due_date",
         "Row 3: Due date: This condition needs a due date from today on."),
        ("conditions-3-owner_id", "Row 4: Owner: This condition needs a text and an owner."),
        ("conditions-3-due_date",
         "Row 4: Due date: This condition needs a due date from today on.")]
    cells = lxml.html.fromstring(page)
    assert cells.xpath('string(//*[@id="conditions-2-due_date-error"])').strip() == (
        "This condition needs a due date from today on.")
    assert sent_back_problems(page, "en") == []


@pytest.mark.parametrize(("locale", "entry", "cell"), [
    ("en", "Row 3: Due date: This condition needs a due date from today on.",
     "This condition needs a due date from today on."),
    ("zh_CN", "第 3 行：截止日期：该项附加条件的截止日期不能早于今天。",
     "该项附加条件的截止日期不能早于今天。")])
def test_a_condition_row_is_numbered_once(client, locale, entry, cell):
    """The summary says the row; the message beside the cell says "this condition", not its
    number again ("Row 3: Due date: Condition 3 needs ..." before), in either language."""
    review, evaluators = _quorum_scored(client)
    evaluators[0].locale = locale
    db.session.commit()
    response = post(client, f"/reviews/{review.id}/decide", {
        "outcome": Outcome.CONDITIONAL_GO.value, "version": str(review.version),
        "target_phase": lifecycle.go_targets(review.phase)[0].value,
        # Two empty rows before it, sent as a browser sends them.
        **{f"conditions-{i}-{k}": "0" if k == "owner_id" else "" for i in (0, 1)
           for k in ("text", "owner_id", "due_date")},
        "conditions-2-text": "Hire the test engineer",
        "conditions-2-owner_id": str(review.project.pm_id),
        "conditions-2-due_date": (today() - timedelta(days=3)).isoformat()})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert summary(page) == [("conditions-2-due_date", entry)]
    cells = lxml.html.fromstring(page)
    assert cells.xpath('string(//*[@id="conditions-2-due_date-error"])').strip() == cell
    assert sent_back_problems(page, locale) == []


def test_the_scorecard_summary_lists_the_recommendation_last(client):
    install_gates()
    review = helpers.submit(make_project())
    chair, _second, _third = helpers.name_panel(review)
    from tracker.gates import services as gates

    gates.declare(chair, review, conflict=False)
    helpers._commit()
    login(client, chair)
    response = post(client, f"/reviews/{review.id}/scores", {})
    assert response.status_code == 400
    targets = [t for t, _text in summary(response.get_data(as_text=True))]
    assert targets == [f"c{c.id}-0" if c.kind.value == "must" else f"c{c.id}"
                       for c in review.criteria] + ["recommendation"]
