"""Issue 9 point 8: a form reports all its errors at once, even when a field it could not read
reaches the service as None. The service's checks are a dry run on what the form read; a check
comparing the unreadable value used to stop it (a `TypeError`) and every cross-field rule it
had found, whose own fields were sound, waited for the next sending. What its checks found
until it stopped is now said in the same answer (`tracker.errors.found_until_stopped`), on
every form (`tracker.web.actions.submit`) and import row (`tracker.imports.services`)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import login, post
from tests.factories import install_gates, make_enterprise, make_institute, make_project, make_user
from tests.imports.helpers import run
from tests.imports.test_milestones import COLUMNS, _project
from tests.imports.test_projects import HEADER, _row, _setting
from tracker.accounts.models import Role
from tracker.dates import today
from tracker.errors import Problems, found_until_stopped
from tracker.projects.lifecycle import Phase


def _says(response, *messages: str) -> None:
    assert response.status_code == 400, response.status_code
    page = response.get_data(as_text=True)
    missing = [message for message in messages if message not in page]
    assert missing == [], missing


NEWCOMER = {"title": "高性能碳纤维复合材料", "summary": "", "field": "Materials",
            "type": "pm_major", "partner_enterprise_id": "0", "need_id": "0",
            "trl_now": "12", "trl_target": "2", "budget_total": "99999999999999999999",
            "start_date": "2027-03-01", "end_date": "2026-02-28",
            "budget_lines-0-category": "Equipment", "budget_lines-0-amount": "-5"}
RULES = ("The targeted TRL is below the current one.", "The end date is before the start date.")


def _newcomer(client) -> dict:
    install_gates()
    institute = make_institute()
    pm = make_user(Role.PROJECT_MANAGER, institute_id=institute.id)
    login(client, pm)
    return {**NEWCOMER, "institute_id": str(institute.id), "member_ids": [str(pm.id)]}


def test_the_proposal_says_its_rules_beside_a_budget_it_could_not_read(client):
    """The newcomer's sending: three problems of fields and the two rules, all at once."""
    _says(post(client, "/projects/new", _newcomer(client)),
          "At most 9.", "The amount is too large: at most CN¥999,999,999,999.99.",
          "At least CN¥0.00.",
          *RULES)


def test_a_service_stopped_by_a_value_it_could_not_read_still_says_what_it_found(
        client, monkeypatch):
    """Any service, not only the proposal's: one of its later checks stumbling on a None (as
    the proposal's budget check did) keeps what the earlier ones found."""
    from tracker.projects import services

    monkeypatch.setattr(services, "_check_funding", lambda values, problems: None < 0)
    _says(post(client, "/projects/new", _newcomer(client)), "At most 9.", *RULES)


def test_the_milestone_says_its_date_beside_a_weight_it_could_not_read(client):
    from tests.milestones.test_milestones import in_research

    install_gates()
    project = in_research()
    login(client, project.pm)
    _says(post(client, f"/projects/{project.id}/milestones/new", {
        "phase": Phase.CONTRACT_RESEARCH.value, "title": "Pilot", "deliverable": "",
        "due_date": "2099-01-01", "weight": "heavy"}),
        "The due date must fall within the project&#39;s dates", "Weight")


def test_the_contract_says_its_dates_beside_an_amount_it_could_not_read(client):
    project = make_project(phase=Phase.CONTRACT_RESEARCH)
    login(client, project.pm)
    _says(post(client, f"/projects/{project.id}/contracts/new", {
        "title": "Contract", "enterprise_id": str(make_enterprise().id), "type": "development",
        "amount": "a lot", "signed_on": (today() + timedelta(days=5)).isoformat(),
        "instalments-0-due_date": "2026-02-01", "instalments-0-amount": "700000"}),
        "Enter an amount", "is in the future.")


def test_the_agreement_says_its_dates_beside_an_amount_it_could_not_read(client):
    project = make_project(phase=Phase.INVESTMENT_DECISION)
    login(client, make_user(Role.INVESTMENT_COMMITTEE))
    _says(post(client, f"/projects/{project.id}/funding/agreement", {
        "committed": "a lot", "hq_ratio": "1", "qualifying_round_min": "30000000",
        "signed_on": today().isoformat(),
        "conversion_deadline": (today() - timedelta(days=10)).isoformat()}),
        "Enter an amount", "The conversion deadline comes after the signing date.")


@pytest.mark.parametrize("stops", [False, True])
def test_an_import_row_says_its_rules_beside_a_cell_it_could_not_read(monkeypatch, stops):
    """`stops`: the service stumbling on the None after its TRL check, as a page's may."""
    from tracker.projects import services

    if stops:
        monkeypatch.setattr(services, "_check_funding", lambda values, problems: None < 0)
    admin, _pm = _setting()
    result = run(admin, "projects", [HEADER, _row(trl_now="6", trl_target="2", budget="a lot")])
    told = {column: message for _row_number, column, message in result.errors}
    assert "below the current one" in told.get("TRL targeted", ""), result.errors
    assert "Budget total (CNY)" in told, result.errors


def test_a_milestone_row_says_its_percent_beside_a_state_it_could_not_read():
    admin, _pm = _setting()
    project = _project(admin)
    result = run(admin, "milestones", [COLUMNS, [
        project.code, "Bench", "contract_research", "2026-09-30", "飞行中", "150", ""]])
    assert [(column, message[:20]) for _row_number, column, message in result.errors] == [
        ("State", "Not one of the choic"), ("Percent complete", "Give a percentage fr")]


@pytest.mark.no_db
def test_what_was_found_before_the_service_stopped_is_kept_once_each():
    with pytest.raises(TypeError), found_until_stopped() as found:
        problems = Problems()
        problems.add("end_date", "before the start")
        inner = Problems()
        inner.add("end_date", "before the start")  # a check's, then collected: said once
        problems.add("trl_target", "below")
        None < 0  # noqa: B015 - the service stopping on a value the form could not read
    assert found == [("end_date", "before the start"), ("trl_target", "below")]
    assert Problems().found == []  # outside a dry run nothing is kept
