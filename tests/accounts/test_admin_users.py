"""HQ admins manage accounts in the UI; the shell can create them too."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import login, post
from tests.factories import PASSWORD, make_institute, make_user
from tracker import db
from tracker.accounts.models import Role, User
from tracker.audit.models import AuditRecord


def _form(**overrides):
    data = {"email": "new.pm@example.cn", "name": "New PM", "roles": ["project_manager"],
            "locale": "zh_CN", "institute_id": "0", "enterprise_id": "0",
            "password": "a-long-initial-password"}
    data.update(overrides)
    return data


def test_admin_creates_a_user_with_several_roles(client):
    admin = make_user(Role.HQ_ADMIN)
    institute = make_institute()
    login(client, admin)
    response = post(client, "/admin/users/new", _form(
        roles=["project_manager", "evaluator"], institute_id=str(institute.id)))
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "new.pm@example.cn"))
    assert user.roles == {Role.PROJECT_MANAGER, Role.EVALUATOR}
    assert user.institute_id == institute.id
    record = db.session.scalar(select(AuditRecord).where(
        AuditRecord.action == "user.create", AuditRecord.object_id == user.id))
    assert record.actor_id == admin.id
    assert record.changes["roles"] == [[], ["evaluator", "project_manager"]]
    assert record.changes["password_hash"] == ["***", "***"]
    assert "argon2" not in str(record.changes)


def test_new_user_errors_are_shown_beside_the_fields_and_input_kept(client):
    admin = make_user(Role.HQ_ADMIN)
    make_user(email="taken@example.cn")
    login(client, admin)
    response = post(client, "/admin/users/new", _form(email="taken@example.cn", name="Kept Name",
                                                      password="short"))
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "Another account already uses this e-mail." in page
    assert 'value="Kept Name"' in page
    response = post(client, "/admin/users/new", _form(password="short"))
    assert "Use at least 12 characters." in response.get_data(as_text=True)


def test_admin_deactivates_a_user_whose_sessions_end(client, app):
    admin = make_user(Role.HQ_ADMIN)
    victim = make_user(Role.PROJECT_MANAGER)
    their_browser = app.test_client()
    login(their_browser, victim)
    login(client, admin)
    response = post(client, f"/admin/users/{victim.id}", _form(
        email=victim.email, name=victim.name, roles=["project_manager"], active=""))
    assert response.status_code == 302
    db.session.refresh(victim)
    assert victim.active is False
    assert their_browser.get("/").status_code == 302
    refused = post(app.test_client(), "/login", {"email": victim.email, "password": PASSWORD})
    assert refused.status_code == 401


def test_admin_cannot_deactivate_themselves(client):
    admin = make_user(Role.HQ_ADMIN)
    login(client, admin)
    response = post(client, f"/admin/users/{admin.id}", _form(
        email=admin.email, name=admin.name, roles=["hq_admin"], active=""))
    assert "You cannot deactivate your own account." in response.get_data(as_text=True)
    db.session.refresh(admin)
    assert admin.active


def test_there_is_no_way_to_delete_a_user(client, app):
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("users.")]
    assert all("DELETE" not in r.methods for r in rules)
    assert not any("delete" in r.rule for r in rules)


def test_admin_resets_a_password_and_lifts_a_lock(client):
    admin = make_user(Role.HQ_ADMIN)
    locked = make_user(failed_logins=0, locked_until=db.utcnow().replace(year=2100))
    login(client, admin)
    response = post(client, f"/admin/users/{locked.id}/password",
                    {"reset-password": "reset-by-the-admin-1"})
    assert response.status_code == 302
    db.session.refresh(locked)
    assert locked.locked_until is None


def test_non_admins_get_403_on_user_pages(client):
    pm = make_user(Role.PROJECT_MANAGER, Role.EVALUATOR, Role.OBSERVER)
    other = make_user()
    login(client, pm)
    assert client.get("/admin/users/").status_code == 403
    assert client.get(f"/admin/users/{other.id}").status_code == 403
    assert post(client, "/admin/users/new", _form()).status_code == 403


def test_user_list_filters_by_role_and_search(client):
    admin = make_user(Role.HQ_ADMIN, name="Admin Person")
    make_user(Role.EVALUATOR, name="Eva Luator")
    make_user(Role.PROJECT_MANAGER, name="Pat Manager")
    login(client, admin)
    page = client.get("/admin/users/?role=evaluator").get_data(as_text=True)
    assert "Eva Luator" in page and "Pat Manager" not in page
    page = client.get("/admin/users/?q=pat").get_data(as_text=True)
    assert "Pat Manager" in page and "Eva Luator" not in page


def test_the_role_filter_offers_every_role_directors_and_external_experts_too(client):
    """Issue 9, F45: the filter lacked external experts (a grant HQ does not give by hand) and
    directors (no grant: an institute names them)."""
    admin = make_user(Role.HQ_ADMIN, name="Admin Person")
    make_user(Role.EXTERNAL_EXPERT, name="Outside Expert")
    director = make_user(name="Dee Rector")
    make_institute(director)
    make_user(Role.PROJECT_MANAGER, name="Pat Manager")
    login(client, admin)
    page = client.get("/admin/users/").get_data(as_text=True)
    for role in Role:
        assert f'<option value="{role.value}"' in page, role
    page = client.get("/admin/users/?role=external_expert").get_data(as_text=True)
    assert "Outside Expert" in page and "Pat Manager" not in page
    page = client.get("/admin/users/?role=institute_director").get_data(as_text=True)
    assert "Dee Rector" in page and "Pat Manager" not in page and "Outside Expert" not in page


def test_cli_creates_a_user_reading_the_password_from_stdin(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "Shell@Example.cn", "--role", "hq_admin",
                                 "--role", "observer"], input="a-password-from-stdin\n")
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "shell@example.cn"))
    assert user.roles == {Role.HQ_ADMIN, Role.OBSERVER}


def test_cli_refuses_a_short_password(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["users", "create", "x@example.cn", "--role", "observer"],
                           input="short\n")
    assert result.exit_code != 0
    assert "12" in result.output


def test_an_admin_sets_a_staff_number_once_per_person(client):
    admin = make_user(Role.HQ_ADMIN)
    make_user(staff_number="T2024001")
    login(client, admin)
    refused = post(client, "/admin/users/new", _form(staff_number="T2024001"))
    assert refused.status_code == 400
    assert "Another account already has this staff number." in refused.get_data(as_text=True)
    assert post(client, "/admin/users/new", _form(staff_number=" T2024002 ")).status_code == 302
    user = db.session.scalar(select(User).where(User.email == "new.pm@example.cn"))
    assert user.staff_number == "T2024002"
    edit = client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    assert 'value="T2024002"' in edit


def test_the_status_filter_names_a_status_as_the_list_does(client):
    """The list says Active or Deactivated; its filter offered "Active and inactive" (a
    newcomer's walk: two names for one status)."""
    login(client, make_user(Role.HQ_ADMIN))
    page = client.get("/admin/users/").get_data(as_text=True)
    assert ">Active and deactivated<" in page and "inactive<" not in page
