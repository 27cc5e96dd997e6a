"""Every HQ admin page says in a sentence what it is for (`id="purpose"`), in the reader's
language, and a Chinese page shows no English sentence but where it is English on purpose: the
English edition of a document's wording, an English name, each marked `lang="en"` (found by a
tester on /admin/documents/*: the English paragraphs stood unexplained on the Chinese page).
The pages are found as an admin finds them, by the links of the admin pages; a route of /admin
no link reaches fails the test."""

from __future__ import annotations

import html
import re
from collections import deque

import pytest

from tests.conftest import login
from tests.experts.helpers import make_expert
from tests.factories import install_gates, make_hq, make_region, make_user
from tests.imports.helpers import run
from tracker.accounts.models import Role
from tracker.techfields import services as fields

FILES = re.compile(r"\.(csv|xlsx|<fmt>)$")
ENGLISH = re.compile(r"[A-Za-z][A-Za-z'’-]+(?:[ ,;:()]+[A-Za-z][A-Za-z'’-]+){2,}")
CHINESE = re.compile(r"[\u4e00-\u9fff]")
MARKED_ENGLISH = re.compile(r'<(\w+)[^>]*\blang="en"[^>]*>.*?</\1>', re.S)
KEPT = re.compile(r"<(pre|code|script|style)\b[^>]*>.*?</\1>", re.S)
PURPOSE = re.compile(r'<p[^>]*\bid="purpose"[^>]*>(.*?)</p>', re.S)
# Reached through a form or an old address, not a page of its own.
NOT_A_PAGE = {"/admin/reminders/settings"}


@pytest.fixture
def admin(app):
    install_gates()
    make_hq()
    make_region("south")
    admin = make_user(Role.HQ_ADMIN, name="王敏")
    make_expert(name="李明")
    fields.save_field(admin, None, code="RB", name="机器人", name_en="Robotics", active=True)
    run(admin, "institutes", [["Code", "Name", "Field", "Type", "Founded on"],
                              ["imp-am", "先进材料所", "Materials", "joint", "2014/6/1"]])
    return admin


def _text(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "\n", fragment))


def _walk(client) -> dict[str, str]:
    """Every admin page reached by links from the admin pages: {path: its <main>}."""
    pages, queue, shapes = {}, deque(["/admin/documents/", "/admin/reminders/"]), set()
    while queue:
        path = queue.popleft()
        shape = re.sub(r"\d+", "N", path.split("?")[0])
        if shape in shapes or FILES.search(path) or path in NOT_A_PAGE:
            continue
        shapes.add(shape)
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        page = response.get_data(as_text=True)
        pages[path] = page[page.index("<main"):page.index("</main>")]
        queue += [html.unescape(h).split("#")[0] for h in re.findall(r'href="(/admin[^"]*)"', page)]
    return pages


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_every_admin_page_says_what_it_is_for_in_the_readers_language(app, client, admin,
                                                                       locale):
    admin.locale = locale
    login(client, admin)
    pages = _walk(client)
    routes = [rule.rule for rule in app.url_map.iter_rules()
              if rule.rule.startswith("/admin") and "GET" in rule.methods
              and not FILES.search(rule.rule) and rule.rule not in NOT_A_PAGE]
    assert len(routes) > 20
    unreached = [rule for rule in routes if not any(
        re.fullmatch(re.sub(r"<[^>]+>", "[^/]+", rule), path.split("?")[0]) for path in pages)]
    assert unreached == [], "admin pages no link reaches"
    for path, main in pages.items():
        said = PURPOSE.search(main)
        assert said, f"{path} does not say what it is for"
        assert (CHINESE.search(said.group(1)) is not None) == (locale == "zh_CN"), path
        if locale == "zh_CN":
            shown = _text(KEPT.sub(" ", MARKED_ENGLISH.sub(" ", main)))
            english = [m.group(0) for line in shown.split("\n") for m in ENGLISH.finditer(line)]
            assert english == [], (path, english)
