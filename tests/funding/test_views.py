"""The funding page and the committee's forms: who sees what (403/404), what the page shows,
and refusals shown beside the field (400) or as a refused change (409).

The projects are built once for the module (`built_ids`): one with no agreement yet, one with
the worked example converted, both of an institute whose director is `director`; each test goes
on from them in its own savepoint (what it records is rolled back after it)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.companies import helpers
from tests.conftest import login, post, shared_data
from tests.factories import _commit, install_gates, make_institute, make_user
from tests.funding.test_conversion import funded
from tests.shared import ids_of, loaded
from tracker import db
from tracker.accounts.models import Role
from tracker.dates import today
from tracker.display.formatting import day
from tracker.funding import services as funding
from tracker.funding.models import AgreementOutcome, Disbursement, FundingAgreement
from tracker.milestones.models import MilestoneState


@pytest.fixture(scope="module")
def built_ids(app, module_connection) -> dict:
    """An institute's director; a project invested in of that institute with no agreement
    (`project`), and one with the worked example converted (`converted`, its agreement and the
    committee's member who recorded it): each test loads them (`built`)."""
    with shared_data(app, module_connection):
        director = make_user()
        institute = make_institute(director=director)
        recorder = make_user(Role.INVESTMENT_COMMITTEE)
        converted = helpers.invested_project(institute=institute)
        agreement, _company = helpers.worked_example(converted, recorder)
        return ids_of({"director": director, "recorder": recorder, "converted": converted,
                       "agreement": agreement,
                       "project": helpers.invested_project(institute=institute)})


@pytest.fixture
def built(built_ids) -> dict:
    return loaded(built_ids)


@pytest.fixture
def director(built):
    return built["director"]


@pytest.fixture
def project(built):
    """Invested in, no agreement yet."""
    return built["project"]


@pytest.fixture
def converted(built):
    """The worked example's project, its agreement converted."""
    return built["converted"]


@pytest.mark.parametrize("who,status", [
    ("committee", 200), ("admin", 200), ("observer", 200), ("pm", 200), ("director", 200),
    ("other_pm", 404), ("evaluator", 404), ("other_director", 404),
])
def test_who_sees_the_funding_page(client, converted, director, who, status):
    project = converted
    users = {
        "committee": lambda: make_user(Role.INVESTMENT_COMMITTEE),
        "admin": lambda: make_user(Role.HQ_ADMIN),
        "observer": lambda: make_user(Role.OBSERVER),
        "pm": lambda: project.pm,
        "director": lambda: director,
        "other_pm": lambda: make_user(Role.PROJECT_MANAGER),
        "evaluator": lambda: make_user(Role.EVALUATOR),
        "other_director": lambda: make_institute(director=make_user()).director,
    }
    login(client, users[who]())
    response = client.get(f"/projects/{project.id}/funding")
    assert response.status_code == status
    if status == 200:
        page = response.get_data(as_text=True)
        assert "CN¥10,000,000.00" in page
        # the conversion with its computation
        assert "CN¥12.00 × (1 − 20.00%) = CN¥9.60" in page
        assert "CN¥10,000,000.00 ÷ CN¥9.60, rounded down = 1,041,666" in page
    company_page = client.get(f"/companies/{project_company(project).id}")
    assert company_page.status_code == status


def project_company(project):
    from tracker.companies.services import company_of

    return company_of(project)


def test_the_project_page_links_to_the_funding_page(client, project):
    install_gates()
    login(client, project.pm)
    page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert f"/projects/{project.id}/funding" in page


# A PM of another project does not see this one: the forms' rule answers first all the same.
@pytest.mark.parametrize("role,status", [(Role.HQ_ADMIN, 403), (Role.OBSERVER, 403),
                                         (Role.PROJECT_MANAGER, 403)])
def test_only_the_committee_gets_the_forms(client, built, role, status):
    project, agreement = built["converted"], built["agreement"]
    login(client, make_user(role))
    assert client.get(f"/projects/{project.id}/funding/agreement").status_code == status
    assert client.get(f"/funding/{agreement.id}/outcome").status_code == status
    assert post(client, f"/funding/{agreement.id}/tranches/new",
                {"amount": "1", "condition": "gate", "gate": "2"}).status_code == status


def test_the_pm_sees_the_page_but_not_the_forms(client, project):
    login(client, project.pm)
    page = client.get(f"/projects/{project.id}/funding").get_data(as_text=True)
    assert "No allocation-investment agreement" in page
    assert "Record the agreement" not in page
    assert client.get(f"/projects/{project.id}/funding/agreement").status_code == 403


def test_the_committee_records_the_agreement_and_a_tranche_through_the_forms(client, project):
    committee = make_user(Role.INVESTMENT_COMMITTEE)
    login(client, committee)
    response = post(client, f"/projects/{project.id}/funding/agreement", {
        "committed": "6,000,000", "hq_ratio": "1", "co_funders-0-name": "Suzhou city",
        "co_funders-0-ratio": "1", "co_funders-1-name": "Wuzhong district",
        "co_funders-1-ratio": "1", "discount_pct": "", "qualifying_round_min": "30000000",
        "signed_on": helpers.days_ago(5).isoformat(),
        "conversion_deadline": (today() + timedelta(days=700)).isoformat()})
    assert response.status_code == 302, response.get_data(as_text=True)
    agreement = db.session.scalars(select(FundingAgreement).where(
        FundingAgreement.project_id == project.id)).one()
    assert agreement.discount_pct == Decimal("0")  # the setting's default
    assert [c.name for c in agreement.co_funders] == ["Suzhou city", "Wuzhong district"]

    milestone = helpers.make_milestone(project, MilestoneState.IN_PROGRESS)
    response = post(client, f"/funding/{agreement.id}/tranches/new", {
        "amount": "2000000", "condition": "milestone", "milestone_id": str(milestone.id),
        "gate": "0"})
    assert response.status_code == 302
    page = client.get(f"/projects/{project.id}/funding").get_data(as_text=True)
    assert "Suzhou city" in page and "CN¥6,000,000.00" in page
    # The ratio reads as one (1 : 1 : 1) and each funder's part as its share in per cent.
    assert "Matched in the ratio 1 : 1 : 1 (HQ first)." in page
    assert page.count("33.33%") == 2 and page.count("33.34%") == 1
    assert "Not payable" in page and "is released when milestone" in page

    tranche = agreement.tranches[0]
    refused = post(client, f"/funding/tranches/{tranche.id}/disburse",
                   {"amount": "100", "paid_on": today().isoformat()})
    assert refused.status_code == 409
    assert "is released when milestone" in refused.get_data(as_text=True)

    milestone.state = MilestoneState.ACCEPTED
    db.session.commit()
    too_much = post(client, f"/funding/tranches/{tranche.id}/disburse",
                    {"amount": "2500000", "paid_on": today().isoformat()})
    assert too_much.status_code == 400
    assert "would exceed it by CN¥500,000.00" in too_much.get_data(as_text=True)
    assert db.session.scalars(select(Disbursement).where(
        Disbursement.tranche_id == tranche.id)).all() == []
    paid = post(client, f"/funding/tranches/{tranche.id}/disburse",
                {"amount": "2000000", "paid_on": today().isoformat(), "reference": "HQ-0042",
                 "confirmed": "1"})
    assert paid.status_code == 302
    page = client.get(f"/projects/{project.id}/funding").get_data(as_text=True)
    assert "HQ-0042" in page
    # A tranche paid in full says so, not "Not payable".
    assert '<span class="tag ok">Paid</span>' in page and "Not payable" not in page
    # The project's budget is CN¥3,000,000.00: the commitment of CN¥6,000,000.00 is flagged.
    assert "CN¥3,000,000.00 above the project's budget of CN¥3,000,000.00" in page


def test_a_commitment_within_the_budget_is_not_flagged(client, project):
    login(client, make_user(Role.INVESTMENT_COMMITTEE))
    form = client.get(f"/projects/{project.id}/funding/agreement").get_data(as_text=True)
    assert "The project's approved budget is CN¥3,000,000.00" in form
    response = post(client, f"/projects/{project.id}/funding/agreement", {
        "committed": "3,000,000", "hq_ratio": "1", "discount_pct": "",
        "qualifying_round_min": "30000000", "signed_on": helpers.days_ago(5).isoformat(),
        "conversion_deadline": (today() + timedelta(days=700)).isoformat()})
    assert response.status_code == 302, response.get_data(as_text=True)
    page = client.get(f"/projects/{project.id}/funding").get_data(as_text=True)
    assert "above the project's budget" not in page


def test_conversion_and_outcome_forms(client, built):
    project, agreement = built["converted"], built["agreement"]
    login(client, built["recorder"])
    # Converted: the outcome form refuses (409), the convert page still explains, with no
    # form; sent anyway, it is refused by the agreement's state, saying when it converted.
    assert post(client, f"/funding/{agreement.id}/outcome", {
        "outcome": "grant", "outcome_on": today().isoformat()}).status_code == 409
    page = client.get(f"/funding/{agreement.id}/convert").get_data(as_text=True)
    assert "1,041,666" in page and "converted already, on" in page
    assert 'name="round_id"' not in page
    again = post(client, f"/funding/{agreement.id}/convert", {
        "round_id": agreement.conversion.round_id, "confirmed": "1"})
    assert again.status_code == 409
    said = again.get_data(as_text=True)
    assert f"converted already, on {day(agreement.outcome_on)}" in said
    assert f'href="/projects/{project.id}/funding"' in said
    listing = client.get("/funding/").get_data(as_text=True)
    assert project.code in listing and "Converted to equity" in listing


def test_a_refusal_keeps_the_form_as_it_was_filled(client, project):
    """A second agreement is refused with the reason above the form, the input kept."""
    login(client, make_user(Role.INVESTMENT_COMMITTEE))
    data = {"committed": "6,000,000", "hq_ratio": "1", "discount_pct": "",
            "qualifying_round_min": "30000000", "signed_on": helpers.days_ago(5).isoformat(),
            "conversion_deadline": (today() + timedelta(days=700)).isoformat()}
    assert post(client, f"/projects/{project.id}/funding/agreement", data).status_code == 302
    again = post(client, f"/projects/{project.id}/funding/agreement",
                 {**data, "qualifying_round_min": "31,234,567"})
    page = again.get_data(as_text=True)
    assert again.status_code == 409
    assert "already has an allocation-investment agreement" in page
    assert 'value="31,234,567"' in page


def test_the_outcome_form_is_drawn_only_once_an_outcome_may_be_recorded(client, built):
    """Issue 9 point 6: the outcome's page drew its form before the conversion deadline and
    for a converted agreement, and its POST was refused (409). Now the page says why before
    any form (409, linking back to the funding page), and draws the form once the deadline has
    passed with the agreement open."""
    committee = make_user(Role.INVESTMENT_COMMITTEE)
    running, _company = funded(committee, deadline=today() + timedelta(days=30))
    past, _other = funded(committee, deadline=today() - timedelta(days=10))
    converted = built["agreement"]
    login(client, committee)
    for agreement, said in ((running, "the outcome is recorded once it has passed"),
                            (converted, "The agreement closed on")):
        answer = client.get(f"/funding/{agreement.id}/outcome")
        page = answer.get_data(as_text=True)
        assert answer.status_code == 409 and said in page
        assert 'name="outcome"' not in page
        assert f'href="/projects/{agreement.project_id}/funding"' in page
    answer = client.get(f"/funding/{past.id}/outcome")
    assert answer.status_code == 200 and 'name="outcome"' in answer.get_data(as_text=True)


def test_a_closed_agreement_s_outcome_page_says_where_its_outcome_is_corrected(client,
                                                                               built):
    """The outcome page of a closed agreement said 'Nothing more can be paid or decided on
    it', when the funding page it links back to corrects or withdraws a deadline's outcome and
    reverses a conversion: each refusal now names that way, and it is there to follow."""
    committee = make_user(Role.INVESTMENT_COMMITTEE)
    granted, _company = funded(committee, deadline=today() - timedelta(days=10))
    funding.record_outcome(committee, granted, outcome=AgreementOutcome.GRANT, on=today())
    converted = built["agreement"]
    _commit()
    login(client, committee)
    for agreement, said, way in (
            (granted, "An outcome recorded by mistake is corrected or withdrawn on the funding "
                      "page.", "Correct the outcome"),
            (converted, "A conversion recorded by mistake is reversed on the funding page.",
             "Reverse the conversion")):
        answer = client.get(f"/funding/{agreement.id}/outcome")
        page = answer.get_data(as_text=True)
        assert answer.status_code == 409 and said in page and "Nothing more" not in page
        assert way in client.get(f"/projects/{agreement.project_id}/funding").get_data(
            as_text=True)
