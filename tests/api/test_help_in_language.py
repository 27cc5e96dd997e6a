"""/help/api in Chinese says every description the document gives in English in Chinese: an
operation's, a parameter's and an answer's (tests/test_language_walk.py), and those within the
schemas and the request bodies shown as JSON (found by a tester: "When and why a record recorded
entirely by mistake was voided ...", `Voided`'s docstring, and the funding source's, in English
on the Chinese page). The JSON keeps its keys, names and codes; the document for programs
(/api/v1/openapi.json) keeps the English."""

from __future__ import annotations

import html
import re

import pytest
from flask_babel import force_locale, gettext

from tests.conftest import post
from tracker.web.api import spec

# Found on the Chinese page: a model's docstring and a field's description, each in a schema.
FOUND = {"When and why a record recorded entirely by mistake was voided (or withdrawn): it "
         "stays readable, and counts in no figure.": "完全误录的记录被作废（或撤回）的时间和原因",
         "Where a project's money comes from, as Chinese research administration types it.":
         "项目经费来源",
         "Only those the page shows this person: after their own is in, or once decided for "
         "the panel and HQ.": "仅限页面向此人显示的评分表"}


def _page(client, locale: str) -> str:
    post(client, "/language", {"locale": locale})
    return html.unescape(client.get("/help/api").get_data(as_text=True))


def test_every_description_shown_is_in_chinese_on_the_chinese_page(app, client):
    page = _page(client, "zh_CN")
    with app.test_request_context():
        document = spec.document()
        described = spec.descriptions(document)
        with force_locale("zh_CN"):
            untranslated = sorted(text for text in described if gettext(text) == text)
            said = {text: gettext(text) for text in described}
    assert not untranslated
    assert len(described) > 30, "the schemas' descriptions were not found"
    for english in said:
        assert english not in page, english
    for english, chinese in FOUND.items():
        assert chinese in said[english] and said[english] in page, english
    # The schema stays JSON, its names as they are, its Chinese written as read.
    assert '"voided_at"' in page or '"at"' in page
    assert "\\u" not in page

    english = client.get("/api/v1/openapi.json").get_data(as_text=True)
    assert "When and why a record recorded entirely by mistake was voided" in english


@pytest.mark.parametrize("text", sorted(FOUND))
def test_the_english_page_says_them_in_english(client, text):
    assert text in _page(client, "en")


# A name of the code: a model's predicate (`GateReview.can_view`), a refusal function, a call.
CODE_NAME = re.compile(r"\b[A-Z][a-z]+(?:[A-Z][a-z]+)+\.\w+|\bcan_\w+|\w+_refusal\b|\b\w+\(\)")


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_the_help_page_names_no_predicate_of_the_code(app, client, locale):
    """The help page is read by a program's author, not ours: it said "(`GateReview.can_view`)"
    and "each checked with `Company.can_view`", in Chinese too (found by a newcomer). The API's
    own names (parameters, `next_cursor`, `If-Match`) stay: a program sends them."""
    with app.test_request_context():
        described = spec.descriptions(spec.document())
    assert sorted(text for text in described if CODE_NAME.search(text)) == []
    page = _page(client, locale)
    assert not CODE_NAME.search(page[page.find("<main"):page.find("</main>")])
