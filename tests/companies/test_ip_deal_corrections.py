"""A company's licence or assignment of IP recorded wrong is corrected (issue 9 point 5): by HQ
admins and the committee, who record them, with a reason and a version (a stale save is refused,
the input kept), every rule of a new deal met again; a deal typed before the register is linked
to it so, and a deal the register's transfer names as its record keeps its achievement."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from tests.achievements import helpers as ip_helpers
from tests.companies import helpers
from tests.conftest import login, post
from tests.factories import _commit, make_enterprise, make_project, make_user
from tests.test_edits import tab
from tracker import db
from tracker.accounts.models import Role
from tracker.companies import deals
from tracker.companies.ip_models import IpDeal
from tracker.errors import Forbidden, Invalid
from tracker.projects.lifecycle import Phase


def _deal():
    project = make_project(phase=Phase.SPIN_OFF)
    company = helpers.make_company(project)
    return company, helpers.license_ip(company, project)


def fields(deal: IpDeal, **overrides) -> dict:
    data = {"achievement_id": str(deal.achievement_id), "kind": deal.kind.value,
            "licensee": deal.licensee, "field_of_use": deal.field_of_use,
            "upfront": str(deal.upfront), "royalty_pct": f"{deal.royalty_pct:.2f}",
            "equity_shares": "0", "signed_on": deal.signed_on.isoformat(),
            "reason": "The licence's schedule says 2 %.", "exclusive": "y"}
    if deal.rights:
        data["right_ids"] = [str(r.id) for r in deal.rights]
    data.update(overrides)
    return data


def given(deal: IpDeal, **overrides) -> dict:
    return {"achievement_id": deal.achievement_id, "right_ids": [r.id for r in deal.rights],
            "kind": deal.kind, "licensee": deal.licensee, "exclusive": deal.exclusive,
            "field_of_use": deal.field_of_use, "upfront": deal.upfront,
            "royalty_pct": deal.royalty_pct, "equity_shares": deal.equity_shares,
            "signed_on": deal.signed_on, "reason": "Typed wrong.", **overrides}


def test_a_deal_recorded_wrong_is_corrected_and_the_history_says_so(client):
    company, deal = _deal()
    login(client, make_user(Role.HQ_ADMIN))
    path = f"/companies/ip/{deal.id}/edit"
    assert f'href="{path}"' in client.get(f"/companies/{company.id}").get_data(as_text=True)
    first, second = tab(client, path), tab(client, path)
    response = post(client, path, fields(deal, **first, royalty_pct="2", upfront="400000"))
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    kept = db.session.get(IpDeal, deal.id)
    assert (kept.royalty_pct, kept.upfront) == (Decimal("2"), Decimal("400000"))
    history = client.get(f"/history/companies/{company.id}").get_data(as_text=True)
    assert "IP licence corrected" in history and "The licence&#39;s schedule says 2 %." in history
    assert "3.00%" in history and "2.00%" in history
    assert not re.search(r"\b(royalty_pct|ip\.update|None)\b", re.sub(r"<[^>]*>", " ", history))
    # The second tab, on the old version: refused, what was saved meanwhile listed, the
    # input kept.
    response = post(client, path, fields(deal, **second, licensee="Typed in the second tab"))
    page = response.get_data(as_text=True)
    assert response.status_code == 409 and "Saved by you in another tab or window meanwhile" in page
    assert 'value="Typed in the second tab"' in page


def test_only_who_records_deals_corrects_one_with_a_reason_and_every_problem_at_once(client):
    company, deal = _deal()
    with pytest.raises(Forbidden):
        deals.save_ip_deal(deal.project.pm, deal, **given(deal))
    db.session.rollback()
    with pytest.raises(Invalid) as refused:
        deals.save_ip_deal(helpers.manager(), deal, **given(
            deal, reason="", royalty_pct=Decimal("120"), upfront=Decimal("-1"),
            signed_on=company.registered_on.replace(year=company.registered_on.year - 1)))
    assert {field for field, _message in refused.value.problems} == {
        "reason", "royalty_pct", "upfront", "signed_on"}
    db.session.rollback()
    login(client, deal.project.pm)
    assert client.get(f"/companies/ip/{deal.id}/edit").status_code in (403, 404)


def test_a_deal_typed_before_the_register_is_linked_to_it_by_a_correction():
    project = make_project(phase=Phase.SPIN_OFF)
    company = helpers.make_company(project)
    admin = make_user(Role.HQ_ADMIN)
    typed = helpers.typed_deal(company, project, admin)
    achievement = helpers.register(project)
    deals.save_ip_deal(admin, typed, **given(typed, achievement_id=achievement.id,
                                             right_ids=[r.id for r in achievement.rights]))
    _commit()
    assert typed.in_register and typed.patent_number == "" and typed.rights


def test_a_deal_the_register_names_keeps_its_achievement():
    company, deal = _deal()
    own = deal.achievement
    sibling = make_project(institute=deal.project.institute, phase=Phase.CONTRACT_RESEARCH)
    other = ip_helpers.make_achievement(sibling, title="Torque sensor")
    ip_helpers.make_transfer(own, helpers.manager(), enterprise_id=make_enterprise().id,
                             kind="exclusive_licence", signed_on=deal.signed_on, ip_deal_id=deal.id,
                             royalty_pct=Decimal("0"), minimum_royalty=Decimal("0"),
                             royalty_base=None, reporting_months=0)
    with pytest.raises(Invalid) as refused:
        deals.save_ip_deal(helpers.manager(), deal, **given(deal, achievement_id=other.id,
                                                            right_ids=[]))
    [(field, message)] = refused.value.problems
    assert field == "achievement_id" and "names this one as its record" in message
