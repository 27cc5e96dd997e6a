"""A number typed as people write it reaches the server from a real browser as it was typed.
Found: every number field was an `<input type="number">`, whose browser keeps what was typed
from the server: Chromium drops each key it does not take, so "62,5" (a decimal comma) was
saved as 625, "1,5" as 15, "1.000.000" as 1 and "−5" as 5, without a word, where the server
refuses each saying how to write a number (`numbers.ungrouped`); by the HTML standard, a
browser that keeps such text in the box sends the field empty ("This field is required.", or
an optional number lost). Each field below is
typed, key by key, in a page's form, and what the server made of it read back from the page."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from tests.browser.conftest import log_in
from tracker.settings.catalogue import OPTION_EXERCISE_WINDOW_DAYS


def save(page, form: str, typed: dict[str, str]) -> None:
    """Type each value key by key, as a person does (Playwright's `fill` refuses text a number
    input cannot hold), and save."""
    for name, text in typed.items():
        box = page.locator(f"{form} input[name={name}]")
        box.fill("")
        box.press_sequentially(text)
    with page.expect_navigation():
        page.click(f"{form} button.primary")


def refused(page, name: str, typed: str) -> bool:
    """The field kept what was typed and says what is wrong with it (the message quotes it)."""
    return (page.input_value(f"input[name={name}]") == typed
            and typed in page.inner_text(f".field.has-error:has(input[name={name}])"))


def test_numbers_typed_grouped_or_mistyped_reach_the_server_as_typed(page, server):
    log_in(page, server)
    year = datetime.now(ZoneInfo("Asia/Shanghai")).year  # the demo's assessment year

    # Money, one amount required and one optional.
    page.goto(f"{server}/assessment/{year}/funding")
    save(page, "form:has(input[name=pool])", {"pool": "¥1,000,000", "cap": "1,200,000.50"})
    assert page.input_value("input[name=pool]") == "1000000.00"
    assert page.input_value("input[name=cap]") == "1200000.50"

    # A decimal number (an indicator's target): a decimal comma is refused, not read as 625.
    page.goto(f"{server}/assessment/{year}/indicators")
    form = "form:has(input[name=target])"
    save(page, form, {"name": "千分位指标", "weight": "1", "target": "62,5"})
    assert refused(page, "target", "62,5")
    save(page, form, {"target": "1,500.5"})
    assert "1,500.5" in page.inner_text("main table:has-text('千分位指标')")

    # A whole number (a setting, in days): 1,5 is refused, not read as 15.
    page.goto(f"{server}/admin/settings")
    days = OPTION_EXERCISE_WINDOW_DAYS
    save(page, f"form:has(input[name={days}])", {days: "1,5"})
    assert refused(page, days, "1,5")
    save(page, f"form:has(input[name={days}])", {days: "1,095"})
    assert page.input_value(f"input[name={days}]") == "1095"
