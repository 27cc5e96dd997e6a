"""Company pages: the portfolio, the cap table at a chosen date, rounds with stakes before and
after, and the forms of HQ admins and the committee, with their refusals."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from tests.companies import helpers
from tests.conftest import login, post, shared_data
from tests.factories import make_institute, make_project, make_user
from tests.shared import ids_of, loaded
from tracker import db
from tracker.accounts.models import Role
from tracker.companies.models import Company, FinancingRound, ShareEntry
from tracker.dates import today
from tracker.projects.lifecycle import Phase


@pytest.fixture(scope="module")
def example_ids(app, module_connection) -> tuple:
    """The worked example of a spun-off company, in a project of an institute with a director:
    built once for the module, each test going on from it in its own savepoint."""
    with shared_data(app, module_connection):
        return ids_of(_example())


@pytest.fixture
def example(example_ids) -> tuple:
    """The project, its company and the institute's director."""
    return loaded(example_ids)


def _example():
    director = make_user()
    project = helpers.invested_project(institute=make_institute(director=director))
    agreement, company = helpers.worked_example(project)
    return project, company, director


def test_the_company_page_shows_the_cap_table_rounds_and_stakes(client, example):
    project, company, _director = example
    login(client, make_user(Role.OBSERVER))
    page = client.get(f"/companies/{company.id}").get_data(as_text=True)
    for text in ["53.67%", "15.34%", "7.67%", "7.99%", "13,041,666",
                 "CN¥120,000,000.00 ÷ 10,000,000 shares = CN¥12.00",
                 "Suzhou Venture Capital: CN¥24,000,000.00 for 2,000,000 shares",
                 "Force-controlled joint", "Collaborative robots", company.uscc]:
        assert text in page, text
    # Stakes before and after the round, and HQ's stake over time.
    assert "70.00%" in page and "20.00%" in page
    past = client.get(f"/companies/{company.id}",
                      query_string={"on": helpers.days_ago(100).isoformat()})
    past_page = past.get_data(as_text=True)
    assert "70.00%" in past_page and "13,041,666" not in past_page.split("Financing rounds")[0]
    before = client.get(f"/companies/{company.id}",
                        query_string={"on": helpers.days_ago(500).isoformat()})
    assert "No shares were issued on this date." in before.get_data(as_text=True)
    for wrong in ("2026-13-45", "9999-12-31", "yesterday"):
        answer = client.get(f"/companies/{company.id}", query_string={"on": wrong})
        assert answer.status_code == 400, wrong
        assert "give it as YYYY-MM-DD" in answer.get_data(as_text=True) or (
            "Enter a date from Jan 1, 1990 to Dec 31, 2100" in answer.get_data(as_text=True))


def test_the_portfolio_values_hqs_stake_at_the_last_round_price(app, client, example):
    project, company, director = example
    other_project = make_project(phase=Phase.SPIN_OFF)
    other = helpers.make_company(other_project, name="Other robotics Ltd")
    login(client, make_user(Role.INVESTMENT_COMMITTEE))
    page = client.get("/companies/").get_data(as_text=True)
    # 1,041,666 shares x 12.00
    assert "CN¥12,499,992.00" in page
    assert company.name in page and other.name in page

    client = app.test_client()
    login(client, director)
    page = client.get("/companies/").get_data(as_text=True)
    assert company.name in page and other.name not in page
    assert client.get(f"/companies/{other.id}").status_code == 404


@pytest.mark.parametrize("role,status", [(Role.PROJECT_MANAGER, 403), (Role.OBSERVER, 403),
                                         (Role.EVALUATOR, 403)])
def test_only_hq_admins_and_the_committee_get_the_forms(client, example, role, status):
    _project, company, _director = example
    login(client, make_user(role))
    assert client.get("/companies/new").status_code == status
    # The observer sees the company, the others do not: the forms' rule (requires) answers
    # first, 403 to each whatever the company, so that it says nothing of which exist.
    for path in ["edit", "incorporate", "shares/new", "transfers/new", "rounds/new",
                 "ip/new", "exit"]:
        assert client.get(f"/companies/{company.id}/{path}").status_code == 403, path
        assert client.get(f"/companies/987654321/{path}").status_code == 403, path


def test_the_pm_of_the_project_sees_its_company(client, example):
    project, company, _director = example
    login(client, project.pm)
    page = client.get(f"/companies/{company.id}").get_data(as_text=True)
    assert "53.67%" in page and "New financing round" not in page


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_recording_a_company_and_its_cap_table_through_the_forms(client):
    # what the module's other tests share may be there already: counted before
    before = {model: _count(model) for model in (Company, ShareEntry, FinancingRound)}
    project = make_project(phase=Phase.SPIN_OFF)
    admin = make_user(Role.HQ_ADMIN)
    login(client, admin)
    values = {"name": "Suzhou Joint Robotics Ltd", "uscc": "91320000000000001X",
              "registered_on": helpers.days_ago(20).isoformat(),
              "registered_capital": "10,000,000", "legal_representative": "Li Qiang",
              "project_ids": [str(project.id)]}
    bad = post(client, "/companies/new", values)
    assert bad.status_code == 400
    assert "check character" in bad.get_data(as_text=True)
    assert _count(Company) == before[Company]
    values["uscc"] = helpers.uscc_for(880001)
    response = post(client, "/companies/new", values)
    assert response.status_code == 302
    assert _count(Company) == before[Company] + 1
    company = db.session.scalars(select(Company).where(Company.uscc == values["uscc"])).one()

    rows = {"on_date": helpers.days_ago(20).isoformat(), "total_shares": "10000000",
            "holdings-0-name": "R&D team", "holdings-0-kind": "team",
            "holdings-0-shares": "7000000", "holdings-0-acquired_by": "ip",
            "holdings-0-technology": helpers.TECHNOLOGY,
            "holdings-0-lock_up_until": (today() + timedelta(days=700)).isoformat(),
            "holdings-1-name": "Robotics institute", "holdings-1-kind": "institute",
            "holdings-1-shares": "2000000", "holdings-1-acquired_by": "ip",
            "holdings-1-technology": helpers.TECHNOLOGY}
    bad = post(client, f"/companies/{company.id}/incorporate", rows)
    assert bad.status_code == 400
    assert "the holdings add up to 9,000,000 shares, not the 10,000,000 issued" in \
        bad.get_data(as_text=True)
    assert _count(ShareEntry) == before[ShareEntry]
    rows.update({"holdings-2-name": "Incentive pool", "holdings-2-kind": "incentive_pool",
                 "holdings-2-shares": "1000000", "holdings-2-acquired_by": "cash"})
    assert post(client, f"/companies/{company.id}/incorporate",
                dict(rows, confirmed="1")).status_code == 302

    zero = post(client, f"/companies/{company.id}/rounds/new", {
        "name": "A", "on_date": helpers.days_ago(1).isoformat(), "pre_money": "100000000",
        "amount": "0", "investors-0-name": "Fund", "investors-0-kind": "investor",
        "investors-0-amount": "0"})
    assert zero.status_code == 400
    assert "A round raises more than zero" in zero.get_data(as_text=True)
    assert _count(FinancingRound) == before[FinancingRound]
    ok = post(client, f"/companies/{company.id}/rounds/new", {
        "name": "A", "on_date": helpers.days_ago(1).isoformat(), "pre_money": "100000000",
        "amount": "20000000", "investors-0-name": "Fund", "investors-0-kind": "investor",
        "investors-0-amount": "20000000", "investors-0-lead": "y", "confirmed": "1"})
    assert ok.status_code == 302
    page = client.get(f"/companies/{company.id}").get_data(as_text=True)
    assert "16.67%" in page  # 2,000,000 of 12,000,000

    locked = post(client, f"/companies/{company.id}/transfers/new", {
        "from_holder_id": str(company.holders[0].id), "name": "Buyer", "kind": "investor",
        "shares": "10", "on_date": today().isoformat()})
    assert locked.status_code == 400
    assert "locked up" in locked.get_data(as_text=True)

    achievement = helpers.register(project)
    deal = post(client, f"/companies/{company.id}/ip/new", {
        "achievement_id": str(achievement.id), "kind": "licence", "licensee": company.name,
        "exclusive": "y", "upfront": "0",
        "royalty_pct": "2.5", "equity_shares": "", "signed_on": today().isoformat()})
    assert deal.status_code == 302
    exit_ = post(client, f"/companies/{company.id}/exit", {
        "kind": "acquisition", "on_date": today().isoformat(), "proceeds": "240000000",
        "confirmed": "1"})
    assert exit_.status_code == 302
    page = client.get(f"/companies/{company.id}").get_data(as_text=True)
    assert "Acquired" in page and "CN¥40,000,000.00" in page  # the institute's 2/12


@pytest.mark.parametrize("value, message", [
    ("nonsense", "nonsense is not a date: give it as YYYY-MM-DD."),
    ("2026-13-01", "2026-13-01 is not a date"),
    ("0001-01-01", "Enter a date from Jan 1, 1990 to Dec 31, 2100."),
])
def test_an_invalid_on_date_is_an_error_not_today(client, example, value, message):
    _project, company, _director = example
    login(client, make_user(Role.HQ_ADMIN, locale="en"))
    for path in (f"/companies/{company.id}?on={value}", f"/companies/?on={value}"):
        response = client.get(path)
        assert response.status_code == 400, path
        assert message in response.get_data(as_text=True)
    assert client.get(f"/companies/{company.id}?on=").status_code == 200  # absent: today
