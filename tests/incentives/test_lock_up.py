"""A grant's lock-up corrected (issue 16, found by a newcomer): adding one to a grant recorded
without ("—") was refused as if its shares on the ledger carried one already. While they carry
none, the lock-up is given to them too; once they carry one it stays."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.companies import helpers
from tests.conftest import login, post
from tests.factories import _commit, make_user
from tests.incentives.test_grants import company, grant  # noqa: F401 (fixture)
from tracker import db
from tracker.accounts.models import Role
from tracker.audit.models import AuditRecord
from tracker.companies import ledger
from tracker.dates import today
from tracker.display.formatting import day
from tracker.errors import Refused
from tracker.incentives import services


def values(record, **changed):
    return {**{k: getattr(record, k) for k in services.EDITABLE}, **changed}


def test_a_lock_up_added_to_granted_shares_locks_them_on_the_ledger(company):  # noqa: F811
    admin = helpers.manager()
    bob = grant(company, admin, person_name="Bob", kind="shares", shares=Decimal("100000"),
                exercise_price=None)
    assert bob.grant_entry.lock_up_until is None
    until = today() + timedelta(days=365)
    services.update_grant(admin, bob, **values(bob, lock_up_until=until))
    _commit()
    assert (bob.lock_up_until, bob.grant_entry.lock_up_until) == (until, until)
    assert ledger.locked(company, bob.holder_id, today()) == Decimal("100000")
    actions = db.session.scalars(select(AuditRecord.action).where(
        AuditRecord.object_type == "share_entries",
        AuditRecord.object_id == bob.grant_entry_id).order_by(AuditRecord.id)).all()
    assert actions == ["shares.transfer", "shares.lock_up"]
    # Now the ledger's shares carry it: neither moved nor taken away.
    for other in (until + timedelta(days=1), None):
        with pytest.raises(Refused) as refused:
            services.update_grant(admin, bob, **values(bob, lock_up_until=other))
        assert f"are locked up until {day(until)}: the ledger is not rewritten" in (
            refused.value.message)
    assert bob.grant_entry.lock_up_until == until


def test_a_lock_up_added_after_an_exercise_locks_the_exercised_shares_and_later_ones(
        company):  # noqa: F811
    admin = helpers.manager()
    alice = grant(company, admin)  # 100,000 options vested
    services.exercise(admin, alice, helpers.days_ago(5), Decimal("40000"))
    _commit()
    until = today() + timedelta(days=200)
    services.update_grant(admin, alice, **values(alice, lock_up_until=until))
    services.exercise(admin, alice, today(), Decimal("10000"))
    _commit()
    assert [x.entry.lock_up_until for x in alice.exercises] == [until, until]
    assert ledger.locked(company, alice.holder_id, today()) == Decimal("50000")


def test_the_correction_page_adds_a_lock_up_in_both_languages(app, company):  # noqa: F811
    record = grant(company, kind="shares", person_name="Dana", shares=Decimal("1000"),
                   exercise_price=None)
    until = today() + timedelta(days=100)
    for locale, lock_up in (("en", until), ("zh_CN", until + timedelta(days=1))):
        # The English pass gives the entry its lock-up; the Chinese one, moving it, is
        # refused in Chinese.
        client = app.test_client()
        login(client, make_user(Role.HQ_ADMIN, locale=locale))
        path = f"/incentives/grants/{record.id}/edit"
        page = client.get(path).get_data(as_text=True)
        seen = page.split('name="seen_at" type="hidden" value="')[1].split('"')[0]
        answer = post(client, path, {
            "vesting_start": record.vesting_start, "vesting_months": record.vesting_months,
            "cliff_months": record.cliff_months, "lock_up_until": lock_up.isoformat(),
            "note": "", "version": str(record.version), "seen_at": seen})
        if locale == "en":
            assert answer.status_code == 302, answer.get_data(as_text=True)
            assert record.grant_entry.lock_up_until == until
        else:
            assert answer.status_code == 409
            assert "台账不会改写，因此锁定期保持不变" in answer.get_data(as_text=True)
