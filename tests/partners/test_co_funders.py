"""A co-funder of an allocation-investment agreement is a partner: named on the form or in an
import, it is the partner of that name (Chinese or English), or a new government body."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.factories import _commit, make_project, make_user
from tracker import db
from tracker.accounts.models import Role
from tracker.audit.models import AuditRecord
from tracker.dates import today
from tracker.errors import Invalid
from tracker.funding import services as funding
from tracker.funding.models import FundingAgreement
from tracker.partners import services as partners
from tracker.partners.models import GovernmentLevel, Partner, PartnerKind
from tracker.projects.lifecycle import Phase

D = Decimal


def agree(committee, co_funders):
    return funding.record_agreement(
        committee, make_project(phase=Phase.CONTRACT_RESEARCH), committed=D("3000000"),
        qualifying_round_min=D("0"), signed_on=today(),
        conversion_deadline=today() + timedelta(days=30), co_funders=co_funders)


def test_a_co_funder_is_the_partner_of_its_name_or_a_new_government_body():
    admin, committee = make_user(Role.HQ_ADMIN), make_user(Role.INVESTMENT_COMMITTEE)
    suzhou = partners.save_partner(admin, None, name="苏州市", name_en="Suzhou city",
                                   kind=PartnerKind.GOVERNMENT, level=GovernmentLevel.CITY)
    agreement = agree(committee, [(" Suzhou city ", D("1")), ("相城区", D("0.5"))])
    _commit()
    assert agreement.co_funders[0].partner_id == suzhou.id
    new = agreement.co_funders[1].partner
    assert (new.name, new.kind, new.level) == ("相城区", PartnerKind.GOVERNMENT, None)
    assert db.session.scalar(select(AuditRecord.action).where(
        AuditRecord.object_type == "partners", AuditRecord.object_id == new.id,
        AuditRecord.actor_id == committee.id)) == "partner.create"
    # The same district on a second agreement is the same partner.
    again = agree(committee, [("相城区", D("1"))])
    assert again.co_funders[0].partner_id == new.id
    assert db.session.scalars(select(Partner.name).order_by(Partner.name)).all() == [
        "相城区", "苏州市"]


def test_a_co_funder_named_twice_is_refused():
    committee = make_user(Role.INVESTMENT_COMMITTEE)
    with pytest.raises(Invalid) as refused:
        agree(committee, [("苏州市", D("1")), ("苏州市", D("1"))])
    assert "Each co-funder is named once." in str(refused.value.problems)


def test_an_import_names_co_funders_by_the_partners_names_in_either_language():
    """The funding import fills the agreement's form: a co-funder it names is the partner of
    that name (here in English), or a new government body; the same file again changes
    nothing."""
    from tests.imports.helpers import run
    from tests.imports.test_funding import KEYS, ROW, _setting_with_history
    from tracker.imports.models import ImportState

    admin, _committee = _setting_with_history()
    park = partners.save_partner(admin, None, name="苏州工业园区", name_en="Suzhou Industrial Park",
                                 kind=PartnerKind.GOVERNMENT, level=GovernmentLevel.DISTRICT)
    row = ROW[:4] + ["Suzhou Industrial Park: 1; 相城区: 0.5"] + ROW[5:]
    result = run(admin, "funding", [KEYS, row])
    assert (result.state, result.created) == (ImportState.DONE, 1), result.errors
    agreement = db.session.scalar(select(FundingAgreement))
    assert [(c.partner_id == park.id, c.name, c.partner.kind) for c in agreement.co_funders] == [
        (True, "苏州工业园区", PartnerKind.GOVERNMENT), (False, "相城区", PartnerKind.GOVERNMENT)]
    again = run(admin, "funding", [KEYS, row])
    assert (again.state, again.unchanged) == (ImportState.DONE, 1), again.errors
