"""The request's catalogue is found once and kept with its locale (tracker/display/catalogue.py):
a locale forced for an e-mail, and the way back from it, and a language changed within a
request (`flask_babel.refresh`) each get their own catalogue, in Python and in templates."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask import render_template_string, session
from flask_babel import force_locale, gettext, refresh

from tracker.display import formatting
from tracker.display.labels import label
from tracker.projects.lifecycle import Phase


def _said() -> tuple[str, str, str, str, str]:
    return (gettext("Log out"), render_template_string("{{ _('Log out') }}"),
            formatting.money(Decimal("-1234.5")), formatting.day(date(2026, 3, 1)),
            label(Phase.COMPLETED))


def test_a_forced_locale_and_the_way_back_within_one_request(app):
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        english = _said()
        assert english[:2] == ("Log out", "Log out")
        with force_locale("zh_CN"):
            chinese = _said()
            with force_locale("en"):
                assert _said() == english
            assert _said() == chinese
        assert _said() == english
    assert chinese[:2] == ("退出登录", "退出登录")
    assert chinese[2] == "\u2212¥1,234.50" and english[2] == "\u2212CN¥1,234.50"
    assert chinese[3] == "2026年3月1日" and english[3] == "Mar 1, 2026"
    assert chinese[4] != english[4]


def test_a_language_chosen_during_the_request_is_said_at_once(app):
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert _said()[:2] == ("Log out", "Log out")
        session["locale"] = "zh_CN"
        refresh()
        assert _said()[:2] == ("退出登录", "退出登录")


def test_outside_a_request_the_default_language_speaks(app):
    with app.app_context():
        assert gettext("Log out") == "Log out"  # the tests' DEFAULT_LOCALE


def test_a_figure_worked_out_once_is_written_again_for_each_value_and_language(app):
    """tracker.display.formatting keeps each figure Babel wrote, by its value's text, its
    pattern and the language: equal values written differently, or the same value in the
    other language or with another pattern, are never given what was kept for another."""
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        for _ in range(2):  # worked out, then kept
            assert formatting.number(Decimal("1234.5")) == "1,234.5"
            assert formatting.number(1234) == "1,234"
            assert formatting.price(Decimal("1.5")) == "CN¥1.50"
            assert formatting.price(Decimal("1.123456789")) == "CN¥1.12345679"
            assert formatting.whole_pct(40) == "40%"
            assert formatting.pct(Decimal("40")) == "40.00%"
            assert formatting.money(Decimal("1234.5")) == "CN¥1,234.50"
            with force_locale("zh_CN"):
                assert formatting.money(Decimal("1234.5")) == "¥1,234.50"
