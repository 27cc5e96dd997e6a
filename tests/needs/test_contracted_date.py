"""A need's contracted date follows its contracts (issue 13): the earliest signing of the
contracts that stand on its projects, read again whenever which contracts count, or their
dates, change (`tracker.needs.contracted.follow`): a contract voided, its signing date
corrected either way, a draft's need changed under its contract. It was set when a contract
was recorded and only ever moved earlier, so a void or a correction left the need dated by a
contract that no longer said so."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from tests.factories import make_institute, make_need, make_project, make_user
from tracker import db
from tracker.accounts.models import Role
from tracker.audit.models import AuditRecord
from tracker.contracts import corrections
from tracker.contracts import services as contracts
from tracker.contracts.models import ContractType
from tracker.gates.dating import noon
from tracker.imports.projects import FORM_FIELDS
from tracker.needs import timing
from tracker.organisations.models import NeedState
from tracker.projects import services as projects

MARCH, MAY = date(2026, 3, 2), date(2026, 5, 4)


def _setting():
    """A matched need and a draft made from it, by its institute's PM."""
    institute = make_institute()
    admin = make_user(Role.HQ_ADMIN)
    pm = make_user(Role.PROJECT_MANAGER, institute_id=institute.id)
    need = make_need(institute)
    project = make_project(pm=pm, institute=institute, need_id=need.id,
                           partner_enterprise_id=need.enterprise_id)
    return admin, project, need


def _sign(project, on: date, number: str):
    return contracts.record_contract(
        project.pm, project, enterprise_id=project.partner_enterprise_id, title=number,
        type=ContractType.DEVELOPMENT, amount=Decimal("100000"), signed_on=on, instalments=[],
        number=number)


def _dated(need) -> list:
    """What the need's `need.contracted` records say its contracted date became."""
    return [r.changes["contracted_at"][1] for r in db.session.scalars(
        select(AuditRecord).where(AuditRecord.object_type == "technology_needs",
                                  AuditRecord.object_id == need.id,
                                  AuditRecord.action == "need.contracted")
        .order_by(AuditRecord.id))]


def test_a_voided_contract_no_longer_dates_its_need():
    admin, project, need = _setting()
    march = _sign(project, MARCH, "C-1")
    _sign(project, MAY, "C-2")
    assert (need.state, need.contracted_at) == (NeedState.CONTRACTED, noon(MARCH))
    corrections.void_contract(admin, march, "Entered on the wrong project")
    db.session.expire_all()
    assert (need.state, need.contracted_at, need.state_since) == (
        NeedState.CONTRACTED, noon(MAY), noon(MAY))
    assert len(_dated(need)) == 2  # contracted by C-1, dated again by its void


def test_a_need_whose_only_contract_is_voided_has_no_contracted_date():
    """Its state stays final (the dashboard counts it as matched, `contracted()`), as a need
    imported as contracted before its contract: no time to contract is counted for it."""
    admin, project, need = _setting()
    contract = _sign(project, MARCH, "C-1")
    corrections.void_contract(admin, contract, "Recorded by mistake")
    db.session.expire_all()
    assert (need.state, need.contracted_at) == (NeedState.CONTRACTED, None)
    assert timing.of(need).to_contract is None
    assert _dated(need)[-1] is None


def test_a_corrected_signing_date_dates_the_need_again_either_way():
    admin, project, need = _setting()
    contract = _sign(project, MARCH, "C-1")
    for on in (MAY, date(2026, 2, 1)):  # later (it only ever moved earlier), then earlier
        corrections.save_contract(admin, contract, enterprise_id=contract.enterprise_id,
                                  title=contract.title, number=contract.number,
                                  type=contract.type, amount=contract.amount, signed_on=on,
                                  reason="Misread the date")
        db.session.expire_all()
        assert need.contracted_at == need.state_since == noon(on)


def test_a_drafts_need_changed_under_its_contract_moves_the_date_with_it():
    admin, project, need = _setting()
    other = make_need(project.institute, enterprise=need.enterprise)
    _sign(project, MARCH, "C-1")
    values = {f: getattr(project, f) for f in FORM_FIELDS}
    projects.update_proposal(project.pm, project, budget_lines=[
        (b.category, b.amount) for b in project.budget_lines], member_ids=[],
        **{**values, "need_id": other.id})
    db.session.expire_all()
    assert (need.state, need.contracted_at) == (NeedState.CONTRACTED, None)
    assert (other.state, other.contracted_at) == (NeedState.CONTRACTED, noon(MARCH))
