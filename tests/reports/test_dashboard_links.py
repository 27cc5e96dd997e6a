"""Each dashboard figure is a link to the list it counts, filtered as the dashboard is: the
linked list shows as many rows as the figure says, with the filters visible in its form."""

from __future__ import annotations

import html
import re

import pytest

from tests.conftest import login
from tests.reports import world
from tracker.reports import dashboard
from tracker.reports.filters import for_viewer


def _link(page: str, heading: str, n: int = 0) -> str:
    """The href of the `n`th link of the figure under `heading` (an h2, a table row's th or a
    list item's text)."""
    at = re.search(rf"<(h2|th|li)>{re.escape(heading)}<", page).end()
    found = re.findall(r'href="([^"]+)"', page[at:])
    assert len(found) > n, heading
    return html.unescape(found[n])


def _rows(page: str, table: int = 0) -> int:
    """The rows of the list's `table`th table, not counting the line that says it is empty."""
    body = page.split("<tbody>")[table + 1].split("</tbody>")[0]
    return len(re.findall(r"<tr>(?!<td colspan)", body))


def _follow(client, dashboard: str, heading: str, n: int = 0) -> tuple[str, str]:
    url = _link(client.get(dashboard).get_data(as_text=True), heading, n)
    response = client.get(url)
    assert response.status_code == 200, url
    return url, response.get_data(as_text=True)


def _shows_filters(page: str, url: str) -> None:
    for pair in filter(None, url.partition("?")[2].split("&")):
        name, value = pair.split("=")
        if name in ("institute", "field", "year", "type"):
            assert _shows(page, name, value), (url, name)


def _shows(page: str, name: str, value: str) -> bool:
    """The list's filter form shows `name` set to `value`."""
    return bool(re.search(rf'<input[^>]*name="{name}"[^>]*value="{re.escape(value)}"', page)
                or re.search(rf'<select name="{name}"[^>]*>.*?<option value="{re.escape(value)}"'
                             r' selected', page, re.S))


# (dashboard's filters, heading of the figure, rows the list must show: counted by hand on
# world.py)
OVERDUE = [
    ("", "Overdue milestones", 2),  # M1, M3
    ("year=2025", "Overdue milestones", 1),  # M3 (P3)
    ("year=2026&type=pm_major", "Overdue milestones", 1),  # M1 (P1)
    ("type=contract_research", "Overdue milestones", 0),
    ("", "Overdue milestone reviews", 1),  # M3
    ("year=2025&type=allocation_investment", "Overdue milestone reviews", 1),
    ("year=2026", "Overdue milestone reviews", 0),
    ("field=robot", "Overdue milestone reviews", 0),
]


@pytest.mark.parametrize("args,heading,expected", OVERDUE)
def test_milestone_figures_link_to_lists_of_as_many_rows(net, client, args, heading, expected):
    login(client, net["admin"])
    url, page = _follow(client, f"/dashboard?{args}", heading)
    assert _rows(page) == expected, url
    _shows_filters(page, url)


def test_the_project_list_shows_the_year_and_type_it_was_given(net, client):
    login(client, net["admin"])
    page = client.get("/projects/?year=2025&type=contract_research").get_data(as_text=True)
    assert _rows(page) == 1 and net["p"][3].code in page  # P4
    assert _shows(page, "year", "2025") and _shows(page, "type", "contract_research")


def test_the_review_list_exports_what_it_shows(net, client):
    login(client, net["admin"])
    lines = client.get("/milestones/overdue?late=review&export=csv").get_data(
        as_text=True).strip().splitlines()
    assert len(lines) == 2 and "M3" in lines[1]


# (dashboard's filters, contracts signed, their value, received: all time)
CONTRACTS = [
    ("", 3, "1,800,000.00", "1,200,000.00"),  # P1, P3, P4
    ("year=2025", 2, "800,000.00", None),  # P3, P4
    ("type=contract_research", 1, "300,000.00", None),  # P4
    ("field=robot&year=2026", 1, "1,000,000.00", None),  # P1
    ("institute=b", 1, "300,000.00", None),  # P4
]


@pytest.mark.parametrize("args,count,value,received", CONTRACTS)
def test_contract_figures_link_to_the_contracts_filtered_alike(net, client, args, count, value,
                                                               received):
    login(client, net["admin"])
    args = args.replace("institute=b", f"institute={net['b'].id}")
    for heading in ("Contracts signed", "Contract value signed", "Received"):
        url, page = _follow(client, f"/dashboard?{args}", heading, 1)  # all time
        assert url.startswith("/contracts/"), url
        assert _rows(page, 1) == count, url  # the contracts, beneath the roll-up
        foot = page.split("<tfoot>")[1].split("</tfoot>")[0]
        assert f"CN¥{value}" in foot and (received is None or f"CN¥{received}" in foot)
        _shows_filters(page, url)
    exported = client.get(f"{url}&table=contracts&export=csv" if "?" in url
                          else f"{url}?table=contracts&export=csv")
    assert len(exported.get_data(as_text=True).strip().splitlines()) == count + 1


# (dashboard's filters, companies = registered ones: K1 of P3, K2 of P4)
COMPANIES = [("", 2), ("type=contract_research", 1), ("field=robot", 0), ("institute=b", 1),
             ("year=2025&field=mater", 2), ("year=2026", 0)]


@pytest.mark.parametrize("args,count", COMPANIES)
def test_company_figures_link_to_the_companies_filtered_alike(net, client, args, count):
    login(client, net["admin"])
    args = args.replace("institute=b", f"institute={net['b'].id}")
    for heading in ("Companies", "Registered", "HQ stakes at the last round price"):
        url, page = _follow(client, f"/dashboard?{args}", heading)
        assert url.startswith("/companies/"), url
        assert _rows(page) == count, url
        _shows_filters(page, url)
    exported = client.get(f"{url}{'&' if '?' in url else '?'}export=csv")
    assert len(exported.get_data(as_text=True).strip().splitlines()) == count + 2  # + total


# (dashboard's filters, needs collected, matched (or contracted since), contracted)
NEEDS = [("", 5, 2, 1), ("year=2025", 1, 1, 0), ("year=2026", 4, 1, 1),
         ("institute=b", 1, 0, 0)]


@pytest.mark.parametrize("args,collected,matched,contracted", NEEDS)
def test_need_figures_link_to_the_needs_filtered_alike(net, client, args, collected, matched,
                                                       contracted):
    login(client, net["admin"])
    args = args.replace("institute=b", f"institute={net['b'].id}")
    for heading, count in (("Collected", collected), ("Matched", matched),
                           ("Contracted", contracted)):
        url, page = _follow(client, f"/dashboard?{args}", heading)
        assert url.startswith("/needs/") and _rows(page) == count, url
        _shows_filters(page, url)


def test_projects_by_source_count_the_approved_portfolio_and_link_to_as_many(net, client):
    """Issue 9: the portfolio is the approved projects. P2 (an enterprise's, in proposal
    review) and P5 (own funds, a draft) are not part of it: the figure counts P4 alone among
    the enterprises' and P3 among own funds; the list it links to shows as many, says so, and
    the funnel still shows every phase."""
    from tracker.projects.funding import FundingSource

    f = dashboard.build(net["admin"], for_viewer(net["admin"]), world.TODAY)
    sources = {source: (count, budget) for source, count, budget in f.sources}
    assert sources[FundingSource.ENTERPRISE][0] == 1 and sources[FundingSource.OWN][0] == 1
    assert sources[FundingSource.GOVERNMENT][0] == 1
    assert sum(count for count, _budget in sources.values()) == 3  # P1, P3, P4
    login(client, net["admin"])
    page = client.get("/dashboard").get_data(as_text=True)
    assert "The portfolio: approved projects only" in page
    assert "/projects/?source=enterprise&amp;approved=1" in page
    listed = client.get("/projects/?source=enterprise&approved=1").get_data(as_text=True)
    assert _rows(listed) == 1 and net["p"][3].code in listed and net["p"][1].code not in listed
    assert "Approved projects only" in listed
    assert _rows(client.get("/projects/?source=enterprise").get_data(as_text=True)) == 2
