"""Every figure of the dashboard, followed to the list it links to, is what that list counts:
a count is the list's number of rows (or a count in its total row, for the figures a list
totals: rounds, contracts of a roll-up), an amount is a cell of the list's total row. Read off
the page, not from a catalogue of figures, so that a figure added to the dashboard is checked
the day it is drawn; on the hand-counted network of tests/reports/world.py, as HQ and as a
director, under each of the dashboard's filters. The lists must also show the filters they were
given (the same rows, not only the same number)."""

from __future__ import annotations

import html
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest

from tests.conftest import login
from tests.reports import world
from tests.reports.test_dashboard_links import _rows, _shows_filters
from tests.test_query_counts import assert_steady

# Where a link holds no figure: headings (of a page, a table, a row: HQ funding's year), the
# filter form, the lists of the ten oldest (each item links to its record), the bar labels.
NOT_FIGURES = {"h1", "h2", "form", "ol", "nav", "thead", "th"}


class _Figures(HTMLParser):
    """(href, text) of each link of the page's main part whose text holds a figure."""

    def __init__(self) -> None:
        super().__init__()
        self.skip = 0  # depth inside NOT_FIGURES
        self.href: str | None = None
        self.text: list[str] = []
        self.label = False  # inside a bar's label (its value is apart)
        self.found: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in NOT_FIGURES:
            self.skip += 1
        elif tag == "a" and not self.skip:
            self.href, self.text = html.unescape(attrs["href"]), []
        elif tag == "text" and "bar-label" in (attrs.get("class") or ""):
            self.label = True

    def handle_endtag(self, tag):
        if tag in NOT_FIGURES:
            self.skip -= 1
        elif tag == "text":
            self.label = False
        elif tag == "a" and self.href is not None:
            text = " ".join("".join(self.text).split())
            if re.search(r"\d|—", text):
                self.found.append((self.href, text))
            self.href = None

    def handle_data(self, data):
        if self.href is not None and not self.label:
            self.text.append(data)


def figures(page: str) -> list[tuple[str, str]]:
    parser = _Figures()
    parser.feed(page.split("<main", 1)[1].split("</main>")[0])
    return parser.found


def _foot_cells(page: str) -> list[str]:
    """The texts of every cell of the page's total rows."""
    feet = re.findall(r"<tfoot>(.*?)</tfoot>", page, re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", "", cell)).split())
            for foot in feet for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", foot, re.S)]


def _column_sums(page: str) -> set[str]:
    """The amounts of each column of the first table added up over its rows, for a list with
    no total row (the project list: counting every matching project is what it avoids, so its
    page shows a budget per project and the figure is their sum)."""
    body = page.split("<tbody>")[1].split("</tbody>")[0] if "<tbody>" in page else ""
    sums: dict[int, Decimal] = {}
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        for i, cell in enumerate(re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)):
            if amount := re.fullmatch(r"CN¥([\d,]+\.\d\d)", re.sub(r"<[^>]+>", "", cell).strip()):
                sums[i] = sums.get(i, Decimal(0)) + Decimal(amount.group(1).replace(",", ""))
    return {f"CN¥{amount:.2f}" for amount in sums.values()}


def _counted(page: str) -> set[str]:
    """What a list counts: its rows (of its first table, of all its tables: the gates awaiting
    list has two), the counts and amounts of its total rows, or its amounts added up."""
    tables = page.count("<tbody>")
    rows = [_rows(page, t) for t in range(tables)]
    empty = {"CN¥0.00"} if not rows or not rows[0] else set()
    return {str(rows[0]) if rows else "0", str(sum(rows)), *_column_sums(page), *empty,
            *(cell.removesuffix("×") for cell in _foot_cells(page))}


def _disagreement(text: str, href: str, page: str) -> str | None:
    """What is wrong when the figure `text`, linking to `href`, is not what `page` counts."""
    figure = text.replace(",", "").removesuffix("×")
    if re.fullmatch(r"\d+ \D+", figure):  # "2 agreements", "1 past their due date"
        figure = figure.split()[0]
    counted = {c.replace(",", "") for c in _counted(page)}
    if href.startswith("/assessment/"):
        # HQ's funding leads to the assessment that set it: the amount is on that page.
        counted |= {c.replace(",", "") for c in re.findall(r"CN¥[\d,]+\.\d\d", page)}
    return None if figure in counted else f"{text} -> {href}: the list counts {sorted(counted)}"


def _check(client, dashboard: str) -> list[str]:
    return _followed(client, figures(client.get(dashboard).get_data(as_text=True)), {})


def _followed(client, found: list[tuple[str, str]], read: dict[str, tuple[int, str]]) -> list[str]:
    """What is wrong with the figures `found`, each followed to its list. `read` keeps each
    list's answer by its address, for the next figure that links to it as the same person on
    the same data (the dashboard's filters lead many figures to the same list)."""
    wrong = []
    for href, text in dict.fromkeys(found):
        if href not in read:
            response = client.get(href)
            read[href] = (response.status_code, response.get_data(as_text=True))
        status, page = read[href]
        if status != 200:
            wrong.append(f"{text} -> {href}: {status}")
            continue
        if said := _disagreement(text, href, page):
            wrong.append(said)
        _shows_filters(page, href)
    return wrong


@pytest.fixture(scope="module")
def lists_read() -> dict[str, dict[str, tuple[int, str]]]:
    """Each list a figure led to, as each person read it: every case reads the same network
    (each test rolls back), so a list asked again answers the same."""
    return {}


# (who, the dashboard's filters): every filter the dashboard has, alone and together, on the
# network whose figures tests/reports/test_dashboard.py counts by hand.
CASES = [("admin", ""), ("admin", "year=2025"), ("admin", "year=2026&type=pm_major"),
         ("admin", "institute=b"), ("admin", "type=contract_research"),
         ("admin", "source=enterprise"), ("admin", "field=robot"),
         ("director", ""), ("director", "year=2025&type=allocation_investment"),
         ("director", "institute=b")]


@pytest.mark.parametrize("who,args", CASES)
def test_every_dashboard_figure_is_what_its_list_counts(net, client, lists_read, who, args):
    login(client, net[who])
    args = args.replace("institute=b", f"institute={net['b'].id}")
    found = figures(client.get(f"/dashboard?{args}").get_data(as_text=True))
    assert len(found) > 60  # every block's figures, not an empty page
    wrong = _followed(client, found, lists_read.setdefault(who, {}))
    assert wrong == [], "\n".join(wrong)


def test_the_deal_figures_are_counted_by_hand(app, net, client):
    """tests/reports/world.py: X1 of P1 (A) licensed on 2026-02-01 (upfront 100,000, received
    on 2026-03-01 less 10,000 of costs, 50 % to the contributors: 45,000) and on 2026-06-01
    (nothing upfront); X2 of P4 (B) licensed on 2025-10-01 (50,000, received on 2025-11-01,
    60 %: 30,000)."""
    login(client, net["admin"])
    page = client.get("/dashboard").get_data(as_text=True)
    deals = page.split('id="deals"')[1].split("</table>")[0]
    cells = re.findall(r'<td class="num"><a href="([^"]+)">([^<]+)</a></td>', deals)
    assert [text for _href, text in cells] == [
        "2", "3", "CN¥100,000.00", "CN¥150,000.00", "CN¥100,000.00", "CN¥150,000.00",
        "CN¥45,000.00", "CN¥75,000.00"]
    assert html.unescape(cells[0][0]) == "/transfers/?signed=2026"
    assert html.unescape(cells[4][0]) == "/transfers/?received=2026"
    client = app.test_client()
    login(client, net["director"])  # institute A's only
    page = client.get("/dashboard").get_data(as_text=True)
    deals = page.split('id="deals"')[1].split("</table>")[0]
    assert [text for _href, text in re.findall(
        r'<td class="num"><a href="([^"]+)">([^<]+)</a></td>', deals)] == [
        "2", "2", "CN¥100,000.00", "CN¥100,000.00", "CN¥100,000.00", "CN¥100,000.00",
        "CN¥45,000.00", "CN¥45,000.00"]


def test_a_figure_the_list_does_not_count_is_found(net, client):
    """The check fails when a figure and its list disagree: institute B signed no deal in
    2026, and the list of every deal (a list that lost its filters) has three."""
    login(client, net["admin"])
    page = client.get(f"/dashboard?institute={net['b'].id}").get_data(as_text=True)
    href, text = next((h, t) for h, t in figures(page) if "/transfers/?signed=2026" in h)
    listed = client.get(href).get_data(as_text=True)
    assert text == "0" and _disagreement(text, href, listed) is None
    everything = client.get("/transfers/").get_data(as_text=True)
    assert _disagreement(text, href, everything) is not None


# The annual report's figures that count deals, by hand (tests/reports/world.py): achievements
# transferred or licensed (each once a year) with the upfront payments, the income received and
# the contributors' part: 2025 X2 of B (50,000; 50,000; 30,000), 2026 X1 of A (twice: one
# achievement; 100,000; 100,000 less 10,000 of costs, half of it 45,000).
ANNUAL_DEALS = {"Achievements transferred or licensed": (["1", "CN¥50,000.00"],
                                                         ["1", "CN¥100,000.00"]),
                "Transfer and licence income received": (["CN¥50,000.00"], ["CN¥100,000.00"]),
                "Transfer and licence income to contributors": (["CN¥30,000.00"],
                                                                 ["CN¥45,000.00"])}


def _annual_links(page: str, label: str) -> list[tuple[str, str]]:
    """(href, text) of each figure of the first row named `label`: 2025's, then 2026's."""
    row = page.split(f"<td>{label}</td>", 1)[1].split("</tr>", 1)[0]
    return [(html.unescape(h), t) for h, t in re.findall(r'<a href="([^"]+)">([^<]+)</a>', row)]


@pytest.mark.parametrize("who", ["admin", "director"])
def test_the_annual_reports_deal_figures_are_what_their_list_counts(app, net, who):
    client = app.test_client()
    login(client, net[who])
    page = client.get("/reports/annual?year=2026").get_data(as_text=True)
    for label, (before, now) in ANNUAL_DEALS.items():
        if who == "director":  # institute A's only: X1's 2026
            before = ["0", "CN¥0.00"][-len(before):]
        links = _annual_links(page, label)
        assert [text for _href, text in links] == before + now, label
        for href, text in links:
            assert "approved=1" in href and ("signed=" in href or "received=" in href), href
            feet = _foot_cells(client.get(href).get_data(as_text=True))
            counts = {cell.split()[0] for cell in feet if re.fullmatch(r"\d+ achievements?", cell)}
            assert text in set(feet) | counts, (label, href, feet)


def test_an_institutes_annual_deal_figures_link_to_its_deals(app, net, client):
    login(client, net["admin"])
    page = client.get(f"/reports/annual?year=2026&institute={net['b'].id}").get_data(
        as_text=True)
    by_institute = page.split("B Institute B")[-1] if "B Institute B" in page else page
    href, text = _annual_links(by_institute, "Transfer and licence income received")[0]
    assert text == "CN¥50,000.00" and f"institute={net['b'].id}" in href
    assert "CN¥50,000.00" in _foot_cells(client.get(href).get_data(as_text=True))


def test_every_list_a_figure_links_to_runs_as_many_statements_on_more_data(app, net, engine):
    """The lists the dashboard's and the annual report's figures lead to (as HQ and as a
    director) read what they show in a fixed number of statements: the same after the network
    is built twice more beside the first."""
    pages = []
    for who in ("admin", "director"):
        client = app.test_client()
        login(client, net[who])
        links = figures(client.get("/dashboard").get_data(as_text=True))
        annual = client.get("/reports/annual?year=2026").get_data(as_text=True)
        links += [link for label in ANNUAL_DEALS for link in _annual_links(annual, label)]
        pages += [(net[who], href) for href in dict.fromkeys(href for href, _text in links)]
    assert len(pages) > 30 and any("/transfers/" in href for _who, href in pages)
    grown = iter(range(1, 10))
    assert_steady(app, engine, lambda: world.build(next(grown)) and world.build(next(grown)),
                  pages)
