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
