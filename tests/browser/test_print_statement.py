"""A contributor's income statement prints on A4 in a real browser: its table and the
signature line, without the menu, forms or buttons (issue #16: the statement per contributor
is printable)."""

from __future__ import annotations

from tests.browser.conftest import log_in
from tests.browser.test_print import A4, _assert_clean, _media_boxes, _printed


def test_the_income_statement_prints_on_a4(page, server):
    log_in(page, server, "pm@demo.jitri.cn")  # 李强, a contributor to the demo's achievement
    page.goto(server + "/achievements/")
    with page.expect_navigation():
        page.click("main table a[href^='/achievements/']")
    with page.expect_navigation():
        page.click("main a[href^='/ip/statements/']")
    page.wait_for_load_state("load")
    assert "118,440.00" in page.locator("main table").inner_text()
    _assert_clean(page)
    assert page.locator(".signatures").is_visible()
    boxes = _media_boxes(_printed(page))
    assert boxes and all(abs(w - A4[0]) < 2 and abs(h - A4[1]) < 2 for w, h in boxes), boxes
