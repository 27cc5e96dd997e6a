"""A project manager who leads projects under way keeps the role (issue 13, adoption finding
F11): a users file re-imported with an empty Roles cell took every role from a PM leading three
projects, one in investment decision, and his projects vanished from his home page. The form
and the import ask one rule (`accounts.services.still_leads`), naming the projects; a PM whose
projects are all closed, or who leads none, can lose the role."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from tests.conftest import login, post
from tests.factories import make_project, make_user
from tests.imports.helpers import run
from tracker import db
from tracker.accounts.models import Role
from tracker.imports.models import ImportState
from tracker.projects.lifecycle import Phase

USERS = ["E-mail", "Full name", "Roles"]


def _form(user, **overrides):
    data = {"email": user.email, "name": user.name, "roles": ["evaluator"], "locale": "en",
            "institute_id": "0", "enterprise_id": "0", "active": "y"}
    return {**data, **overrides}


@pytest.mark.parametrize(("locale", "said"), [
    ("en", "leads 2 projects under way, {a}, {b}: hand them to another project manager"),
    ("zh_CN", "负责 2 个在研项目（{a}、{b}）：请先移交给其他项目经理，再移除项目经理角色。")])
def test_the_form_refuses_to_take_the_role_from_a_pm_leading_projects(client, locale, said):
    pm = make_user(Role.PROJECT_MANAGER, Role.EVALUATOR)
    running = make_project(pm=pm, phase=Phase.INVESTMENT_DECISION)
    held = make_project(pm=pm, phase=Phase.ON_HOLD)
    make_project(pm=pm, phase=Phase.COMPLETED)  # closed: not named
    login(client, make_user(Role.HQ_ADMIN, locale=locale))
    response = post(client, f"/admin/users/{pm.id}", _form(pm))
    assert response.status_code == 400
    assert said.format(a=running.code, b=held.code) in response.get_data(as_text=True)
    db.session.refresh(pm)
    assert Role.PROJECT_MANAGER in pm.roles


def test_a_pm_whose_projects_are_closed_loses_the_role(client):
    pm = make_user(Role.PROJECT_MANAGER)
    make_project(pm=pm, phase=Phase.COMPLETED)
    login(client, make_user(Role.HQ_ADMIN))
    assert post(client, f"/admin/users/{pm.id}", _form(pm)).status_code == 302
    db.session.refresh(pm)
    assert pm.roles == {Role.EVALUATOR}


def test_a_users_file_with_an_empty_roles_cell_keeps_a_leading_pm_s_role():
    admin = make_user(Role.HQ_ADMIN)
    pm = make_user(Role.PROJECT_MANAGER, Role.EVALUATOR, email="wanglx@syiit.cn")
    project = make_project(pm=pm, phase=Phase.CONTRACT_RESEARCH)
    colleague = make_user(Role.EVALUATOR, email="lina@syiit.cn")
    with force_locale("en"):
        result = run(admin, "users", [USERS, ["wanglx@syiit.cn", pm.name, ""],
                                      ["lina@syiit.cn", colleague.name, "project_manager"]])
    assert result.state is ImportState.FAILED
    assert [(row, column) for row, column, _m in result.errors] == [(2, "Roles")], result.errors
    assert project.code in result.errors[0][2]
    db.session.refresh(pm)
    assert pm.roles == {Role.PROJECT_MANAGER, Role.EVALUATOR}
