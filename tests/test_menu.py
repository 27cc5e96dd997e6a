"""The menu and the pages agree, for every role: each link the menu shows opens (200) and each
menu page it hides refuses (403 or 404), because both read the page's `requires` rule."""

from __future__ import annotations

import re

import pytest
from flask_login import login_user

from tests.conftest import login
from tests.factories import make_enterprise, make_institute, make_user
from tracker.accounts.models import Role
from tracker.web.permissions import may_open
from tracker.web.templating import MENU, navigation

ROLES = {
    "project manager": (Role.PROJECT_MANAGER,),
    "evaluator": (Role.EVALUATOR,),
    "investment committee": (Role.INVESTMENT_COMMITTEE,),
    "HQ admin": (Role.HQ_ADMIN,),
    "observer": (Role.OBSERVER,),
    "institute director": (),
    "no role yet": (),
    "external expert": (Role.EXTERNAL_EXPERT,),
    "enterprise contact": (Role.ENTERPRISE_CONTACT,),
}


def _menu_paths(client) -> set[str]:
    home = client.get("/", follow_redirects=True).get_data(as_text=True)
    nav = re.search(r'<nav class="main-nav".*?</nav>', home, re.S).group(0)
    return set(re.findall(r'href="([^"]+)"', nav))


@pytest.mark.parametrize("role", ROLES)
def test_every_menu_link_opens_and_every_hidden_menu_page_refuses(client, role):
    user = make_user(*ROLES[role], enterprise_id=make_enterprise().id
                     if role == "enterprise contact" else None)
    if role == "institute director":
        make_institute(director=user)
    login(client, user)
    shown = _menu_paths(client)
    with client.application.test_request_context():
        from flask import url_for

        paths = {url_for(item.endpoint) for item in MENU}
    assert shown <= paths and shown, "the menu links to menu pages only"
    for path in sorted(paths):
        status = client.get(path).status_code
        if path in shown:
            assert status == 200, f"{role}: {path} is in the menu but answers {status}"
        else:
            assert status in (403, 404), f"{role}: {path} is hidden but answers {status}"


def test_an_evaluator_neither_sees_nor_opens_the_companies(client):
    login(client, make_user(Role.EVALUATOR))
    assert "/companies/" not in _menu_paths(client)
    assert client.get("/companies/").status_code == 403


def _nav(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'<nav class="main-nav".*?</nav>', page, re.S).group(0)


def test_the_menu_marks_the_open_page_in_the_readers_language(app):
    """The menu's HTML is written once a process for each language, set of items and open
    page (`templating.menu_links`): the next page marks its own item, and a reader of the other
    language or of another role gets their own menu, not the one written before."""
    admin, english, chinese = app.test_client(), app.test_client(), app.test_client()
    login(admin, make_user(Role.HQ_ADMIN))
    login(english, make_user(Role.PROJECT_MANAGER))
    login(chinese, make_user(Role.PROJECT_MANAGER, locale="zh_CN"))
    overdue = _nav(admin, "/milestones/overdue")
    assert '<a href="/milestones/overdue" aria-current="page">Overdue milestones</a>' in overdue
    assert overdue.count("aria-current") == 1 and ">Users</a>" in overdue
    projects = _nav(admin, "/projects/")
    assert '<a href="/milestones/overdue">Overdue milestones</a>' in projects
    assert '<a href="/projects/" aria-current="page">Projects</a>' in projects
    assert projects.count("aria-current") == 1
    assert _nav(admin, "/no-such-page").count("aria-current") == 0
    in_english = _nav(english, "/milestones/overdue")
    assert '<a href="/milestones/overdue" aria-current="page">Overdue milestones</a>' in in_english
    assert "/admin/users/" not in in_english
    in_chinese = _nav(chinese, "/milestones/overdue")
    assert '<a href="/milestones/overdue" aria-current="page">逾期里程碑</a>' in in_chinese
    assert in_chinese.count("<a ") == in_english.count("<a ") and "Overdue" not in in_chinese


@pytest.mark.parametrize("role, wall", [(Role.EXTERNAL_EXPERT, ["gates.my_reviews"]),
                                        (Role.ENTERPRISE_CONTACT, ["organisations.needs"]),
                                        (Role.HQ_ADMIN, None)])
def test_the_menu_asks_each_page_as_may_open_does(app, role, wall):
    """The menu finds the wall and the pages' rules once for all its items
    (`permissions.pages_open`): the same items as asking `may_open` page by page, a limited
    account's only those of its wall."""
    user = make_user(role, enterprise_id=make_enterprise().id if role == Role.ENTERPRISE_CONTACT
                     else None)
    with app.test_request_context():
        login_user(user)
        shown = [item.endpoint for item in navigation()]
        assert shown == [item.endpoint for item in MENU if may_open(user, item.endpoint)]
    assert (shown == wall) if wall is not None else len(shown) > 20, shown
