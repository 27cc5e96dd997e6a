"""Every page of the journeys (tests/browser/journeys.py) on a desktop and on a phone, in both
languages (issue #25, points 2, 4 and 5): axe-core finds no serious or critical violation at
1280 px nor at 390 px; at 390 px no page is wider than the screen, no table cell holds one
Chinese character a line, every input is 16 px and every tap target at least 44 x 44 px, and
the menu is folded behind its button (open on a desktop).

axe-core is the npm package, vendored in tests/browser/vendor/axe-core (its README says which
version and how it was fetched); the contexts bypass the app's CSP only to inject it.
"""

from __future__ import annotations

import pytest

from tests.browser.checks import DESKTOP, PHONE, PHONE_CHECKS, RUN_AXE
from tests.browser.journeys import ROLES, walk


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
@pytest.mark.parametrize("email", ROLES)
def test_every_journey_page_on_a_desktop_and_a_phone(browser, server, axe_source, email, locale):
    context = browser.new_context(locale="zh-CN", viewport=DESKTOP, bypass_csp=True,
                                  has_touch=True)
    page = context.new_page()
    problems: dict[str, list[str]] = {}
    visited = 0
    try:
        for name in walk(page, server, email, locale):
            visited += 1
            found = []
            page.set_viewport_size(DESKTOP)
            page.evaluate(axe_source)
            found += [f"1280 px: {v}" for v in page.evaluate(RUN_AXE)]
            if page.locator("details.menu").count():
                if not page.is_visible("nav.main-nav"):
                    found.append("1280 px: the menu is not shown")
            page.set_viewport_size(PHONE)
            found += [f"390 px: {v}" for v in page.evaluate(RUN_AXE)]
            found += [f"390 px: {p}" for p in page.evaluate(PHONE_CHECKS)]
            if page.locator("details.menu").count():
                if page.is_visible("nav.main-nav"):
                    found.append("390 px: the menu is not folded")
                page.click("details.menu > summary")
                if not page.locator("nav.main-nav a").first.is_visible():
                    found.append("390 px: the menu's button does not open it")
                page.click("details.menu > summary")
            if found:
                problems[name] = found
    finally:
        context.close()
    assert visited > 8, "the journey found almost no page"
    assert not problems, "\n".join(f"{name}: {found}" for name, found in problems.items())
