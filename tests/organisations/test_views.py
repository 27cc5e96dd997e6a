"""Organisation pages by role: who lists, views, creates and edits what."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import event, select

from tests.conftest import login, post
from tests.factories import (
    make_centre,
    make_enterprise,
    make_hq,
    make_institute,
    make_need,
    make_user,
    uscc_for,
)
from tracker import db
from tracker.accounts.models import Role, User
from tracker.audit.models import AuditRecord
from tracker.organisations.models import Enterprise, Institute, NeedState, TechnologyNeed

LIST_PAGES = ["/institutes/", "/enterprises/", "/centres/"]


@pytest.mark.parametrize("path", LIST_PAGES + ["/needs/", "/admin/users/", "/audit/"])
def test_anonymous_is_redirected_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


# An external expert's account opens their reviews only (tests/experts/test_external_expert.py),
# an enterprise contact's their enterprise's needs (tests/needs/test_intake.py).
@pytest.mark.parametrize("role", [r for r in Role
                                  if r not in (Role.EXTERNAL_EXPERT, Role.ENTERPRISE_CONTACT)])
def test_directory_pages_open_to_every_role(client, role):
    user = make_user(role) if role is not Role.INSTITUTE_DIRECTOR else make_user()
    if role is Role.INSTITUTE_DIRECTOR:
        make_institute(director=user)
    login(client, user)
    for path in LIST_PAGES:
        assert client.get(path).status_code == 200, path


@pytest.mark.parametrize("path", ["/institutes/new", "/enterprises/new", "/centres/new",
                                  "/needs/new"])
@pytest.mark.parametrize("role", [Role.PROJECT_MANAGER, Role.EVALUATOR, Role.OBSERVER,
                                  Role.INVESTMENT_COMMITTEE])
def test_only_hq_admins_create(client, path, role):
    login(client, make_user(role))
    assert client.get(path).status_code == 403
    assert post(client, path, {"name": "x"}).status_code == 403


def test_observer_sees_but_cannot_edit(client):
    institute = make_institute()
    login(client, make_user(Role.OBSERVER))
    page = client.get(f"/institutes/{institute.id}")
    assert page.status_code == 200
    assert f"/institutes/{institute.id}/edit" not in page.get_data(as_text=True)
    assert client.get(f"/institutes/{institute.id}/edit").status_code == 403


def test_admin_creates_an_enterprise_and_the_change_is_audited(client):
    admin = make_user(Role.HQ_ADMIN)
    login(client, admin)
    code = uscc_for(424242)
    response = post(client, "/enterprises/new", {"name": "南京某某科技有限公司",
                                                 "uscc": code.lower(), "city": "南京",
                                                 "industry": "AI"})
    assert response.status_code == 302
    enterprise = db.session.scalar(select(Enterprise).where(Enterprise.uscc == code))
    assert enterprise.name == "南京某某科技有限公司"
    record = db.session.scalar(select(AuditRecord).where(
        AuditRecord.object_type == "enterprises", AuditRecord.object_id == enterprise.id))
    assert record.action == "enterprise.create" and record.actor_id == admin.id
    assert record.changes["uscc"] == [None, code]
    history = client.get(f"/history/enterprises/{enterprise.id}")
    assert history.status_code == 200 and "Enterprise created" in history.get_data(as_text=True)


def test_an_invalid_uscc_is_refused_beside_the_field(client):
    login(client, make_user(Role.HQ_ADMIN))
    response = post(client, "/enterprises/new", {"name": "Typo Ltd", "uscc": "91350100M000100Y44"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The check character" in page
    assert 'value="Typo Ltd"' in page
    assert db.session.scalar(select(Enterprise).where(Enterprise.name == "Typo Ltd")) is None


def test_a_duplicate_institute_code_is_refused(client):
    make_institute(code="DUP")
    login(client, make_user(Role.HQ_ADMIN))
    response = post(client, "/institutes/new", {"code": "dup", "name": "n", "field": "f",
                                                "type": "joint", "director_id": "0"})
    assert "Another institute already has this code." in response.get_data(as_text=True)


def test_admin_edits_an_institute_and_names_its_director(client):
    institute = make_institute(name="Old name")
    director = make_user()
    login(client, make_user(Role.HQ_ADMIN))
    response = post(client, f"/institutes/{institute.id}/edit", {
        "code": institute.code, "name": "New name", "field": "Robotics", "type": "affiliated",
        "founded_on": "2019-11-05", "director_id": str(director.id)})
    assert response.status_code == 302
    db.session.refresh(institute)
    assert (institute.name, institute.director_id) == ("New name", director.id)
    record = db.session.scalars(select(AuditRecord).where(
        AuditRecord.object_type == "institutes", AuditRecord.object_id == institute.id)
            .order_by(AuditRecord.id)).all()[-1]
    assert record.changes["name"] == ["Old name", "New name"]
    assert record.changes["type"] == ["independent", "affiliated"]


def test_need_of_another_institute_is_404_for_a_director(client):
    director = make_user()
    mine = make_institute(director=director)
    theirs = make_institute()
    my_need = make_need(institute=mine)
    their_need = make_need(institute=theirs)
    login(client, director)
    assert client.get(f"/needs/{my_need.id}").status_code == 200
    assert client.get(f"/needs/{their_need.id}").status_code == 404
    assert client.get(f"/history/technology_needs/{their_need.id}").status_code == 404
    listing = client.get("/needs/").get_data(as_text=True)
    assert my_need.title in listing and their_need.title not in listing


def test_pm_sees_needs_of_their_institute_only(client):
    institute = make_institute()
    pm = make_user(Role.PROJECT_MANAGER, institute_id=institute.id)
    mine = make_need(institute=institute)
    unmatched = make_need()
    login(client, pm)
    listing = client.get("/needs/").get_data(as_text=True)
    assert mine.title in listing and unmatched.title not in listing
    assert client.get(f"/needs/{unmatched.id}").status_code == 404


def test_evaluator_alone_may_not_list_needs(client):
    login(client, make_user(Role.EVALUATOR))
    assert client.get("/needs/").status_code == 403


def test_visible_to_agrees_with_can_view():
    director = make_user()
    institute = make_institute(director=director)
    pm = make_user(Role.PROJECT_MANAGER, institute_id=institute.id)
    people = [director, pm, make_user(Role.OBSERVER), make_user(Role.EVALUATOR), make_user()]
    needs = [make_need(institute=institute), make_need(), make_need(institute=make_institute())]
    for user in people:
        by_sql = set(db.session.scalars(
            select(TechnologyNeed.id).where(TechnologyNeed.visible_to(user))))
        by_python = {n.id for n in needs if n.can_view(user)}
        assert by_sql & {n.id for n in needs} == by_python, user


def test_matched_need_must_name_an_institute(client):
    enterprise = make_enterprise()
    login(client, make_user(Role.HQ_ADMIN))
    response = post(client, "/needs/new", {
        "title": "Need", "enterprise_id": str(enterprise.id), "centre_id": "0",
        "institute_id": "0", "intended_investment": "1,000,000", "state": "matched"})
    assert "names the institute" in response.get_data(as_text=True)


def test_need_amount_is_exact_and_negative_refused(client):
    enterprise = make_enterprise()
    institute = make_institute()
    login(client, make_user(Role.HQ_ADMIN))
    base = {"title": "Exact", "enterprise_id": str(enterprise.id), "centre_id": "0",
            "institute_id": str(institute.id), "state": "matched"}
    bad = post(client, "/needs/new", {**base, "intended_investment": "-5"})
    assert bad.status_code == 400
    too_precise = post(client, "/needs/new", {**base, "intended_investment": "1.234"})
    assert "two decimal places" in too_precise.get_data(as_text=True)
    good = post(client, "/needs/new", {**base, "intended_investment": "1,234,567.89"})
    assert good.status_code == 302
    need = db.session.scalar(select(TechnologyNeed).where(TechnologyNeed.title == "Exact"))
    assert need.intended_investment == Decimal("1234567.89")
    assert need.state is NeedState.MATCHED


def test_centre_of_another_enterprise_is_refused(client):
    centre = make_centre()
    other = make_enterprise()
    login(client, make_user(Role.HQ_ADMIN))
    response = post(client, "/needs/new", {
        "title": "Mismatch", "enterprise_id": str(other.id), "centre_id": str(centre.id),
        "institute_id": "0", "intended_investment": "", "state": "collected"})
    assert "belongs to another enterprise" in response.get_data(as_text=True)


def test_lists_search_filter_and_paginate(client, app):
    for i in range(30):
        make_institute(code=f"PG{i:02d}", name=f"Paged institute {i:02d}")
    login(client, make_user(Role.OBSERVER))
    first = client.get("/institutes/?q=Paged").get_data(as_text=True)
    assert "Paged institute 00" in first and "Paged institute 29" not in first
    assert "30 results" in first
    second = client.get("/institutes/?q=Paged&page=2").get_data(as_text=True)
    assert "Paged institute 29" in second
    filtered = client.get("/institutes/?type=joint&q=Paged").get_data(as_text=True)
    assert "Paged institute" not in filtered
    assert client.get("/institutes/?page=abc").status_code == 200


def test_unknown_ids_are_404(client):
    login(client, make_user(Role.HQ_ADMIN))
    for path in ["/institutes/999999", "/enterprises/999999", "/centres/999999",
                 "/needs/999999", "/history/institutes/999999", "/history/nothing/1"]:
        assert client.get(path).status_code == 404, path


def test_institute_page_lists_its_needs_for_those_who_may_see_them(client):
    institute = make_institute()
    need = make_need(institute=institute)
    login(client, make_user(Role.EVALUATOR))
    page = client.get(f"/institutes/{institute.id}").get_data(as_text=True)
    assert need.title not in page
    assert db.session.get(Institute, institute.id) is not None


def test_a_founding_or_establishment_is_not_dated_in_the_future(client):
    """The dates of reference data that has happened are bounded: not before the range of
    founding dates, not after today (by the form, and by the session for any other writer)."""
    from datetime import timedelta

    from tracker.dates import today
    from tracker.errors import Invalid

    make_hq()  # without one the form is refused first: nothing can be founded before it
    login(client, make_user(Role.HQ_ADMIN))
    response = post(client, "/institutes/new", {
        "code": "JITRI-FUT", "name": "未来研究所", "field": "Materials", "type": "independent",
        "founded_on": "2099-01-01", "director_id": "0"})
    assert response.status_code == 400 and "is in the future." in response.get_data(as_text=True)
    assert db.session.scalar(select(Institute).where(Institute.code == "JITRI-FUT")) is None
    enterprise = make_enterprise()
    response = post(client, "/centres/new", {
        "name": "未来中心", "enterprise_id": str(enterprise.id),
        "established_on": (today() + timedelta(days=1)).isoformat()})
    assert response.status_code == 400 and "is in the future." in response.get_data(as_text=True)
    institute = make_institute()
    institute.founded_on = today() + timedelta(days=1)
    with pytest.raises(Invalid, match="is in the future"):
        db.session.flush()
    db.session.rollback()


@pytest.mark.parametrize(("locale", "shown", "hidden"), [("en", "Xuzhou", "徐州"),
                                                          ("zh_CN", "徐州", "Xuzhou")])
def test_the_enterprise_and_centre_lists_show_the_city_in_the_readers_language(
        client, locale, shown, hidden):
    enterprise = make_enterprise(name="徐工", name_en="XCMG", city="徐州", city_en="Xuzhou")
    make_centre(enterprise=enterprise, city="徐州", city_en="Xuzhou")
    login(client, make_user(Role.OBSERVER, locale=locale))
    for path in ("/enterprises/", "/centres/", f"/enterprises/{enterprise.id}"):
        page = client.get(path).get_data(as_text=True)
        assert shown in page and hidden not in page, path


@pytest.mark.parametrize("language", ["en", "zh"])
def test_the_director_choice_loads_ids_and_names_not_accounts(client, language):
    """Issue 21 point 2: the institute form's director drop-down (1,006 staff at full size)
    reads two columns; no account is loaded as a record but the viewer's own."""
    admin = make_user(Role.HQ_ADMIN)
    staff = [make_user(name=f"Staff {n}") for n in range(3)]
    institute = make_institute(director=staff[0])
    login(client, admin)
    shown = [(user.id, user.name) for user in staff]
    ids = {admin.id, staff[0].id}
    db.session.expunge_all()  # accounts read anew by the page, as in production
    loaded: list = []

    def count(target, context):
        loaded.append(target.id)

    event.listen(User, "load", count)
    try:
        pages = [client.get(path, headers={"Accept-Language": language})
                 for path in ("/institutes/new", f"/institutes/{institute.id}/edit")]
    finally:
        event.remove(User, "load", count)
    for page in pages:
        text = page.get_data(as_text=True)
        assert page.status_code == 200
        assert all(f'value="{id_}"' in text and name in text for id_, name in shown)
    assert not set(loaded) - ids
