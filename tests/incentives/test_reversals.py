"""An exercise or a leaving recorded by mistake is reversed with a reason (issue 16, F6, found
by a newcomer: neither could be undone), as every ledger is corrected: a reversing entry, both
kept and in the grant's history, and every figure follows (the cap table issued and fully
diluted, vesting, what may be exercised, the pool's promise). A leaving restored whose
forfeited options or shares the pool has granted since is refused (409); and recording a
leaving is first shown for confirmation: what is forfeited, what stays vested, the window."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.companies import helpers
from tests.conftest import login, post
from tests.factories import _commit, make_user
from tests.incentives.test_grants import company, grant, pool_of  # noqa: F401 - the fixture
from tracker import db
from tracker.accounts.models import Role
from tracker.audit.models import AuditRecord
from tracker.companies import ledger
from tracker.companies import services as companies
from tracker.companies.models import HolderType
from tracker.dates import today
from tracker.display.formatting import day
from tracker.errors import Refused
from tracker.incentives import dilution, reversals, services
from tracker.incentives.models import LeavingReversal

D = Decimal


def _actions(record):
    return db.session.scalars(select(AuditRecord.action).where(
        AuditRecord.object_type == "incentive_grants", AuditRecord.object_id == record.id)
        .order_by(AuditRecord.id)).all()


def _diluted(company, name):  # noqa: F811
    table = dilution.fully_diluted(ledger.cap_table(company, today()),
                                   services.grants_of(company))
    return {r.holder.name: (r.issued, r.diluted) for r in table.rows}.get(name)


def test_an_exercise_reversed_counts_nowhere_and_stays_marked(client, company):  # noqa: F811
    admin = helpers.manager()
    alice = grant(company, admin)  # 400,000 options, 100,000 vested
    done = services.exercise(admin, alice, helpers.days_ago(5), D("60000"))
    _commit()
    assert _diluted(company, "Alice") == (D("60000"), D("400000"))
    assert done.can_reverse(admin) and done.refusal() is None
    reversal = reversals.reverse_exercise(admin, done, "Typed on the wrong grant")
    _commit()
    assert reversal.entry.reverses_id == done.entry_id and reversal.entry.shares == D("-60000")
    assert alice.exercised() == 0 and alice.exercisable(today()) == D("100000")
    assert alice.exercises == [] and alice.all_exercises == [done]
    assert ledger.cap_table(company, today()).shares_of_holder(pool_of(company).id) == D(
        "2000000")
    assert _diluted(company, "Alice") == (0, D("400000"))
    assert services.promised(company, pool_of(company)) == D("400000")
    assert _actions(alice)[-1] == "incentive.exercise_reverse"
    assert done.can_reverse(admin) and done.refusal() is not None  # who may, not when
    reversed_on = f"This entry was reversed on {day(today())}: it no longer counts."
    with pytest.raises(Refused, match=re.escape(reversed_on)):
        reversals.reverse_exercise(admin, done, "Again")
    login(client, make_user(Role.HQ_ADMIN))
    page = client.get(f"/incentives/grants/{alice.id}").get_data(as_text=True)
    assert f"Reversed on {day(today())}" in page and "Typed on the wrong grant" in page
    assert f"/incentives/exercises/{done.id}/reverse" not in page  # no form offered
    again = client.get(f"/incentives/exercises/{done.id}/reverse")
    assert again.status_code == 409 and reversed_on in again.get_data(as_text=True)
    history = client.get(f"/history/incentive_grants/{alice.id}").get_data(as_text=True)
    assert "Options exercised" in history and "Exercise of options reversed" in history


def test_an_exercise_is_reversed_through_its_form(client, company):  # noqa: F811
    admin = helpers.manager()
    alice = grant(company, admin)
    done = services.exercise(admin, alice, helpers.days_ago(5), D("1000"))
    _commit()
    login(client, make_user(Role.HQ_ADMIN))
    page = client.get(f"/incentives/grants/{alice.id}").get_data(as_text=True)
    assert f"/incentives/exercises/{done.id}/reverse" in page
    path = f"/incentives/exercises/{done.id}/reverse"
    assert post(client, path, {"reason": "", "once": "r1"}).status_code == 400
    answer = post(client, path, {"reason": "Entered twice", "once": "r2"})
    assert answer.status_code == 302 and alice.exercised() == 0


def test_an_exercise_counted_by_a_recorded_lapse_stays(company):  # noqa: F811
    admin = helpers.manager()
    alice = grant(company, admin, granted_on=helpers.days_ago(380),
                  vesting_start=helpers.days_ago(380), vesting_months=6, cliff_months=0)
    done = services.exercise(admin, alice, helpers.days_ago(100), D("1000"))
    services.forfeit(admin, alice, helpers.days_ago(95), "Left")
    services.lapse_options(today())
    _commit()
    assert done.can_reverse(admin) and done.refusal() is not None  # who may, not when
    with pytest.raises(Refused, match="lapsed on"):
        reversals.reverse_exercise(admin, done, "Mistake")


def test_a_leaving_reversed_restores_the_grant_and_every_figure(client, company):  # noqa: F811
    admin = helpers.manager()
    alice = grant(company, admin)
    services.forfeit(admin, alice, helpers.days_ago(5), "Left for a university")
    _commit()
    assert services.promised(company, pool_of(company)) == D("100000")
    assert alice.can_reverse_leaving(admin) and alice.leaving_refusal() is None
    reversal = reversals.reverse_leaving(admin, alice, "She did not leave: another Alice did")
    _commit()
    assert (alice.left_on, alice.forfeited, alice.exercise_until) == (None, 0, None)
    assert alice.fully_vested_on == alice.schedule.fully_vested_on  # vesting goes on
    assert services.promised(company, pool_of(company)) == D("400000")
    assert _diluted(company, "Alice") == (0, D("400000"))
    kept = db.session.scalar(select(LeavingReversal))
    assert kept is reversal and (kept.left_on, kept.forfeited, kept.forfeit_reason) == (
        helpers.days_ago(5), D("300000"), "Left for a university")
    assert _actions(alice)[-2:] == ["incentive.forfeit", "incentive.forfeit_reverse"]
    assert alice.can_reverse_leaving(admin) and alice.leaving_refusal() is not None
    login(client, make_user(Role.HQ_ADMIN))
    page = client.get(f"/incentives/grants/{alice.id}").get_data(as_text=True)
    assert "Leavings reversed" in page and "another Alice did" in page
    assert "/leaving/reverse" not in page and "The person left" in page
    refused = client.get(f"/incentives/grants/{alice.id}/leaving/reverse")
    assert refused.status_code == 409
    assert "No leaving is recorded" in refused.get_data(as_text=True)


def test_a_leaver_s_shares_come_back_by_a_reversing_entry(client, company):  # noqa: F811
    admin = helpers.manager()
    bob = grant(company, admin, person_name="Bob", kind="shares", shares=D("48000"),
                exercise_price=None)
    services.forfeit(admin, bob, helpers.days_ago(5), "Left")
    _commit()
    returned = bob.forfeit_entry
    assert _diluted(company, "Bob")[0] == D("12000")
    login(client, make_user(Role.HQ_ADMIN))
    page = client.get(f"/incentives/grants/{bob.id}").get_data(as_text=True)
    assert f"/incentives/grants/{bob.id}/leaving/reverse" in page
    answer = post(client, f"/incentives/grants/{bob.id}/leaving/reverse",
                  {"reason": "Recorded on the wrong person", "once": "l1"})
    assert answer.status_code == 302
    assert returned.reversed_by is not None and returned.reversed_by.shares == D("-36000")
    assert _diluted(company, "Bob")[0] == D("48000") and bob.forfeit_entry is None


def test_a_leaving_whose_forfeit_the_pool_granted_since_stays(client, company):  # noqa: F811
    admin = helpers.manager()
    alice = grant(company, admin)
    services.forfeit(admin, alice, helpers.days_ago(5), "Left")
    _commit()
    grant(company, admin, person_name="Carol", shares=D("1900000"),
          granted_on=helpers.days_ago(2), vesting_start=helpers.days_ago(2))
    with pytest.raises(Refused, match="Reverse that later grant or transfer first"):
        reversals.reverse_leaving(admin, alice, "Mistake")
    db.session.rollback()
    login(client, make_user(Role.HQ_ADMIN))
    answer = post(client, f"/incentives/grants/{alice.id}/leaving/reverse",
                  {"reason": "Mistake", "once": "l2"})
    text = answer.get_data(as_text=True)
    assert answer.status_code == 409 and "300,000 shares short" in text
    db.session.expire_all()
    assert alice.left_on == helpers.days_ago(5)


def test_a_leaving_is_shown_for_confirmation_first(client, company):  # noqa: F811
    alice = grant(company)  # 100,000 of 400,000 vested
    login(client, make_user(Role.HQ_ADMIN))
    data = {"left_on": helpers.days_ago(1).isoformat(), "reason": "Moved abroad",
            "once": "leave-1"}
    page = post(client, f"/incentives/grants/{alice.id}/forfeit", data)
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and 'name="confirmed"' in text
    assert "Vested on leaving: stays theirs" in text and "100,000" in text
    assert "300,000" in text and "Exercisable until" in text
    assert day(helpers.days_ago(1) + (helpers.days_ago(0) - helpers.days_ago(90))) in text
    db.session.expire_all()
    assert alice.left_on is None  # nothing recorded yet
    done = post(client, f"/incentives/grants/{alice.id}/forfeit", {**data, "confirmed": "1"})
    assert done.status_code == 302
    db.session.expire_all()
    assert alice.left_on == helpers.days_ago(1) and alice.forfeited == D("300000")


def test_an_exercise_whose_shares_were_passed_on_stays(company):  # noqa: F811
    admin = helpers.manager()
    alice = grant(company, admin)
    done = services.exercise(admin, alice, helpers.days_ago(5), D("60000"))
    _commit()
    companies.transfer_shares(admin, company, alice.holder, "Bob", HolderType.TEAM, D("50000"),
                              helpers.days_ago(2))
    _commit()
    with pytest.raises(Refused, match="Alice would hold \u221250,000 shares"):
        reversals.reverse_exercise(admin, done, "Mistake")
    db.session.rollback()
    assert alice.exercised() == D("60000")
