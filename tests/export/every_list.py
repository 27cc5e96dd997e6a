"""Every list a user reads can be taken away (issue 12 point 5, F29: lists were found one by one
without an export). The walk asks every page of the app, for each person of the world
(tests/world.py) who may open it, and sorts each page that draws a table: a list
(`LISTS`) must offer "Download this list", and each file it links to must hold its table's
columns and as many rows as the page shows that person (so the file keeps the page's filters
and what that person may see, not more); a page that is no list says why (`NOT_LISTS`), and a
new page with a table and neither fails the walk.

The pages are those the access table asked of the same world as each of the same people
(`walked` in tests/test_access_matrix.py, each request rolled back): its module runs these
tests (imported there), one a list and one for each other page, and asks for the files only.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from urllib.parse import parse_qsl, urlsplit

import pytest

from tests.export.helpers import csv_rows, xlsx_rows
from tests.export.pages import tables
from tests.world import PEOPLE, rules
from tracker import create_app

# The lists: endpoint -> how many tables of the page are files (one "Download this list" each).
LISTS = {
    "achievements.index": 1,
    "assessment.drill_down": 1,
    "assessment.index": 1,
    "assessment.institute": 1,
    "audit.history": 1,
    "audit.trail": 1,
    "centres.overview": 1,
    "companies.portfolio": 1,
    "companies.show": 1,  # the cap table on a date; the rest is the company's record
    "contracts.registered": 1,
    "contracts.report": 2,
    "duties.late": 1,
    "experts.index": 1,
    "funding.agreements": 1,
    "gates.awaiting": 1,  # both of its tables in one file, each review with its stage
    "incentives.company": 3,
    "milestones.overdue_list": 1,
    "obligations.index": 1,
    "organisations.centres": 1,
    "organisations.enterprises": 1,
    "organisations.institutes": 1,
    "organisations.needs": 1,
    "partners.index": 1,
    "pms.register": 2,  # and HQ's new PMs per year, for the HQ-wide roles: 3
    "projects.list_projects": 1,
    "reminders.outbox": 1,
    "reports.annual": 1,
    "spending.across": 1,
    "spending.project": 1,
    "transfers.index": 1,
    "transfers.statement": 1,
    "transfers.named_statement": 1,
    "users.list_users": 1,
}
# Files shaped otherwise than the page's table, checked by their own tests: the annual
# report's figures a row per figure, institute and year (tests/reports), a project's budget
# against its spending by category (tests/spending).
RESHAPED = {"reports.annual", "spending.project"}
# A page's column the file carries as several: each recognition's years, one column each.
SPLIT = {"Recognitions"}
FORM = "a form: its table lays out the form's rows"
RECORD = "one record's page: its tables are parts of that record, read with it"
SETTING = "HQ's configuration, edited on the page: no list to take away"
NOT_LISTS = {
    "achievements.new": FORM, "achievements.edit": FORM, "contracts.new": FORM,
    "companies.incorporate": FORM, "companies.new_round": FORM, "funding.convert": FORM,
    "funding.new_agreement": FORM, "funding.edit_agreement": FORM, "projects.new": FORM,
    "gates.panel": FORM,
    "budget_admin.new_template": FORM, "budget_admin.edit_template": FORM,
    "gate_admin.edit_template": FORM,
    "achievements.show": RECORD, "achievements.right": RECORD, "approvals.show": RECORD,
    "changes.show": RECORD, "changes.project": RECORD, "contracts.show": RECORD,
    "documents.project": RECORD, "funding.show": RECORD, "gates.review": RECORD,
    "incentives.show": RECORD, "organisations.centre": RECORD,
    "organisations.enterprise": RECORD, "organisations.institute": RECORD,
    "organisations.need": RECORD, "partners.show": RECORD, "pms.show": RECORD,
    "projects.show": RECORD, "transfers.show": RECORD, "milestones.show": RECORD,
    "obligations.show": RECORD,
    "approvals.levels": SETTING, "assessment.indicators": SETTING,
    "budget_admin.list_templates": SETTING, "documents.templates": SETTING,
    "gate_admin.list_templates": SETTING, "reminders.calendar": SETTING,
    "techfields.index": SETTING, "regions.index": SETTING,
    "reports.show": "the dashboard: figures, each a link to the list it counts, which exports",
    "web.home": "one's own to-do list: each item links to the page where it is done",
    "notifications.inbox": "one's own notices, read and marked read on the page",
    "approvals.delegations": "one's own delegations, made and ended on the page",
    "tokens.mine": "one's own access tokens, made and revoked on the page",
    "tokens.every": "access tokens, listed to be revoked: credentials are not taken away",
    "jobs.index": "the state of the server's background jobs, for whoever runs it",
    "imports.upload": "the import's documentation: each file's columns",
    "api_docs.docs": "the API's documentation",
    "gates.my_reviews": "an evaluator's own reviews, each opened to be scored",
}
EXPORT = re.compile(r'<a\b[^>]*href="([^"]*(?:[?&]|&amp;)export=csv[^"]*)"')
TABLE = re.compile(r"<table\b")
PAGED = re.compile(r'href="[^"]*[?&](page=2|before=)')


def pages(app) -> dict[str, object]:
    """Every page a person reads: each endpoint's rule that answers GET, the API and static
    files aside."""
    return {endpoint: rule for endpoint, rule in rules(app).items()
            if "GET" in rule.methods and not endpoint.startswith(("api.", "static", "api_docs"))}


def _routes() -> dict[str, object]:
    """The pages as the test configuration registers them, read at collection (one test per
    page) from an app of that configuration built for it, no database opened."""
    other = create_app("test", DATABASE_URL="sqlite://")
    other.extensions["engine"].dispose()
    return pages(other)


PAGES = _routes()


def main_of(page: str) -> str:
    return page.split("<main", 1)[1].split("</main>", 1)[0]


def read_by_each(walked: dict, endpoint: str) -> Iterator[tuple[str, str, str]]:
    """(path, who, the page's <main>) for each person of the world to whom `endpoint`'s page
    answered 200 in HTML in the access table's walk."""
    path, answers = walked[endpoint]
    for who in PEOPLE:
        if answers[who].main is not None:
            yield path, who, answers[who].main


def _header(table: dict) -> list[str]:
    return [h for h in (table["head"][0] if table["head"] else []) if h and h != "Actions"]


def _rows(table: dict, width: int) -> list[list[str]]:
    """The rows that are rows of the list (not the "nothing here" line)."""
    return [r for r in table["body"] + table["foot"] if len(r) >= width]


def _check_file(people, who: str, main: str, link_at: int, href: str,
                reshaped: bool) -> list[str]:
    """The file `href` against the table drawn last before its link (`reshaped`: only that
    it opens, with as many rows in both formats)."""
    csv = csv_rows(people.request(who, "GET", href))
    xlsx = xlsx_rows(people.request(who, "GET", href.replace("export=csv", "export=xlsx")))
    wrong = []
    if len(xlsx) != len(csv):
        wrong.append(f"{href} as {who}: CSV {len(csv) - 1} rows, XLSX {len(xlsx) - 1}")
    shown = tables(main[:link_at])[-1:]
    if reshaped:
        return wrong
    if not shown:
        return [*wrong, f"{href}: no table before its link"]
    header = _header(shown[0])
    # A percentage's and an amount's file header says its unit, which the page's cells say
    # ("Stake (%)", "Budget (CNY)")
    missing = [h for h in header if h not in csv[0] and f"{h} (%)" not in csv[0]
               and f"{h} (CNY)" not in csv[0] and h not in SPLIT]
    if missing:
        wrong.append(f"{href} as {who}: the file has no column {missing}")
    on_page = len(_rows(shown[0], len(header)))
    paged = PAGED.search(main[link_at:]) is not None
    if (len(csv) - 1 < on_page) if paged else (len(csv) - 1 != on_page):
        wrong.append(f"{href} as {who}: {len(csv) - 1} rows in the file, {on_page} on the page")
    return wrong


@pytest.mark.parametrize("endpoint", sorted(LISTS))
def test_a_list_exports_what_it_shows_to_whoever_reads_it(people, walked, endpoint):
    wrong: list[str] = []
    readers = []
    for path, who, main in read_by_each(walked, endpoint):
        readers.append(who)
        links = [(m.start(), html.unescape(m.group(1))) for m in EXPORT.finditer(main)]
        expected = LISTS[endpoint] + (endpoint == "pms.register" and "table=new" in main)
        if len(links) != expected:
            wrong.append(f"{path} as {who}: {len(links)} file links, {expected} expected")
        for at, href in links:
            args = dict(parse_qsl(urlsplit(href).query))
            assert urlsplit(href).path == path.split("?")[0], href
            assert args.get("export") == "csv", href
            wrong += _check_file(people, who, main, at, href, endpoint in RESHAPED)
    assert wrong == [], "\n".join(wrong)
    assert readers, "a list no one in the world could open"


def test_a_list_s_file_links_keep_the_page_s_filters(people):
    """The links carry what the page was asked with (the file is the same query)."""
    response = people.request("admin", "GET", "/transfers/?kind=exclusive_licence&signed=2026")
    hrefs = [html.unescape(h) for h in EXPORT.findall(main_of(response.get_data(as_text=True)))]
    assert hrefs and all({("kind", "exclusive_licence"), ("signed", "2026")}
                         <= set(parse_qsl(urlsplit(h).query)) for h in hrefs)
    response = people.request("admin", "GET", "/pms/?state=appointed")
    hrefs = [html.unescape(h) for h in EXPORT.findall(main_of(response.get_data(as_text=True)))]
    assert len(hrefs) == 3 and all("state=appointed" in h for h in hrefs)


def test_the_catalogues_name_only_pages_there_are(app):
    endpoints = set(rules(app))
    assert set(LISTS) - endpoints == set() and set(NOT_LISTS) - endpoints == set()
    assert set(LISTS) & set(NOT_LISTS) == set()
    assert set(LISTS) <= set(pages(app))


def test_the_walk_has_a_test_for_every_page_of_the_app(app):
    """The tests are made from an app built at collection: the suite's app has the same
    pages, so none goes unwalked."""
    assert sorted(pages(app)) == sorted(PAGES)


OTHER_PAGES = sorted(set(PAGES) - set(LISTS) - set(NOT_LISTS))


@pytest.mark.parametrize("endpoint", OTHER_PAGES)
def test_a_page_with_a_table_is_a_list_or_says_why(walked, endpoint):
    """One test for each other page of the app, asked by every person of the world; each page
    answering them 200 with a table fails."""
    wrong = [f"{path} ({endpoint}) as {who}: a table and no file; export it or say in "
             "NOT_LISTS why it is no list"
             for path, who, main in read_by_each(walked, endpoint)
             if TABLE.search(main)]
    assert wrong == []
