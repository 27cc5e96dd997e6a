"""Every page of the menu says in a sentence what it is for (`id="purpose"`), under its title, in
the reader's language (found by a newcomer on the demo: Companies, Enterprises, Allocation-
investment, Gates awaiting decision and a dozen more lists opened on their filters or a button
with no word of what they hold, where the menu on the home page said it). A page without a
sentence of its own says the menu's (`templating.purpose`); the admin pages are checked with
their links in tests/test_admin_pages_say_what_for.py."""

from __future__ import annotations

import html
import re

import pytest
from flask import url_for

from tests.conftest import login
from tests.factories import install_gates, make_hq, make_user
from tracker.accounts.models import Role
from tracker.web.templating import MENU

PURPOSE = re.compile(r'<p[^>]*\bid="purpose"[^>]*>(.*?)</p>', re.S)
CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_every_menu_page_says_what_it_is_for_in_the_readers_language(app, client, locale):
    install_gates()
    make_hq()
    users = [make_user(Role.HQ_ADMIN, locale=locale), make_user(Role.EVALUATOR, locale=locale)]
    seen = set()
    for user in users:
        login(client, user)
        for item in MENU:
            with app.test_request_context():
                path = url_for(item.endpoint)
            response = client.get(path)
            if response.status_code != 200 or path in seen:
                continue
            seen.add(path)
            page = response.get_data(as_text=True)
            main = page[page.index("<main"):]
            said = PURPOSE.search(main)
            assert said, f"{path} says nothing of what it is for"
            text = html.unescape(re.sub(r"<[^>]+>", "", said.group(1))).strip()
            assert text, path
            assert bool(CHINESE.search(text)) == (locale == "zh_CN"), (path, text)
            assert main.index("</h1>") < said.start(), f"{path}: the sentence is above its title"
    assert len(seen) == len(MENU)  # each page of the menu was read, by one or the other
