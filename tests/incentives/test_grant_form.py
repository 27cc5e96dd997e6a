"""A grant's form (issue 16, F10, found by a newcomer): it asks who, what, how many and when
before the vesting terms; its person list offers those who may plausibly receive a grant (the
staff of the company's projects' institutes, their PMs and confirmed team members, those granted
before), never an external expert, an HQ admin or an account elsewhere; and a user chosen with a
name typed as well, or neither, is refused beside the name."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.conftest import login, post
from tests.factories import _commit, make_institute, make_user
from tests.incentives.test_grant_preview import count, form
from tests.incentives.test_grants import company, grant  # noqa: F401 - the fixture
from tracker import db
from tracker.accounts.models import Role
from tracker.db import utcnow
from tracker.errors import Invalid
from tracker.incentives import services
from tracker.incentives.models import IncentiveGrant
from tracker.projects.models import ProjectMember


def _people(company):  # noqa: F811
    project = company.projects[0]
    staff = make_user(Role.PROJECT_MANAGER, name="Staff Sun", institute_id=project.institute_id)
    member = make_user(Role.EVALUATOR, name="Member Ma")
    pending = make_user(Role.EVALUATOR, name="Pending Pan")
    db.session.add_all([
        ProjectMember(project_id=project.id, user_id=member.id, confirmed_at=utcnow()),
        ProjectMember(project_id=project.id, user_id=pending.id)])
    elsewhere = make_user(Role.PROJECT_MANAGER, name="Elsewhere Li",
                          institute_id=make_institute().id)
    expert = make_user(Role.EXTERNAL_EXPERT, name="Expert Wu",
                       institute_id=project.institute_id)
    admin = make_user(Role.HQ_ADMIN, name="Admin Zhao", institute_id=project.institute_id)
    closed = make_user(Role.PROJECT_MANAGER, name="Closed Qian",
                       institute_id=project.institute_id, active=False)
    _commit()
    return {"staff": staff, "member": member, "pending": pending, "elsewhere": elsewhere,
            "expert": expert, "admin": admin, "closed": closed, "pm": project.pm}


def test_the_person_list_offers_who_may_plausibly_receive_a_grant(client, company):  # noqa: F811
    people = _people(company)
    offered = {u.id for u in services.grantees(company)}
    assert {people[k].id for k in ("staff", "member", "pm")} <= offered
    assert not {people[k].id for k in ("pending", "elsewhere", "expert", "admin", "closed")
                } & offered
    login(client, make_user(Role.HQ_ADMIN))
    page = client.get(f"/companies/{company.id}/incentives/new").get_data(as_text=True)
    assert "Staff Sun" in page and "Member Ma" in page
    for name in ("Pending Pan", "Elsewhere Li", "Expert Wu", "Admin Zhao", "Closed Qian"):
        assert name not in page
    # One not offered, sent anyway, is refused beside the field; nothing is granted.
    answer = post(client, f"/companies/{company.id}/incentives/new",
                  form(company, user_id=people["elsewhere"].id, person_name=""))
    assert answer.status_code == 400 and count(IncentiveGrant) == 0


def test_the_service_refuses_an_expert_or_an_hq_admin(company):  # noqa: F811
    people = _people(company)
    for who in ("expert", "admin", "closed"):
        with pytest.raises(Invalid) as refused:
            grant(company, user=people[who], person_name="")
        assert refused.value.field == "user_id"
        assert "are not grantees" in refused.value.message


def test_the_form_asks_who_and_what_before_the_vesting_terms(client, company):  # noqa: F811
    login(client, make_user(Role.HQ_ADMIN))
    page = client.get(f"/companies/{company.id}/incentives/new").get_data(as_text=True)
    order = [page.index(f'name="{name}"') for name in (
        "user_id", "person_name", "kind", "shares", "exercise_price", "pool_id", "granted_on",
        "vesting_start", "vesting_months", "cliff_months", "lock_up_until")]
    assert order == sorted(order)


@pytest.mark.parametrize("user, name, said", [
    (True, "Somebody Else", "Choose a user or type a name, not both"),
    (False, "", "Name the person, or choose them from the users."),
])
def test_a_user_and_a_name_or_neither_is_refused_beside_the_name(client, company,  # noqa: F811
                                                                 user, name, said):
    staff = _people(company)["staff"]
    login(client, make_user(Role.HQ_ADMIN))
    answer = post(client, f"/companies/{company.id}/incentives/new",
                  form(company, user_id=staff.id if user else 0, person_name=name))
    text = answer.get_data(as_text=True)
    assert answer.status_code == 400 and said in text
    beside = text[text.index('id="person_name-error"'):]
    assert said in beside[:beside.index("</div>")]
    assert count(IncentiveGrant) == 0
    with pytest.raises(Invalid) as refused:
        grant(company, user=staff if user else None, person_name=name)
    assert refused.value.field == "person_name"


def test_a_user_alone_is_granted_in_their_own_name(company):  # noqa: F811
    staff = _people(company)["staff"]
    record = grant(company, user=staff, person_name="", shares=Decimal("1000"))
    assert record.person_name == "Staff Sun" and record.user_id == staff.id
