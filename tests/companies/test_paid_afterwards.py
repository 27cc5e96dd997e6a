"""What was paid for shares issued before migration 0097 asked it is recorded afterwards, once,
with a reason (issue 9 point 5): HQ's founding stake taken for cash carried no cost, so its
company read "Partial cost" for good and no form could say what HQ paid. Counted by hand: HQ
holds 2,500,000 of 10,000,000 founding shares; a Series A at 120,000,000 pre-money prices them
at 12.00, so they are worth 30,000,000.00; with 2,500,000.00 recorded as paid for them the
multiple is 30,000,000 / 2,500,000 = 12.00."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from sqlalchemy import select

from tests.companies import helpers
from tests.conftest import login, post
from tests.factories import _commit, make_project, make_user
from tracker import db
from tracker.accounts.models import Role
from tracker.audit.models import AuditRecord
from tracker.companies import corrections, ledger
from tracker.companies.lines import IssueLine
from tracker.companies.models import Acquisition, HolderType
from tracker.dates import today
from tracker.errors import Forbidden, Invalid, Refused
from tracker.projects.lifecycle import Phase

HQ = "Jiangsu Industrial Technology Research Institute"
FOUNDING = [IssueLine("R&D team", HolderType.TEAM, D("6500000"), Acquisition.CASH),
            IssueLine(HQ, HolderType.HQ, D("2500000"), Acquisition.CASH),  # paid: not recorded
            IssueLine("Incentive pool", HolderType.INCENTIVE_POOL, D("1000000"),
                      Acquisition.CASH)]
WORDS = {"en": ("Partial cost", "Record what was paid", "What was paid for the shares recorded",
                "is recorded already"),
         "zh_CN": ("成本不完整", "补登出资金额", "补登了股份的出资金额", "出资金额已登记")}


def _hq_entry(company):
    return next(e for e in company.entries if e.to_holder.kind is HolderType.HQ)


def _uncosted(*, priced: bool = True):
    company = helpers.make_company(make_project(phase=Phase.SPIN_OFF))
    helpers.incorporate(company, lines=FOUNDING)
    if priced:
        helpers.record_round(company, investors=(("Suzhou Venture Capital", "24000000"),))
    return company


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_hq_records_what_was_paid_and_the_multiple_becomes_whole(client, locale):
    partial, offer, action, already = WORDS[locale]
    company = _uncosted()
    entry = _hq_entry(company)
    line = ledger.portfolio_line(company, today())
    assert line.partial_cost and line.multiple is None and line.value == D("30000000.00")
    admin = make_user(Role.HQ_ADMIN, locale=locale)
    login(client, admin)
    page = client.get(f"/companies/{company.id}").get_data(as_text=True)
    path = f"/companies/entries/{entry.id}/paid"
    assert partial in page and path in page and offer in page
    form = client.get(path)
    assert form.status_code == 200 and offer in form.get_data(as_text=True)
    refused = post(client, path, {"paid": "", "reason": ""})  # both said, nothing saved
    assert refused.status_code == 400 and 'id="paid-error"' in refused.get_data(as_text=True)
    assert 'id="reason-error"' in refused.get_data(as_text=True) and entry.paid is None
    assert post(client, path, {"paid": "2,500,000", "reason": "Found the bank slip"}
                ).status_code == 302
    db.session.expire_all()
    assert entry.paid == D("2500000.00")
    [record] = db.session.scalars(select(AuditRecord).where(
        AuditRecord.action == "shares.record_paid"))
    assert (record.object_type, record.object_id, record.actor_id) == (
        "share_entries", entry.id, admin.id)
    assert record.changes["paid"] == [None, "2500000"]
    assert record.changes["reason"] == [None, "Found the bank slip"]
    line = ledger.portfolio_line(company, today())
    assert (line.partial_cost, line.cost, line.multiple) == (False, D("2500000.00"), D("12.00"))
    page = client.get(f"/companies/{company.id}").get_data(as_text=True)
    assert "12.00×" in page and partial not in page and path not in page
    history = client.get(f"/history/companies/{company.id}").get_data(as_text=True)
    assert action in history and "Found the bank slip" in history
    again = client.get(path)  # once: an old link answers why, before any form
    assert again.status_code == 409 and already in again.get_data(as_text=True)


def test_what_was_paid_is_refused_for_a_round_and_a_reversed_entry():
    admin = helpers.manager()
    round_entry = next(e for e in _uncosted().entries if e.round_id is not None)
    with pytest.raises(Refused, match="financing round"):
        corrections.record_paid(admin, round_entry, D("1"), "Typed it")
    company = _uncosted(priced=False)  # no round priced on its shares: reversible
    entry = _hq_entry(company)
    corrections.reverse_entry(admin, entry, entry.on_date, "Never issued")
    _commit()
    with pytest.raises(Refused, match="was reversed on"):
        corrections.record_paid(admin, entry, D("2500000"), "Found the bank slip")
    team = next(e for e in company.entries if e.to_holder.kind is HolderType.TEAM)
    with pytest.raises(Invalid) as invalid:
        corrections.record_paid(admin, team, None, " ")
    assert {field for field, _message in invalid.value.problems} == {"paid", "reason"}
    with pytest.raises(Forbidden):
        corrections.record_paid(make_user(Role.PROJECT_MANAGER), team, D("1"), "Typed it")
    db.session.rollback()
    assert db.session.scalar(select(AuditRecord.id).where(
        AuditRecord.action == "shares.record_paid")) is None


def test_only_managers_open_the_form(client):
    company = _uncosted()
    path = f"/companies/entries/{_hq_entry(company).id}/paid"
    login(client, make_user(Role.OBSERVER))
    assert client.get(path).status_code in (403, 404)
    assert post(client, path, {"paid": "1", "reason": "x"}).status_code in (403, 404)
    db.session.expire_all()
    assert _hq_entry(company).paid is None
