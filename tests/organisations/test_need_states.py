"""An enterprise need moves by the table of tracker/organisations/need_states.py: the form
offers only the states that may follow, the service refuses a jump (an import too)."""

from __future__ import annotations

import pytest

from tests.conftest import login, post
from tests.factories import make_enterprise, make_institute, make_need, make_user
from tracker.accounts.models import Role
from tracker.errors import Invalid
from tracker.organisations import need_states
from tracker.organisations import services as organisations
from tracker.organisations.models import NeedState as S

ALLOWED = {
    (S.COLLECTED, S.ANALYSED), (S.COLLECTED, S.CLOSED),
    (S.ANALYSED, S.MATCHED), (S.ANALYSED, S.CLOSED),
    (S.MATCHED, S.CONTRACTED), (S.MATCHED, S.ANALYSED), (S.MATCHED, S.CLOSED),
}


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
        organisations.save_need(admin, need, state=S.CONTRACTED,
                                institute_id=make_institute().id)
    assert refused.value.field == "state"
    assert "moves to Analysed / Closed, not to Contracted" in str(refused.value)
    closed = make_need(state=S.CLOSED)
    with pytest.raises(Invalid, match="no longer changes"):
        organisations.save_need(admin, closed, state=S.COLLECTED)


def test_the_edit_form_offers_only_the_states_that_may_follow(client):
    need = make_need(institute=make_institute(), enterprise=make_enterprise())  # matched
    login(client, make_user(Role.HQ_ADMIN))
    page = client.get(f"/needs/{need.id}/edit").get_data(as_text=True)
    offered = set(need_states.choices(S.MATCHED))
    for state in S:
        assert (f'value="{state.value}"' in page) is (state in offered), state
    jump = post(client, f"/needs/{make_need().id}/edit", {
        "title": "Jump", "enterprise_id": str(need.enterprise_id), "centre_id": "0",
        "institute_id": str(need.institute_id), "state": "contracted"})
    assert jump.status_code == 400
