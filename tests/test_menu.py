"""The menu and the pages agree, for every role: each link the menu shows opens (200) and each
menu page it hides refuses (403 or 404), because both read the page's `requires` rule."""

from __future__ import annotations

import re

import pytest

from tests.conftest import login
from tests.factories import make_institute, make_user
from tracker.accounts.models import Role
from tracker.web.templating import MENU

ROLES = {
    "project manager": (Role.PROJECT_MANAGER,),
    "evaluator": (Role.EVALUATOR,),
    "investment committee": (Role.INVESTMENT_COMMITTEE,),
    "HQ admin": (Role.HQ_ADMIN,),
    "observer": (Role.OBSERVER,),
    "institute director": (),
    "no role yet": (),
}


def _menu_paths(client) -> set[str]:
    home = client.get("/").get_data(as_text=True)
    nav = re.search(r'<nav class="main-nav".*?</nav>', home, re.S).group(0)
    return set(re.findall(r'href="([^"]+)"', nav))


@pytest.mark.parametrize("role", ROLES)
def test_every_menu_link_opens_and_every_hidden_menu_page_refuses(client, role):
    user = make_user(*ROLES[role])
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
