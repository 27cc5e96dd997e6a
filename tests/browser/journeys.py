"""The pages of the journeys that the browser tests of issue #25 visit: for each role, its start
page, every page of its menu, the first record of each shape those link to (/projects/N once),
and the records those link to in turn (a project's milestone, a contract's project), plus the
journey's forms sent back with errors, and the evaluator's scorecard once they have declared no
conflict (declared here, in the browser, on the first walk that finds the declaration form).
Walked in the browser as it goes, so each page is loaded once and checked while it is on
screen."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Page

from tests.browser.checks import DESKTOP, RUN_AXE
from tests.browser.conftest import log_in

# A record's page, its form, its child's page: /projects/3, /projects/3/edit, /needs/new.
RECORD = re.compile(r"^/[a-z-]+/\d+(?:/[a-z-]+)?$|^/[a-z-]+/new$")
NOT_A_PAGE = re.compile(r"/(download|export|feed|files)\b|\.(csv|xlsx|ics|pdf)$")
# A form of the journey, sent empty: the page answering it shows the form with its errors.
SENT_BACK = {"pm@demo.jitri.cn": "/projects/new", "admin@demo.jitri.cn": "/enterprises/new"}


def shape(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def _links(page, selector: str) -> list[str]:
    hrefs = page.eval_on_selector_all(selector, "els => els.map(e => e.getAttribute('href'))")
    return [urlsplit(h).path for h in hrefs if h and h.startswith("/")]


def set_language(page, server: str, locale: str) -> None:
    """The signed-in user's language (kept on their account: set it, whatever it was)."""
    page.goto(server + "/")
    with page.expect_navigation():
        page.click(f"form.lang button[value={locale}]")


def walk(page, server: str, email: str, locale: str) -> Iterator[str]:
    """Sign in as `email` in `locale` and load each page of their journey; yields its name (a
    path, or 'POST path' for a form sent back) while it is on screen."""
    page.goto(server + "/login")
    yield "/login"
    log_in(page, server, email)
    set_language(page, server, locale)
    page.goto(server + "/")
    assert page.locator("nav.main-nav").count(), f"{email} is not signed in: {page.url}"
    yield "/"
    level = ["/"] + [p for p in dict.fromkeys(_links(page, "nav.main-nav a")) if p != "/"]
    shapes = set(level)
    for depth in range(3):  # the menu's pages, the records they link to, and theirs
        found = []
        for path in level:
            if path != "/" or depth:
                page.goto(server + path)
                yield path
            if depth < 2:
                for link in _links(page, "main a[href]"):
                    if (RECORD.match(link) and not NOT_A_PAGE.search(link)
                            and shape(link) not in shapes):
                        shapes.add(shape(link))
                        found.append(link)
        level = found
    if SENT_BACK.get(email):
        page.goto(server + SENT_BACK[email])
        page.click("main form button.primary")
        page.wait_for_selector(".error-summary")
        yield "POST " + SENT_BACK[email]
    if email.startswith("evaluator"):
        yield from _scorecard(page, server)


def _scorecard(page, server: str) -> Iterator[str]:
    """The evaluator's first review still asking for the declaration, declared free of conflict
    here (or, when every declaration stands already, the first review with a scorecard), then
    its scorecard sent back empty. Reviews other tests declared and scored on the same server
    (the gate journey's) come first in the list: the one still to declare is looked for first."""
    page.goto(server + "/my/reviews")
    links = list(dict.fromkeys(_links(page, "main a[href^='/reviews/']")))
    declare, scores = "form[action$='/declare']", "form[action$='/scores']"
    for link in links:
        page.goto(server + link)
        if page.locator(declare).count():
            page.check(f"{declare} input[value=no]")
            page.click(f"{declare} button.primary")
            page.wait_for_selector(scores)
            yield f"{link} (scorecard, no conflict declared)"
            break
    else:
        for link in links:
            page.goto(server + link)
            if page.locator(scores).count():
                break
        else:
            raise AssertionError("the evaluator has no scorecard to fill in the demo data")
    page.click(f"{scores} button.primary")
    page.wait_for_selector(".error-summary")
    yield f"POST {link}/scores"


class Journey:
    """The people of a journey, each signed in once in a browser context of their own, in
    their language; every page a step lands on is checked with axe-core (`check`)."""

    def __init__(self, browser, server: str, axe_source: str) -> None:
        self.browser, self.server, self.axe_source = browser, server, axe_source
        self.people: dict[str, Page] = {}
        self.problems: dict[str, list[str]] = {}

    def new_page(self, name: str, locale: str) -> Page:
        """A browser of its own for `name`, not signed in."""
        context = self.browser.new_context(
            locale="zh-CN" if locale == "zh_CN" else "en-US", viewport=DESKTOP, bypass_csp=True)
        context.add_init_script(self.axe_source)
        self.people[name] = context.new_page()
        return self.people[name]

    def as_(self, email: str, locale: str) -> Page:
        """`email`'s browser, signed in and speaking `locale` (the account's language)."""
        if email not in self.people:
            page = self.new_page(email, locale)
            log_in(page, self.server, email)
            set_language(page, self.server, locale)
        return self.people[email]

    def go(self, page: Page, path: str) -> None:
        page.goto(self.server + path)

    def check(self, page: Page) -> None:
        """axe-core's serious and critical violations of the page on screen, kept by its path
        for the test to assert at its end (`assert not journey.problems`). A click that
        submits a form returns once the next page has begun to arrive, so the check waits for
        it to have loaded: axe-core run on a page still being replaced finds no document."""
        page.wait_for_load_state("load")
        found = page.evaluate(RUN_AXE)
        if found:
            self.problems[urlsplit(page.url).path] = found

    def keep(self, where: Path) -> None:
        """What each person's browser shows: a screenshot and the page's HTML."""
        where.mkdir(parents=True, exist_ok=True)
        for email, page in self.people.items():
            name = re.sub(r"[^\w.-]+", "_", email)
            try:
                page.screenshot(path=str(where / f"{name}.png"), full_page=True)
                (where / f"{name}.html").write_text(page.content(), encoding="utf-8")
            except Exception as error:  # a page that died: say so beside the others
                (where / f"{name}.txt").write_text(repr(error), encoding="utf-8")

    def close(self) -> None:
        for page in self.people.values():
            page.context.close()
        self.people.clear()
