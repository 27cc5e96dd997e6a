"""Printed pages in a real browser: the project page, a decided gate review (the review
opinion form) and the annual report print on A4 without the menu, forms or buttons, nothing
wider than the page; the form's title and signature lines appear on paper only."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import log_in

# A4 in PostScript points, as Chromium writes the PDF's MediaBox.
A4 = (595.92, 842.88)


def _decided_review(page, server) -> str:
    """The path of a review of the demo data that has a decision."""
    for n in range(1, 30):
        page.goto(f"{server}/reviews/{n}")
        if page.locator("article[id^=decision-]").count():
            return f"/reviews/{n}"
    pytest.fail("the demo data has no decided review")


def _printed(page) -> bytes:
    page.emulate_media(media="print")
    return page.pdf(prefer_css_page_size=True, print_background=False)


def _media_boxes(pdf: bytes) -> list[tuple[float, float]]:
    return [(float(w), float(h)) for w, h in
            re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)]


def _assert_clean(page) -> None:
    page.emulate_media(media="print")
    assert not page.locator("header.top").is_visible()
    assert all(not f.is_visible() for f in page.locator("main form").all())
    assert all(not b.is_visible() for b in page.locator("main .button").all())
    # Nothing wider than the printable width of an A4 page (210 mm less 2 x 14 mm margins).
    page.set_viewport_size({"width": 688, "height": 1000})
    assert page.evaluate("document.documentElement.scrollWidth") <= 688


def test_the_project_page_prints_on_a4(page, server):
    log_in(page, server, "observer@demo.jitri.cn")  # no second factor to reuse
    review = _decided_review(page, server)
    with page.expect_navigation():
        page.click("main p a")  # the review's project
    page.wait_for_load_state("load")  # the print stylesheet is in before the page is judged
    assert "/projects/" in page.url
    _assert_clean(page)
    assert page.locator(".printed").is_visible()
    pdf = _printed(page)
    boxes = _media_boxes(pdf)
    assert boxes and all(abs(w - A4[0]) < 2 and abs(h - A4[1]) < 2 for w, h in boxes), boxes
    assert review


def test_the_review_opinion_form_prints_on_a4_with_signature_lines(page, server):
    log_in(page, server, "observer@demo.jitri.cn")  # no second factor to reuse
    page.goto(server + _decided_review(page, server))
    page.emulate_media(media="screen")
    assert not page.locator(".form-title").is_visible()
    assert not page.locator(".signatures").is_visible()
    _assert_clean(page)
    chinese = page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.locator(".form-title").inner_text() == (
        "评审意见表" if chinese else "Review opinion form")
    assert page.locator(".signatures").is_visible()
    assert not page.locator("details").first.is_visible() if page.locator("details").count() \
        else True
    pdf = _printed(page)
    boxes = _media_boxes(pdf)
    assert boxes and all(abs(w - A4[0]) < 2 and abs(h - A4[1]) < 2 for w, h in boxes), boxes


def test_the_annual_report_prints_on_a4_with_its_tables(page, server):
    log_in(page, server, "observer@demo.jitri.cn")
    page.goto(server + "/reports/annual")
    tables = page.locator("main table")
    _assert_clean(page)
    assert tables.count() and all(t.is_visible() for t in tables.all())
    pdf = _printed(page)
    boxes = _media_boxes(pdf)
    assert boxes and all(abs(w - A4[0]) < 2 and abs(h - A4[1]) < 2 for w, h in boxes), boxes
