"""Every figure of the dashboard against the small network of `world.py`, counted by hand."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from tests.conftest import login
from tests.reports import world
from tests.test_query_counts import assert_steady
from tracker.funding.models import AgreementOutcome
from tracker.projects.lifecycle import Phase
from tracker.reports import dashboard
from tracker.reports.filters import for_viewer


def _figures(user, **filters):
    return dashboard.build(user, for_viewer(user, **filters), world.TODAY)


def test_hq_figures_over_the_whole_network(net):
    f = _figures(net["admin"])
    assert dict(f.funnel) == {
        Phase.DRAFT: 1, Phase.PROPOSAL_REVIEW: 1, Phase.CONTRACT_RESEARCH: 1,
        Phase.INVESTMENT_DECISION: 0, Phase.SPIN_OFF: 1, Phase.SPUN_OFF: 0, Phase.ON_HOLD: 0,
        Phase.COMPLETED: 1, Phase.TERMINATED: 0, Phase.REJECTED: 0}
    assert f.overdue.total == 2
    assert [r.title for r in f.overdue.rows] == ["M1", "M3"]  # oldest first
    assert f.reviews_overdue == 1 and [m.title for m in f.oldest_reviews] == ["M3"]
    assert (f.gates_awaiting, f.gates_past_due) == (1, 1)
    assert f.contracts == {"contracts": 3, "signed": D("1800000.00"), "contracts_year": 1,
                           "signed_year": D("1000000.00"), "received": D("1200000.00"),
                           "received_year": D("800000.00")}
    assert (f.funding.agreements, f.funding.committed, f.funding.disbursed,
            f.funding.converted) == (2, D("2500000.00"), D("1500000.00"), D("1000000.00"))
    # The co-funders (tests/reports/world.py:_co_funders): a reversed payment counts nothing.
    assert (f.funding.co_funded, f.funding.co_funders_paid) == (D("2000000.00"),
                                                                D("900000.00"))
    assert f.funding.outcomes == [
        (None, 0, D("0")), (AgreementOutcome.CONVERTED, 1, D("2000000.00")),
        (AgreementOutcome.GRANT, 1, D("500000.00")), (AgreementOutcome.REPAID, 0, D("0")),
        (AgreementOutcome.SUBSTITUTED, 0, D("0"))]
    c = f.companies
    assert (c.companies, c.registered, c.rounds, c.raised) == (2, 2, 2, D("3500000.00"))
    assert (c.with_hq_stake, c.hq_value, c.hq_cost, c.exited) == (
        1, D("4500000.00"), D("1500000.00"), 1)
    # K2's exit: HQ realised 2,000,000 on all its 125,000 shares, 100,000 of which (founding)
    # carry no recorded cost, as K1's 300,000: value and cost over different shares, so both
    # are left out of the multiple (issue 9), which is not given; it was 2.60.
    assert (c.realised, c.exited_cost, c.multiple, c.partial) == (
        D("2000000.00"), D("1000000.00"), None, 2)
    n = f.needs
    assert (n.collected, n.matched, n.contracted) == (5, 2, 1)
    # 2025's approved allocation; 2026's pool is not approved, so not funding yet.
    assert f.hq_funding == [(2025, D("1000000.00"))]
    assert (n.collected_investment, n.matched_investment, n.contracted_investment) == (
        D("6500000.00"), D("5000000.00"), D("3000000.00"))


def test_filters_by_year_type_field_and_institute(net):
    f = _figures(net["admin"], year=2025)  # P3 and P4
    assert [n for _, n in f.funnel] == [0, 0, 0, 0, 1, 0, 0, 1, 0, 0]
    assert f.overdue.total == 1 and f.contracts["signed"] == D("800000.00")
    # Needs by the date recorded in Shanghai: N2 only (N5 is 1 January 2026 there).
    assert (f.needs.collected, f.needs.matched) == (1, 1)
    f = _figures(net["admin"], year=2026)
    assert (f.needs.collected, f.needs.matched, f.needs.contracted) == (3 + 1, 1, 1)
    f = _figures(net["admin"], type="contract_research")  # P2 and P4
    assert sum(n for _, n in f.funnel) == 2 and f.contracts["signed"] == D("300000.00")
    assert f.companies.companies == 1 and f.companies.exited == 1
    f = _figures(net["admin"], field="robot")  # P1 and P2
    assert sum(n for _, n in f.funnel) == 2 and f.overdue.total == 1
    assert f.funding.agreements == 0 and f.companies.companies == 0
    f = _figures(net["admin"], institute_id=net["b"].id)
    assert sum(n for _, n in f.funnel) == 2 and f.overdue.total == 0
    assert (f.needs.collected, f.needs.matched) == (1, 0)  # N4, closed
    assert f.hq_funding == [(2025, D("400000.00"))]
    # HQ funding hangs from the institute: the year filter picks the assessment's year, the
    # field, type and source filters leave it as it is.
    assert _figures(net["admin"], year=2026).hq_funding == []
    assert _figures(net["admin"], year=2025, field="robot", type="pm_major",
                    source="government").hq_funding == [(2025, D("1000000.00"))]


def test_a_director_sees_only_their_institute_whatever_they_ask(net, client):
    director = net["director"]
    expected = {"funnel": 3, "overdue": 2, "signed": D("1500000.00"), "companies": 1,
                "needs": 2}
    for asked in (0, net["b"].id):
        f = _figures(director, institute_id=asked)
        assert {"funnel": sum(n for _, n in f.funnel), "overdue": f.overdue.total,
                "signed": f.contracts["signed"], "companies": f.companies.companies,
                "needs": f.needs.collected} == expected
        assert f.companies.exited == 0 and f.funding.committed == D("2000000.00")
        assert f.hq_funding == [(2025, D("600000.00"))]
    login(client, director)
    page = client.get(f"/dashboard?institute={net['b'].id}").get_data(as_text=True)
    assert "Institute dashboard" in page and "Institute B" not in page
    assert "CN¥1,500,000.00" in page and "CN¥1,800,000.00" not in page
    # Their institute's approved funding, leading to its assessment (not HQ's allocation page).
    assert f'/assessment/2025/institutes/{net["a"].id}' in page and "CN¥600,000.00" in page
    assert "/assessment/2025/funding" not in page


@pytest.mark.parametrize("who, to", [("admin", "/assessment/2025/funding"),
                                     ("observer", "/assessment/?year=2025")])
def test_hq_funding_leads_to_the_assessment_that_set_it(net, client, who, to):
    login(client, net[who])
    page = client.get("/dashboard").get_data(as_text=True)
    assert f'href="{to}"' in page and "CN¥1,000,000.00" in page
    assert client.get(to).status_code == 200


def test_the_page_links_each_figure_to_the_list_it_counts(net, client):
    login(client, net["admin"])
    response = client.get("/dashboard?type=pm_major&year=2026")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "<svg" in page
    assert "/projects/?year=2026&amp;type=pm_major&amp;phase=contract_research" in page
    assert "/milestones/overdue?year=2026&amp;type=pm_major" in page
    listed = client.get("/projects/?year=2026&type=pm_major&phase=contract_research")
    assert net["p"][0].code in listed.get_data(as_text=True)
    assert net["p"][1].code not in listed.get_data(as_text=True)


@pytest.mark.parametrize("who", ["pm1", "pm2"])
def test_project_managers_do_not_open_the_dashboard(net, client, who):
    login(client, net[who])
    assert client.get("/dashboard").status_code == 403


def test_the_dashboard_runs_as_many_statements_on_more_data(net, app, engine):
    grown = iter(range(1, 10))
    pages = ["/dashboard", "/dashboard?year=2025&type=pm_major&field=Rob",
             f"/dashboard?institute={net['a'].id}"]
    assert_steady(app, engine, lambda: world.build(next(grown)) and world.build(next(grown)),
                  [(net[who], page) for who in ("admin", "director", "observer")
                   for page in pages])
