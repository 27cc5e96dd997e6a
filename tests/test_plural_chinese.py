"""Chinese has one plural form, said for every count: the Chinese of a message with a plural
never counts one of what it counts (found by a newcomer on the demo's funding page, with two
co-funders' payments standing: "本协议下有一笔配套出资方付款 ¥3,000,000.00 仍然有效", where the
English said "2 co-funders' payments adding up to"; ten more messages of voids and corrections
said 一笔, 一份 or 该笔拨付 whatever the count). Babel's check refuses a %(num)d the singular
English lacks, so the Chinese says the count or no count, and "one by one" (逐笔) where the
reader reverses each."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale, ngettext

import tracker
from tracker.display import formatting
from tracker.display.record_names import NAMES
from tracker.imports.grant_cells import describe_exercise
from tracker.imports.ledger_lines import describe_issue

pytestmark = pytest.mark.no_db  # reads the catalogue only

CATALOGUE = Path(tracker.__file__).parent / "translations/zh/LC_MESSAGES/messages.po"
# One of what is counted (一笔, 一份, 一项; 该笔, 这笔, 此笔 of a payment); not 一份起 ("from the
# latest one on") nor 这笔资金 ("this money").
ONE = re.compile(r"一[笔份项](?!起)|[该这此]笔(?!资金)")


def test_no_chinese_plural_counts_one():
    with CATALOGUE.open("rb") as f:
        plurals = [m for m in read_po(f) if isinstance(m.id, tuple)]
    assert len(plurals) > 30
    said_one = {m.id[1]: m.string[0] for m in plurals if ONE.search(m.string[0])}
    assert said_one == {}


def test_two_co_funders_payments_are_not_one_in_chinese(app):
    with app.test_request_context(), force_locale("zh_CN"):
        said = ngettext("A co-funder's payment of %(amount)s stands under this agreement: "
                        "reverse it first (with the reason), then void the agreement.",
                        "%(num)d co-funders' payments adding up to %(amount)s stand under this "
                        "agreement: reverse them first (with the reason), then void the "
                        "agreement.", 2, amount="¥3,000,000.00")
    assert "一笔" not in said and "合计 ¥3,000,000.00" in said and "逐笔冲销" in said


# A count of a time unit or of bytes in a message without a plural, or a noun written "(s)"
# beside a count: "1 days late" on the director's home and the dashboard, "try again in 1
# minutes" (found by a newcomer's walk); a count given as text (%(n)s) too: a reminder rung "1
# days before the deadline", an end date moved by "1 days", "(1 hours)", a file of "1 bytes"
# (found by a newcomer). Such a count is said with `ngettext`, whose Chinese says it once, or
# comes said with its unit (`formatting.days`: "1 day").
SINGULAR_COUNT = re.compile(r"%\(\w+\)[sd] (?:business )?(?:days?|months?|years?|minutes?|"
                            r"hours?|weeks?|bytes?)\b|%\(\w+\)[sd] \w+\(s\)")


# A count of shares or options in a message without a plural: "%(n)s shares" said "1 shares"
# in about 30 refusals, import descriptions and incentive previews ("The issue of 1 shares",
# "1 options vest at once"; found after 3a4c66a8 did the history titles). Said with
# `ngettext`, its count `formatting.plural` (a fraction of a share reads as plural).
SINGULAR_SHARES = re.compile(r"%\(\w+\)[sd] (?:(?:un)?vested |restricted )?(?:shares|options)\b")


@pytest.mark.parametrize("counted", [SINGULAR_COUNT, SINGULAR_SHARES], ids=["time", "shares"])
def test_a_count_of_time_or_shares_is_said_through_a_plural(counted):
    with CATALOGUE.open("rb") as f:
        catalogue = [m.id for m in read_po(f) if m.id]
    singular = [text for text in catalogue if not isinstance(text, tuple)]
    if counted is SINGULAR_SHARES:  # and the singular of a plural counting something else
        singular += [text[0] for text in catalogue if isinstance(text, tuple)]
    assert [text for text in singular if counted.search(text)] == []


def test_one_share_and_one_option_in_an_import_and_a_fraction_in_the_plural(app):
    with app.test_request_context():
        with force_locale("en"):
            issue = ("Zhang", None, Decimal(1), date(2026, 3, 2), None, "", None)
            assert describe_issue(issue).startswith("The issue of 1 share to Zhang on ")
            assert describe_exercise((date(2026, 3, 2), Decimal(1))).startswith(
                "The exercise of 1 option on ")
            # int(1.5) is 1: ngettext is given 2 for a fraction, never the Decimal itself.
            assert formatting.plural(Decimal("1.5")) == 2
            assert NAMES["conversions"](SimpleNamespace(shares=Decimal("1.5"))) == (
                "Conversion into 1.5 shares")
        with force_locale("zh_CN"):
            assert "行权 1 份期权" in describe_exercise((date(2026, 3, 2), Decimal(1)))


def test_one_byte_one_day_and_one_share_read_in_the_singular(app):
    with app.test_request_context():
        with force_locale("en"):
            assert (formatting.size(1), formatting.size(2)) == ("1 byte", "2 bytes")
            assert formatting.days(1) == "1 day"
            # A record named by its shares on its history (`record_names`): "1 share"
            one, many = SimpleNamespace(shares=Decimal(1)), SimpleNamespace(shares=Decimal(2000))
            assert NAMES["conversions"](one) == "Conversion into 1 share"
            assert NAMES["conversions"](many) == "Conversion into 2,000 shares"
        with force_locale("zh_CN"):
            assert formatting.size(1) == "1 字节"
            assert NAMES["conversions"](one) == "转股 1 股"
