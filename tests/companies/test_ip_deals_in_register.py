"""A spin-off's licence or assignment of IP names what the register holds (issue 16, F38, found
by a newcomer): an achievement of the company's projects or of their institutes, and some of
its rights if the deal names them; no patent typed in. A deal typed before the register stays
readable, marked as not linked to it; a transfer naming the spin-off's deal names one of the
same achievement."""

from __future__ import annotations

import re

from sqlalchemy import select

from tests.achievements import helpers as ip_helpers
from tests.companies import helpers
from tests.conftest import login, post
from tests.factories import make_enterprise, make_project, make_user
from tracker import db
from tracker.accounts.models import Role
from tracker.audit.models import AuditRecord
from tracker.companies.ip_models import IpDeal
from tracker.errors import Invalid
from tracker.projects.lifecycle import Phase


def _setting():
    """A company of one project; a second achievement of another project of its institute,
    and one of a project of another institute."""
    project = make_project(phase=Phase.SPIN_OFF)
    company = helpers.make_company(project)
    own = helpers.register(project)
    sibling = make_project(institute=project.institute, phase=Phase.CONTRACT_RESEARCH)
    background = ip_helpers.make_achievement(sibling, title="Torque sensor")
    elsewhere = ip_helpers.make_achievement(make_project(phase=Phase.CONTRACT_RESEARCH),
                                            title="Unrelated battery")
    return company, own, background, elsewhere


def test_the_form_offers_the_register_and_the_deal_names_the_achievement_and_rights(client):
    company, own, background, elsewhere = _setting()
    admin = make_user(Role.HQ_ADMIN)
    login(client, admin)
    form = client.get(f"/companies/{company.id}/ip/new").get_data(as_text=True)
    assert own.title in form and background.title in form and elsewhere.title not in form
    assert own.rights[0].number in form
    assert 'name="patent_number"' not in form
    [right] = own.rights
    response = post(client, f"/companies/{company.id}/ip/new", {
        "achievement_id": str(own.id), "right_ids": str(right.id), "kind": "licence",
        "licensee": company.name, "exclusive": "y", "upfront": "1000", "royalty_pct": "3",
        "equity_shares": "", "signed_on": helpers.days_ago(3).isoformat()})
    assert response.status_code == 302, response.get_data(as_text=True)
    [deal] = db.session.scalars(select(IpDeal).where(IpDeal.company_id == company.id)).all()
    assert (deal.achievement_id, [r.id for r in deal.rights]) == (own.id, [right.id])
    assert deal.project_id == own.project_id and deal.in_register
    assert deal.name == f"{own.title} ({right.number})"
    page = client.get(f"/companies/{company.id}").get_data(as_text=True)
    assert own.title in page and right.number in page
    assert "Not linked to the register" not in page
    audit = db.session.scalar(select(AuditRecord).where(AuditRecord.action == "ip.record",
                                                        AuditRecord.object_id == deal.id))
    assert audit.changes["rights"] == [None, [right.name]]
    assert audit.changes["achievement_id"][1] == own.id
    history = client.get(f"/history/ip_deals/{deal.id}")
    assert history.status_code == 200
    assert own.title in history.get_data(as_text=True)
    # The rights by their label, not as "Other detail".
    said = re.sub(r"\s+", " ", re.sub(r"<[^>]*>", " ", history.get_data(as_text=True)))
    assert f"Rights: {right.name}" in said and "Other detail" not in said


def test_an_achievement_of_the_institute_may_be_licensed_and_nothing_else(client):
    company, own, background, elsewhere = _setting()
    admin = helpers.manager()
    deal = helpers.license_ip(company, own.project, admin, achievement_id=background.id,
                              right_ids=[])
    assert deal.achievement_id == background.id and deal.rights == []
    assert deal.name == background.title
    try:
        helpers.license_ip(company, own.project, admin, achievement_id=elsewhere.id,
                           right_ids=[])
    except Invalid as refused:
        assert refused.field == "achievement_id"
    else:
        raise AssertionError("an achievement of another institute was licensed")
    try:
        helpers.license_ip(company, own.project, admin, achievement_id=background.id,
                           right_ids=[own.rights[0].id])
    except Invalid as refused:
        assert refused.field == "right_ids" and background.title in refused.message
    else:
        raise AssertionError("a right of another achievement was named")


def test_without_an_achievement_in_the_register_no_deal_is_offered(client):
    company = helpers.make_company(make_project(phase=Phase.SPIN_OFF))
    login(client, make_user(Role.HQ_ADMIN))
    page = client.get(f"/companies/{company.id}").get_data(as_text=True)
    assert f"/companies/{company.id}/ip/new" not in page
    assert "record the achievement and its rights first" in page
    response = client.get(f"/companies/{company.id}/ip/new")
    assert response.status_code == 409
    assert "record the achievement and its rights first" in response.get_data(as_text=True)


def test_a_deal_typed_before_the_register_stays_readable_not_linked(client):
    project = make_project(phase=Phase.SPIN_OFF)
    company = helpers.make_company(project)
    admin = make_user(Role.HQ_ADMIN)
    typed = helpers.typed_deal(company, project, admin)
    assert not typed.in_register and typed.name == "CN201910000001.X Old joint design"
    login(client, admin)
    page = client.get(f"/companies/{company.id}").get_data(as_text=True)
    assert "CN201910000001.X" in page and "Old joint design" in page
    assert "Not linked to the register" in page
    # A transfer of the project's achievement may still name it (of the same project).
    achievement = helpers.register(project)
    assert typed.of(achievement)


def test_a_transfer_names_a_spin_off_deal_of_its_own_achievement_only():
    company, own, background, _elsewhere = _setting()
    admin = helpers.manager()
    deal = helpers.license_ip(company, own.project, admin)
    other = helpers.license_ip(company, own.project, admin, achievement_id=background.id,
                               right_ids=[])
    transfer = ip_helpers.make_transfer(own, enterprise_id=make_enterprise().id,
                                        ip_deal_id=deal.id, kind="non_exclusive_licence")
    assert transfer.ip_deal_id == deal.id
    try:
        ip_helpers.make_transfer(own, ip_deal_id=other.id, kind="non_exclusive_licence")
    except Invalid as refused:
        assert refused.field == "ip_deal_id"
    else:
        raise AssertionError("a transfer named the spin-off's deal of another achievement")
