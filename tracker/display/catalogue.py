"""The request's locale and catalogue, found with one context lookup.

Flask-Babel finds both again on every message: `gettext` looks up the request's Babel state
three times (each through `flask.g`, a context-local proxy, three times more), its domain, then
its locale. A list's page says some 340 messages, labels and dates, which came to some 1,600
proxy lookups a request. Here the state is read once per call from `g`'s own object, and the
catalogue is kept with the locale it was loaded for: a locale forced for an e-mail
(`force_locale`) or refreshed (`flask_babel.refresh`) is another object, so the catalogue
follows it.
"""

from __future__ import annotations

from typing import Any

from babel import Locale, support
from flask import g
from flask_babel import get_locale as babel_locale


def _state() -> Any:
    """Flask-Babel's state of this request (`g._flask_babel`), None outside any context."""
    try:
        space = g._get_current_object()
    except RuntimeError:  # no application context: the shell, a test's setup
        return None
    return space.__dict__.get("_flask_babel")


def locale() -> Locale | None:
    """`flask_babel.get_locale()`, cheaper once the request has chosen its locale."""
    state = _state()
    chosen = getattr(state, "babel_locale", None)
    return chosen if chosen is not None else babel_locale()


def locale_name() -> str:
    """`str(locale())` ("zh_Hans_CN", "en"), worked out once per request and locale: the key
    of the labels and dates translated once a process (a project page shows hundreds)."""
    chosen = locale()
    state = _state()
    kept = getattr(state, "tracker_locale_name", None)
    if kept is not None and kept[0] is chosen:
        return kept[1]
    name = str(chosen)
    if state is not None:
        state.tracker_locale_name = (chosen, name)
    return name


def translations(domain: Any) -> support.NullTranslations:
    """`domain`'s catalogue in this request's locale, loaded once a process by Flask-Babel and
    found once per locale a request."""
    state = _state()
    chosen = getattr(state, "babel_locale", None)
    kept = getattr(state, "tracker_catalogue", None)
    if kept is not None and kept[0] is chosen and kept[1] is domain:
        return kept[2]
    found = domain.load_translations()
    state = _state()  # the first message of a request creates the state, with its locale
    if state is not None:
        state.tracker_catalogue = (getattr(state, "babel_locale", None), domain, found)
    return found


# The punctuation each language writes between the words of a sentence: a list's separator
# ("list"; "apart" between items that hold commas of their own), a label's colon, the
# parentheses around an aside and the comma between a name and its time ("comma":
# 李强，2026年…). Chinese text takes its full-width marks (研究报告、测试报告；理由：……（元）),
# never the ASCII ones, which a Chinese reader sees as a stray English character. One table,
# read by `tracker.display.said.listed` and `formatting.colon`/`aside`/`comma`.
MARKS = {
    "zh": {"list": "、", "apart": "；", "colon": "：", "open": "（", "close": "）",
           "comma": "，"},
    "en": {"list": ", ", "apart": "; ", "colon": ": ", "open": " (", "close": ")",
           "comma": ", "},
}


def mark(name: str) -> str:
    """One of the `MARKS` in this request's language."""
    return MARKS["zh" if locale_name().startswith("zh") else "en"][name]

