"""Every money figure carries its currency, written by the money formatters (`formatting.money`,
and `formatting.price` for a price per share, which keeps every decimal it has): a price per
share read "12.00 × (1 − 20.00%) = 9.60" and the money converted "10,000,000 ÷ 9.60" on an
agreement's page, with no currency sign (found by a newcomer)."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from flask_babel import force_locale

from tracker.display import formatting

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ROOT / "templates"
# A value named as money, given to `number` (which writes no currency).
MONEY_AS_NUMBER = re.compile(
    r"\b\w*(money|disbursed|price|valuation|paid|proceeds|upfront|budget|committed|received)\w*"
    r"=[^,)]*\|number")


@pytest.mark.parametrize("locale,written", [
    ("en", ("CN¥9.60", "CN¥0.12345678", "−CN¥1,234.50")),
    ("zh_CN", ("¥9.60", "¥0.12345678", "−¥1,234.50"))])
def test_a_price_per_share_carries_the_currency_and_every_decimal(app, locale, written):
    with app.test_request_context(), force_locale(locale):
        assert (formatting.price(Decimal("9.6")), formatting.price(Decimal("0.12345678")),
                formatting.price(Decimal("-1234.5"))) == written
        assert formatting.money(Decimal("9.6")) == written[0]


def test_no_template_writes_money_as_a_bare_number():
    found = [f"{p.relative_to(TEMPLATES)}: {m.group(0)}" for p in TEMPLATES.rglob("*.html")
             for m in MONEY_AS_NUMBER.finditer(p.read_text())]
    assert found == []


def test_every_price_per_share_is_written_by_the_price_formatter():
    """An option's exercise price went through `money`, which rounds to the cent: 1.125 read
    ¥1.13 on the grant's page and its preview, where a round's price keeps every decimal."""
    found = [f"{p.relative_to(TEMPLATES)}: {m.group(0)}" for p in TEMPLATES.rglob("*.html")
             for m in re.finditer(r"\w*price\w*\|(money|number)", p.read_text())]
    found += [f"{p.relative_to(ROOT)}: {m.group(0)}" for p in (ROOT / "tracker").rglob("*.py")
              for m in re.finditer(r"\b(money|number|cny)\([\w.]*price\w*\)", p.read_text())]
    assert found == []
