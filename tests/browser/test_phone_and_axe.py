"""Every page of the journeys (tests/browser/journeys.py) of six roles, on a desktop or on a
phone, in both languages (issue #25, points 2, 4 and 5): axe-core finds no serious or critical
violation; at 390 px no page is wider than the screen, no table cell holds one Chinese
character a line, every input is 16 px and every tap target at least 44 x 44 px, and the menu
is folded behind its button (open on a desktop); at both widths no destructive button stands
next to a primary one.

What each walk covers (WALKS): each role walks four times, in each language at each width, so
every page a role reaches is checked in all four combinations (the Chinese page on a desktop
and on a phone, the English page on both). The PM, the evaluator and the HQ admin check every
page of their walks. The director, the committee and the observer, whose pages are mostly of
shapes those three already checked, check their start page and the page shapes that no walk
before checked in that language at that width (the director's handovers, the committee's
funding decisions ...): their pages are all loaded (the walk follows their links) but a shape
is checked once per language and width. Run alone, such a walk checks every page.

axe-core is the npm package, vendored in tests/browser/vendor/axe-core (its README says which
version and how it was fetched); the contexts bypass the app's CSP only to inject it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from tests.browser.checks import (
    APART_CHECKS,
    DESKTOP,
    LESSER_RULES,
    PHONE,
    PHONE_CHECKS,
    RUN_AXE,
)
from tests.browser.journeys import shape, walk

WALKS = [pytest.param(email, locale, width, id=f"{email.split('@')[0]}-{locale}-{width['width']}")
         for email in ("pm@demo.jitri.cn", "evaluator@demo.jitri.cn", "admin@demo.jitri.cn",
                       "director@demo.jitri.cn", "committee@demo.jitri.cn",
                       "observer@demo.jitri.cn")
         for locale in ("zh_CN", "en")
         for width in (PHONE, DESKTOP)]
# The roles that check their start page and the shapes no walk before checked at that width.
NEW_SHAPES_ONLY = {"director@demo.jitri.cn", "committee@demo.jitri.cn", "observer@demo.jitri.cn"}
# What the walks met: the pages (by shape) and the pairs of a destructive and a primary button;
# the shapes checked, with the language and the width.
_shapes_met: set[str] = set()
_checked: set[tuple[str, str, int]] = set()
_pairs_met: list[int] = []


@pytest.mark.parametrize(("email", "locale", "width"), WALKS)
def test_every_journey_page_on_a_desktop_or_a_phone(browser, server, axe_source, email, locale,
                                                    width):
    phone = width == PHONE
    context = browser.new_context(locale="zh-CN", viewport=width, bypass_csp=True,
                                  has_touch=True)
    # In every page the context loads, before the page's own scripts: sent to the browser once
    # a walk, not once a page (650 KB through the driver each time was a fifth of a walk).
    context.add_init_script(axe_source)
    page = context.new_page()
    problems: dict[str, list[str]] = {}
    visited = 0
    try:
        for name in walk(page, server, email, locale):
            visited += 1
            _shapes_met.add(shape(name))
            checked = (shape(name), locale, width["width"])
            if email in NEW_SHAPES_ONLY and name != "/" and checked in _checked:
                continue
            _checked.add(checked)
            found = list(page.evaluate(RUN_AXE))
            apart = page.evaluate(APART_CHECKS)
            found += apart["problems"]
            _pairs_met.append(apart["pairs"])
            menu = page.locator("details.menu").count()
            if phone:
                found += page.evaluate(PHONE_CHECKS)
                if menu:
                    if page.is_visible("nav.main-nav"):
                        found.append("the menu is not folded")
                    page.click("details.menu > summary")
                    if not page.locator("nav.main-nav a").first.is_visible():
                        found.append("the menu's button does not open it")
                    page.click("details.menu > summary")
            elif menu and not page.is_visible("nav.main-nav"):
                found.append("the menu is not shown")
            if found:
                problems[name] = found
    finally:
        context.close()
    assert visited > 5, "the journey found almost no page"
    assert not problems, "\n".join(f"{name}: {found}" for name, found in problems.items())


def test_the_walks_reached_the_pages_they_are_for():
    """The walks above (same module, run before this) reached a milestone, the scorecard of an
    evaluator who declared no conflict and that scorecard sent back, and a page with both a
    destructive and a primary button (a change request waiting for HQ: Approve, Refuse)."""
    if not _pairs_met:
        pytest.skip("the walks did not run in this process")
    assert sum(_pairs_met) > 0
    for wanted in ("/milestones/N", "/reviews/N (scorecard, no conflict declared)",
                   "POST /reviews/N/scores", "/changes/N"):
        assert wanted in _shapes_met, sorted(_shapes_met)


@contextmanager
def page_of(browser, viewport: dict) -> Iterator:
    """A blank page in a browser context of its own at `viewport`, closed after."""
    context = browser.new_context(viewport=viewport)
    try:
        yield context.new_page()
    finally:
        context.close()


def test_buttons_side_by_side_are_found_too_close(browser):
    """The check itself fails a page whose destructive button touches the primary one."""
    with page_of(browser, DESKTOP) as page:
        page.set_content('<form><button class="primary">Approve</button> '
                         '<button class="danger">Refuse</button></form>'
                         '<p style="margin-top: 40px"><button class="danger">Far</button></p>')
        apart = page.evaluate(APART_CHECKS)
    assert apart["pairs"] == 2
    assert len(apart["problems"]) == 1 and apart["problems"][0].startswith('"Refuse"')


def test_a_phone_finds_squeezed_tags_and_shrunk_chart_words(browser):
    """The phone checks themselves fail a pill wrapped in a narrow cell and a chart drawn
    wider than the screen, shrinking its words (the dashboard's was 9 px)."""
    with page_of(browser, PHONE) as page:
        page.set_content(
            '<table><tr><td style="width: 3em">\u6280\u672f\u5148\u8fdb'
            '<span class="tag" style="display: inline-block; font-size: 14px">'
            '\u5fc5\u987b\u6ee1\u8db3\uff08\u4e00\u7968\u5426\u51b3\u9879\uff09'
            '</span></td></tr></table>'
            '<svg viewBox="0 0 1000 50" style="width: 100%"><text x="0" y="20" '
            'style="font-size: 13px">\u8349\u7a3f</text></svg>')
        found = page.evaluate(PHONE_CHECKS)
    assert any(f.startswith("tag on several lines") for f in found), found
    assert any(f.startswith("chart text at") for f in found), found


# axe-core run whole, as RUN_AXE ran it before it left out LESSER_RULES: every violation's rule
# and impact, and the serious and critical ones as RUN_AXE words them.
AXE_WHOLE = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  const graver = result.violations.filter(v => v.impact === 'serious' || v.impact === 'critical');
  return {rated: result.violations.map(v => [v.id, v.impact]),
          graver: graver.map(v => v.id + ' (' + v.impact + '): '
            + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))};
}"""

# What RUN_AXE asks axe.run for, kept in window.asked.
ASKED = """() => {
  const run = axe.run.bind(axe);
  window.asked = [];
  axe.run = (context, options) => { window.asked.push(options); return run(context, options); };
}"""


def test_axe_skips_only_rules_it_never_rates_serious(browser, axe_source):
    """RUN_AXE leaves out the rules axe-core rates minor or moderate only (LESSER_RULES): on a
    page that breaks rules of every impact it finds what axe-core run whole finds serious or
    critical, and the rules it left out were found there, by the whole run, below serious."""
    with page_of(browser, DESKTOP) as page:
        page.set_content(
            '<html lang="en"><body><div><h3>Late</h3><h1></h1>'
            '<img src="x.png"><input type="text">'
            '<p style="color: #bbb; background: #fff">Faint</p>'
            '<a href="/a">More</a> <a href="/b">More</a></div></body></html>')
        page.add_script_tag(content=axe_source)
        lesser = set(page.evaluate(LESSER_RULES))
        whole = page.evaluate(AXE_WHOLE)
        page.evaluate(ASKED)
        found = page.evaluate(RUN_AXE)
        left_out = page.evaluate("() => Object.entries(window.asked[0].rules || {})"
                                 ".filter(([, rule]) => rule.enabled === false).map(([id]) => id)")
    assert {"region", "heading-order", "empty-heading", "landmark-one-main"} <= lesser
    assert not {"image-alt", "label", "color-contrast"} & lesser
    assert sorted(found) == sorted(whole["graver"]) and len(found) >= 3, (found, whole)
    assert set(left_out) == lesser
    rated_lesser = [(rule, impact) for rule, impact in whole["rated"] if rule in lesser]
    assert len(rated_lesser) >= 3, whole["rated"]
    assert all(impact in ("minor", "moderate") for _, impact in rated_lesser), rated_lesser
