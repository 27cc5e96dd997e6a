"""An enterprise need moves by the table of tracker/organisations/need_states.py: the form
offers only the states that may follow, the service refuses a jump (an import too)."""

from __future__ import annotations

import re

import pytest

from tests.conftest import login, post
from tests.factories import make_institute, make_need, make_user
from tests.techfields.test_fields import _version
from tracker import db
from tracker.accounts.models import Role
from tracker.errors import Invalid
from tracker.organisations import need_states
from tracker.organisations import services as organisations
from tracker.organisations.models import NeedState as S
from tracker.techfields import services as techfields

ALLOWED = {
    (S.COLLECTED, S.ANALYSED), (S.COLLECTED, S.CLOSED),
    (S.ANALYSED, S.MATCHED), (S.ANALYSED, S.CLOSED),
    (S.MATCHED, S.ANALYSED), (S.MATCHED, S.CLOSED),
}  # contracted: only by a signed research contract (tracker/needs/contracted.py)


@pytest.mark.parametrize("source", list(S))
@pytest.mark.parametrize("target", list(S))
def test_the_table(source, target):
    allowed = source == target or (source, target) in ALLOWED
    assert (need_states.check(source, target) is None) is allowed


def test_a_new_need_is_recorded_in_any_state():
    assert need_states.choices(None) == list(S)


def test_the_service_refuses_a_jump_beside_the_state():
    admin = make_user(Role.HQ_ADMIN)
    need = make_need()  # collected
    with pytest.raises(Invalid) as refused:
        organisations.save_need(admin, need, state=S.MATCHED,
                                institute_id=make_institute().id)
    assert refused.value.field == "state"
    assert "moves to Analysed / Closed, not to Matched" in str(refused.value)
    with pytest.raises(Invalid, match="research contract is signed"):
        organisations.save_need(admin, need, state=S.CONTRACTED)
    closed = make_need(state=S.CLOSED)
    with pytest.raises(Invalid, match="no longer changes"):
        organisations.save_need(admin, closed, state=S.COLLECTED)


def test_the_page_offers_only_the_moves_that_may_follow(client):
    """A need on record moves by the actions of its page (tracker/needs), never through its
    edit form; the "Move" form offers what the table allows (matched: by the match decision,
    analysed from collected: by the analysis)."""
    login(client, make_user(Role.HQ_ADMIN))
    offered = {S.COLLECTED: {S.CLOSED}, S.ANALYSED: {S.CLOSED},
               S.MATCHED: {S.ANALYSED, S.CLOSED}, S.CONTRACTED: set(),
               S.CLOSED: set()}
    for state, moves in offered.items():
        need = make_need(institute=make_institute(), state=state, close_reason="Old")
        page = client.get(f"/needs/{need.id}").get_data(as_text=True)
        select = re.search(r'name="move-target".*?</select>', page, re.S)
        assert (select is not None) is bool(moves), state
        for target in S:
            assert (select is not None and f'value="{target.value}"' in select.group(0)) is (
                target in moves), (state, target)
    need = make_need()
    assert 'name="state"' not in client.get(f"/needs/{need.id}/edit").get_data(as_text=True)
    jump = post(client, f"/needs/{need.id}/state", {"move-target": "contracted"})
    assert jump.status_code == 400
    db.session.refresh(need)
    assert need.state is S.COLLECTED


def test_a_signed_contract_makes_the_need_contracted_with_its_time():
    from tests.factories import make_project
    from tests.gates import helpers as gate_helpers

    need = make_need(institute=make_institute())
    pm = make_user(Role.PROJECT_MANAGER, institute_id=need.institute_id)
    project = make_project(pm=pm, institute=need.institute, need_id=need.id,
                           partner_enterprise_id=need.enterprise_id)
    gate_helpers.sign_contract(project)
    db.session.refresh(need)
    assert need.state is S.CONTRACTED and need.contracted_at is not None


def test_the_edit_form_keeps_the_field_chosen_and_leaves_the_state(client):
    """The edit form has no state (the page's actions move it) but still the technical field
    of HQ's list (tracker/techfields): the field chosen on an edit is saved."""
    admin = make_user(Role.HQ_ADMIN)
    robotics = techfields.save_field(admin, None, code="RB", name="机器人", name_en="Robotics")
    need = make_need(state=S.ANALYSED)
    db.session.commit()
    login(client, admin)
    page = client.get(f"/needs/{need.id}/edit").get_data(as_text=True)
    response = post(client, f"/needs/{need.id}/edit", {
        "title": need.title, "description": "", "enterprise_id": str(need.enterprise_id),
        "centre_id": "0", "institute_id": "0", "intended_investment": "",
        "field_id": str(robotics.id), "version": _version(page)})
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.refresh(need)
    assert need.field_id == robotics.id and need.state is S.ANALYSED
    assert "Robotics" in client.get(f"/needs/{need.id}").get_data(as_text=True)
