"""The tester's finding 7: a new tranche read "Tranche changed" in its agreement's history
(zh "修改了分期", which also called a tranche an instalment). Added reads as added, and a
tranche is 拨付批次."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from tests.conftest import login
from tests.factories import _commit, make_user
from tests.funding.test_amendments import agreement_of
from tracker import db
from tracker.accounts.models import Role
from tracker.funding import services as funding


@pytest.mark.parametrize("locale,said,not_said", [
    ("en", "Tranche added", "Tranche changed"), ("zh_CN", "添加了拨付批次", "分期")])
def test_a_new_tranche_reads_as_added(client, locale, said, not_said):
    committee = make_user(Role.INVESTMENT_COMMITTEE)
    agreement = agreement_of(committee)
    funding.add_tranche(committee, agreement, amount=Decimal("1000000"), gate=3)
    _commit()
    committee.locale = locale
    db.session.commit()
    login(client, committee)
    page = client.get(f"/history/funding_agreements/{agreement.id}").get_data(as_text=True)
    body = re.sub(r"<[^>]*>", " ", page[page.index("<main"):])
    assert said in body and not_said not in body
