"""A user's roles are worked out once and kept while nothing changes them: a page reads them
some eighty times (the menu's walls and permission rules); any change of a grant or of a
directorship is seen at once."""

from __future__ import annotations

from sqlalchemy import insert

from tests.conftest import login
from tests.factories import make_institute, make_user
from tracker import db
from tracker.accounts import models
from tracker.accounts.models import Role, RoleGrant


def test_the_roles_are_worked_out_once():
    user = make_user(Role.PROJECT_MANAGER)
    assert user.roles is user.roles == {Role.PROJECT_MANAGER}


def test_a_grant_added_or_removed_is_seen_at_once():
    user = make_user(Role.PROJECT_MANAGER)
    assert not user.has_role(Role.EVALUATOR)
    grant = RoleGrant(role=Role.EVALUATOR)
    user.role_grants.append(grant)
    assert user.roles == {Role.PROJECT_MANAGER, Role.EVALUATOR}
    user.role_grants.remove(grant)
    assert user.roles == {Role.PROJECT_MANAGER}
    user.role_grants[0].role = Role.OBSERVER
    assert user.roles == {Role.OBSERVER} and user.sees_whole_portfolio


def test_a_directorship_is_seen_at_once():
    user = make_user()
    assert Role.INSTITUTE_DIRECTOR not in user.roles
    institute = make_institute()
    institute.director = user
    assert Role.INSTITUTE_DIRECTOR in user.roles
    user.directed_institutes.remove(institute)
    assert Role.INSTITUTE_DIRECTOR not in user.roles


def test_a_grant_written_elsewhere_is_seen_once_the_user_is_read_again():
    user = make_user(Role.PROJECT_MANAGER)
    assert user.roles == {Role.PROJECT_MANAGER}
    db.session.execute(insert(RoleGrant).values(user_id=user.id, role=Role.EVALUATOR))
    db.session.expire(user)
    assert user.roles == {Role.PROJECT_MANAGER, Role.EVALUATOR}
    db.session.execute(insert(RoleGrant).values(user_id=user.id, role=Role.OBSERVER))
    db.session.refresh(user)
    assert Role.OBSERVER in user.roles


def test_a_page_works_the_roles_out_once(client, monkeypatch):
    """A signed-in 404: the menu asks of the user's roles for every item it may show."""
    login(client, make_user(Role.PROJECT_MANAGER))
    worked_out = []
    monkeypatch.setattr(models, "frozenset", lambda roles: worked_out.append(roles) or
                        frozenset(roles), raising=False)
    response = client.get("/projects/987654321")
    assert response.status_code == 404
    assert worked_out == [{Role.PROJECT_MANAGER}]
