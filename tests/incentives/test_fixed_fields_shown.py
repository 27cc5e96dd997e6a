"""A grant's correction form shows what no longer changes as it is, read-only, with the sentence
why beside it, instead of taking a change the service refuses on saving (found by a newcomer on
the demo: 孙浩's grant, whose holder left, offered its whole schedule and exercise window to
correct; a change of either was refused, 409). The note is still corrected."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest

from tests.companies import helpers
from tests.conftest import login
from tests.factories import _commit
from tests.incentives.test_exercise_window import _leave, _vested
from tests.incentives.test_grants import company, grant  # noqa: F401 - the fixture
from tracker.dates import today
from tracker.incentives import services

FIXED = ("vesting_start", "vesting_months", "cliff_months", "exercise_window_days")


def _input(page: str, name: str) -> str:
    return re.search(rf'<input[^>]*\bname="{name}"[^>]*>', page).group(0)


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_a_leavers_grant_offers_only_what_still_changes(client, company, locale):  # noqa: F811
    alice = _vested(company, exercise_window_days=30)
    staying = grant(company, person_name="Bob")
    admin = _leave(alice, 40)
    admin.locale = locale
    login(client, admin)
    page = client.get(f"/incentives/grants/{alice.id}/edit").get_data(as_text=True)
    for name in FIXED:
        assert "readonly" in _input(page, name), name
    said = (("which ended the grant on this schedule", "which fixed the exercise window")
            if locale == "en" else ("离职，授予按此归属计划随之终止", "离职，行权期已随之确定"))
    assert said[0] in page and said[1] in page
    assert "readonly" not in page[page.index('name="note"') - 200:page.index('name="note"')]

    page = client.get(f"/incentives/grants/{staying.id}/edit").get_data(as_text=True)
    for name in FIXED:  # nothing depends on Bob's schedule yet: all of it is corrected
        assert "readonly" not in _input(page, name), name


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_a_lock_up_the_ledger_carries_is_shown_read_only(client, company, locale):  # noqa: F811
    """Likewise the lock-up once the grant's shares on the ledger carry one (found by the
    same newcomer: it was offered, and any change refused on saving); one the ledger's
    shares lack is still given."""
    admin = helpers.manager()
    locked, open_ = (grant(company, admin, person_name=name, kind="shares",
                           shares=Decimal("1000"), exercise_price=None)
                     for name in ("Carol", "Dave"))
    until = today() + timedelta(days=365)
    services.update_grant(admin, locked, **{
        **{k: getattr(locked, k) for k in services.EDITABLE}, "lock_up_until": until})
    _commit()
    admin.locale = locale
    login(client, admin)
    page = client.get(f"/incentives/grants/{locked.id}/edit").get_data(as_text=True)
    assert "readonly" in _input(page, "lock_up_until")
    said = ("the ledger is not rewritten, so the lock-up stays as it was" if locale == "en"
            else "台账不会改写，因此锁定期保持不变")
    assert said in page
    page = client.get(f"/incentives/grants/{open_.id}/edit").get_data(as_text=True)
    assert "readonly" not in _input(page, "lock_up_until")
