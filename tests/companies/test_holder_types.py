"""A holder's type is checked against the organisation its name is, for every type (issue 9,
small 3): HQ is a holder of the type HQ, an institute of the network of the type Institute,
an enterprise or a partner outside the network a park, a state-owned fund or an investor.
Refused beside the field naming it, by the services every form and import calls, in both
languages; a name the app does not know takes the type typed."""

from __future__ import annotations

import html
import re
from decimal import Decimal as D

import pytest
from flask_babel import force_locale

from tests.companies import helpers
from tests.conftest import login, post
from tests.factories import make_enterprise, make_project, make_user
from tracker import db
from tracker.accounts.models import Role
from tracker.companies import services as companies
from tracker.companies.models import Acquisition, HolderType
from tracker.companies.services import IssueLine
from tracker.errors import Invalid
from tracker.partners.models import Partner, PartnerKind
from tracker.projects.lifecycle import Phase


@pytest.fixture
def company():
    project = make_project(phase=Phase.SPIN_OFF)
    company = helpers.make_company(project)
    helpers.incorporate(company)
    return company


def _issue(company, name: str, kind: HolderType, locale: str = "en") -> Invalid | None:
    with force_locale(locale):
        try:
            companies.issue_shares(helpers.manager(), company, IssueLine(
                name, kind, D(1000), Acquisition.CASH), helpers.days_ago(5))
        except Invalid as refused:
            db.session.rollback()
            return refused
    return None


def test_each_organisation_is_refused_with_a_type_it_does_not_hold_as(company):
    institute = company.projects[0].institute
    enterprise = make_enterprise(name="苏州纳微科技股份有限公司")
    db.session.add(Partner(name="苏州市政府", name_en="Suzhou Government",
                           kind=PartnerKind.GOVERNMENT))
    db.session.commit()
    refused = {
        (institute.name, HolderType.HQ):
            f"{institute.name} is an institute of the network: a holder of the type "
            "Institute, not HQ.",
        (enterprise.name, HolderType.INSTITUTE):
            f"{enterprise.name} is an enterprise: a holder of one of the types Park, "
            "State-owned fund, External investor, not Institute.",
        ("Suzhou Government", HolderType.TEAM):
            "Suzhou Government is a partner organisation: a holder of one of the types Park, "
            "State-owned fund, External investor, not R&D team.",
    }
    for (name, kind), said in refused.items():
        assert _issue(company, name, kind).problems == [("name", said)], (name, kind)
    holders = len(company.holders)
    for name, kind in ((institute.name, HolderType.INSTITUTE),
                       (enterprise.name, HolderType.INVESTOR),
                       ("苏州市政府", HolderType.STATE_FUND),
                       ("Someone the app does not know", HolderType.PARK)):
        assert _issue(company, name, kind) is None, (name, kind)
    assert len(company.holders) == holders + 4
    with_records = {h.name: (h.institute_id, h.enterprise_id, h.partner_id)
                    for h in company.holders}
    assert with_records[institute.name][0] == institute.id
    assert with_records[enterprise.name][1] == enterprise.id


def test_the_issue_form_says_it_beside_the_name_in_chinese(client, company):
    institute = company.projects[0].institute
    login(client, make_user(Role.HQ_ADMIN, locale="zh_CN"))
    answer = post(client, f"/companies/{company.id}/shares/new", {
        "name": institute.name, "kind": "hq", "shares": "1000", "acquired_by": "cash",
        "on_date": helpers.days_ago(5).isoformat(), "paid": "1000", "once": "t1"})
    assert answer.status_code == 400, answer.status_code
    page = html.unescape(answer.get_data(as_text=True))
    beside = re.search(r'<div id="name-error">(.*?)</div>', page, re.S)
    assert beside and (f"{institute.name} 是网络内的研究所：其股东类型为“研究所”，而非“总部”。"
                       in beside.group(1))
