"""A spin-off's licence or assignment of IP recorded entirely by mistake is voided (issue 9
point 5) by HQ admins and the committee, who record them, with a reason, on the version the
page showed; not while shares it issued stand or a deal of the register names it (each refusal
links to what to undo first). A voided deal stays on the company's page and in its history,
marked, and counts for nothing: the spin-off gate asks for a licence again."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.achievements import helpers as ip_helpers
from tests.companies import helpers
from tests.companies.test_ip_for_equity import _recorded
from tests.conftest import login, post
from tests.factories import _commit, make_enterprise, make_project, make_user
from tests.test_edits import tab
from tracker import db
from tracker.accounts.models import Role
from tracker.audit.models import AuditRecord
from tracker.companies import corrections, deal_voids, deals
from tracker.companies import services as companies
from tracker.companies.ip_models import IpDeal, IpDealKind
from tracker.dates import today
from tracker.errors import Forbidden, Refused
from tracker.projects.lifecycle import Phase


def _deal():
    project = make_project(phase=Phase.SPIN_OFF)
    company = helpers.make_company(project)
    helpers.incorporate(company)
    return company, helpers.license_ip(company, project)


def test_a_deal_recorded_by_mistake_is_voided_and_counts_no_more(client):
    company, deal = _deal()
    project = deal.project
    assert "Record a licence or assignment" not in (companies.spin_off_refusal(project) or "")
    admin = make_user(Role.HQ_ADMIN)
    login(client, admin)
    path = f"/companies/ip/{deal.id}/void"
    assert f'href="{path}"' in client.get(f"/companies/{company.id}").get_data(as_text=True)
    stale = tab(client, path)
    edit = f"/companies/ip/{deal.id}/edit"
    from tests.companies.test_ip_deal_corrections import fields
    assert post(client, edit, fields(deal, **tab(client, edit),
                                     royalty_pct="2")).status_code == 302
    response = post(client, path, {**stale, "reason": "Entered for the wrong company"})
    assert response.status_code == 409  # the deal changed meanwhile: nothing voided
    assert "Entered for the wrong company" in response.get_data(as_text=True)
    assert post(client, path, {**tab(client, path), "reason": ""}).status_code == 400
    response = post(client, path, {**tab(client, path),
                                   "reason": "Entered for the wrong company"})
    assert response.status_code == 302, response.get_data(as_text=True)

    db.session.expire_all()
    voided = db.session.get(IpDeal, deal.id)
    assert voided.is_void and voided.voided_by_id == admin.id
    page = client.get(f"/companies/{company.id}").get_data(as_text=True)
    assert "Voided" in page and "Entered for the wrong company" in page
    assert f'href="{edit}"' not in page and f'href="{path}"' not in page
    assert client.get(edit).status_code == 409 and client.get(path).status_code == 409
    # It licenses nothing more: the spin-off gate asks for the project's licence again.
    assert "Record a licence or assignment" in companies.spin_off_refusal(project)
    changes = db.session.scalar(select(AuditRecord.changes).where(
        AuditRecord.action == "ip.void", AuditRecord.object_id == deal.id))
    assert changes["void_reason"] == [None, "Entered for the wrong company"]
    history = client.get(f"/history/companies/{company.id}").get_data(as_text=True)
    assert "IP licence voided" in history and "Entered for the wrong company" in history
    assert "ip.void" not in history and "void_reason" not in history


def test_the_void_reads_in_chinese(client):
    company, deal = _deal()
    deal_voids.void_ip_deal(helpers.manager(), deal, "重复录入")
    _commit()
    login(client, make_user(Role.HQ_ADMIN, locale="zh_CN"))
    page = client.get(f"/companies/{company.id}").get_data(as_text=True)
    assert "已作废" in page and "重复录入" in page and "Voided" not in page
    history = client.get(f"/history/companies/{company.id}").get_data(as_text=True)
    assert "作废了知识产权许可" in history and "IP licence voided" not in history


@pytest.mark.parametrize("locale,said,not_said", [
    ("en", ["IP assignment recorded", "IP assignment voided", "IP assignment"],
     ["IP licence"]),
    ("zh_CN", ["登记了知识产权转让", "作废了知识产权转让"], ["知识产权许可"])])
def test_an_assignment_reads_as_an_assignment_in_the_history(client, locale, said, not_said):
    """The tester's finding 8: a voided assignment read "IP licence voided · IP licence". The
    action and the record follow the deal's kind, in both languages."""
    project = make_project(phase=Phase.SPIN_OFF)
    company = helpers.make_company(project)
    helpers.incorporate(company)
    deal = helpers.license_ip(company, project, kind=IpDealKind.ASSIGNMENT)
    deal_voids.void_ip_deal(helpers.manager(), deal, "Entered twice")
    _commit()
    login(client, make_user(Role.HQ_ADMIN, locale=locale))
    page = client.get(f"/history/companies/{company.id}").get_data(as_text=True)
    body = re.sub(r"<[^>]*>", " ", page[page.index("<main"):])
    assert all(words in body for words in said), body
    assert not any(words in body for words in not_said), body


def test_a_deal_whose_shares_stand_is_voided_once_they_are_reversed(client):
    company, _achievement, admin, signed, deal = _recorded(client)
    entries = deal.share_entries
    assert len(entries) == 2
    path = f"/companies/ip/{deal.id}/void"
    reverse = f"/companies/entries/{entries[0].id}/reverse"
    page = client.get(f"/companies/{company.id}").get_data(as_text=True)
    assert f'href="{path}"' not in page
    assert "This deal issued 1,000,000 shares" in page and f'href="{reverse}"' in page
    refused = client.get(path)
    assert refused.status_code == 409 and f'href="{reverse}"' in refused.get_data(as_text=True)
    with pytest.raises(Refused, match="reverse them first"):
        deal_voids.void_ip_deal(admin, deal, "By mistake")
    db.session.rollback()
    for entry in entries:
        corrections.reverse_entry(admin, entry, signed, "The IP was never contributed")
    _commit()
    db.session.expire_all()
    deal = db.session.get(IpDeal, deal.id)
    assert deal_voids.void_refusal(deal) is None
    deal_voids.void_ip_deal(admin, deal, "Never signed")
    _commit()
    assert deal.is_void


def test_a_deal_the_register_names_is_voided_once_it_names_none(client):
    company, deal = _deal()
    admin = helpers.manager()
    transfer = ip_helpers.make_transfer(
        deal.achievement, admin, enterprise_id=make_enterprise().id, kind="exclusive_licence",
        signed_on=deal.signed_on, ip_deal_id=deal.id, royalty_pct=Decimal("0"),
        minimum_royalty=Decimal("0"), royalty_base=None, reporting_months=0)
    login(client, admin)
    refused = client.get(f"/companies/ip/{deal.id}/void")
    text = refused.get_data(as_text=True)
    assert refused.status_code == 409 and "names this one as its record" in text
    assert f'href="/transfers/{transfer.id}/edit"' in text
    from tracker.achievements import deals as register

    fields = {f: getattr(transfer, f) for f in (
        "enterprise_id", "signed_on", "ends_on", "upfront", "royalty_pct", "minimum_royalty",
        "reporting_months", "report_days", "payment_days", "contributor_pct",
        "override_reason")}
    register.save_transfer(admin, transfer.achievement, transfer, kind=transfer.kind.value,
                           royalty_base=None, ip_deal_id=None, **fields)
    _commit()
    deal_voids.void_ip_deal(admin, deal, "Recorded twice")
    _commit()
    assert deal.is_void
    # A voided deal is named by no deal of the register again.
    with pytest.raises(Exception, match="spin-off deals of this achievement"):
        register.save_transfer(admin, transfer.achievement, transfer, kind=transfer.kind.value,
                               royalty_base=None, ip_deal_id=deal.id, **fields)
    db.session.rollback()


def test_who_records_deals_voids_them(client):
    company, deal = _deal()
    for user in (make_user(Role.HQ_ADMIN), make_user(Role.INVESTMENT_COMMITTEE)):
        assert deal.can_void(user)
    pm = deal.project.pm
    for user in (pm, make_user(Role.OBSERVER)):
        assert not deal.can_void(user)
        with pytest.raises(Forbidden):
            deal_voids.void_ip_deal(user, deal, "No")
        login(client, user)
        assert client.get(f"/companies/ip/{deal.id}/void").status_code in (403, 404)
        post(client, "/logout")
    assert today() >= deal.signed_on


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_correct_is_offered_exactly_while_the_deal_may_be_corrected(client, locale):
    """The company page offered "Correct" under the template's own `not d.is_void` (issue 9
    point 6): it now asks `deal_voids.correction_refusal`, as the form's page and the service
    do. Offered exactly while the form's page answers 200; a voided deal's says why (409)."""
    company, standing = _deal()
    voided = helpers.license_ip(company, standing.project)
    deal_voids.void_ip_deal(helpers.manager(), voided, "Entered twice")
    _commit()
    assert deal_voids.correction_refusal(standing) is None
    admin = make_user(Role.HQ_ADMIN, locale=locale)
    login(client, admin)
    page = client.get(f"/companies/{company.id}").get_data(as_text=True)
    for deal, correctable in ((standing, True), (voided, False)):
        edit = f"/companies/ip/{deal.id}/edit"
        assert (f'href="{edit}"' in page) is correctable
        response = client.get(edit)
        assert response.status_code == (200 if correctable else 409)
    said = deal_voids.correction_refusal(voided)
    assert said and "Entered twice" in said
    assert said in client.get(f"/companies/ip/{voided.id}/edit").get_data(as_text=True)
    with pytest.raises(Refused, match="Entered twice"):
        deals.save_ip_deal(admin, voided, achievement_id=voided.achievement_id,
                           right_ids=[r.id for r in voided.rights], kind=voided.kind,
                           licensee=voided.licensee, exclusive=voided.exclusive,
                           field_of_use="", upfront=voided.upfront, royalty_pct=Decimal("2"),
                           equity_shares=voided.equity_shares, signed_on=voided.signed_on,
                           reason="Typed wrong")
