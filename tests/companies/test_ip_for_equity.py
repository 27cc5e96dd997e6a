"""IP contributed for equity (作价入股, issue 16, F44, found by a newcomer): a spin-off's IP deal
recorded the number of shares given for the IP and no shares, so the cap table never had them.
The deal now issues them on the ledger on its signing date, paid with the IP, to the institute
and to the contributors (the R&D team), after a confirmation showing the cap table before and
after them and the article 45 warning; each entry names the deal and is reversed as any
issuance is; the company's page and the achievement's contribution for equity show them. A
company with no cap table, an exited one, or a round priced after the signing refuses them
beside the field; a contribution for equity to a spin-off kept here names the deal that gave
them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.achievements.helpers import make_transfer
from tests.companies import helpers
from tests.conftest import login, post
from tests.factories import _commit, make_enterprise, make_project, make_user
from tests.test_edits import tab
from tracker import db
from tracker.accounts.models import Role
from tracker.achievements import services as register
from tracker.achievements.services import ContributorLine
from tracker.audit.models import AuditRecord
from tracker.companies import ledger
from tracker.companies.ip_models import IpDeal
from tracker.companies.models import Acquisition, HolderType, ShareEntry
from tracker.errors import Invalid
from tracker.projects.lifecycle import Phase


def _world():
    project = make_project(phase=Phase.SPIN_OFF)
    company = helpers.make_company(project)
    helpers.incorporate(company)  # 10,000,000 shares, 400 days ago
    achievement = helpers.register(project)
    return project, company, achievement


def _form(company, achievement, signed_on, institute="300000", team="700000", **values):
    return {"achievement_id": str(achievement.id), "kind": "assignment",
            "licensee": company.name, "upfront": "", "royalty_pct": "",
            "signed_on": signed_on.isoformat(), "institute_shares": institute,
            "institute_holder": "Robotics institute", "team_shares": team,
            "team_holder": "R&D team", "once": "ip-equity", **values}


def _recorded(client):
    """A deal giving the institute and the team their shares, recorded on the company's page
    by an HQ admin (logged in) 30 days ago: (company, achievement, admin, signed on, deal)."""
    _project, company, achievement = _world()
    admin = helpers.manager()
    signed = helpers.days_ago(30)
    login(client, admin)
    assert post(client, f"/companies/{company.id}/ip/new",
                {**_form(company, achievement, signed), "confirmed": "1"}).status_code == 302
    return company, achievement, admin, signed, _deal(company)


def _deal(company) -> IpDeal | None:
    return db.session.scalar(select(IpDeal).where(IpDeal.company_id == company.id))


def test_the_shares_given_for_the_ip_are_confirmed_then_issued_on_the_cap_table(client):
    _project, company, achievement = _world()
    admin = helpers.manager()
    login(client, admin)
    signed = helpers.days_ago(30)
    form = client.get(f"/companies/{company.id}/ip/new").get_data(as_text=True)
    # The holders the company has are offered by default.
    assert 'value="Robotics institute"' in form and 'value="R&amp;D team"' in form
    preview = post(client, f"/companies/{company.id}/ip/new", _form(company, achievement, signed))
    text = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Shares given for the IP" in text
    assert "1,000,000" in text and "700,000 (70.00%)" in text
    assert _deal(company) is None  # a dry run until confirmed
    done = post(client, f"/companies/{company.id}/ip/new",
                {**_form(company, achievement, signed), "confirmed": "1"})
    assert done.status_code == 302, done.get_data(as_text=True)
    deal = _deal(company)
    assert deal.equity_shares == Decimal("1000000")
    entries = db.session.scalars(select(ShareEntry).where(ShareEntry.ip_deal_id == deal.id)
                                 .order_by(ShareEntry.id)).all()
    assert [(e.to_holder.name, e.to_holder.kind, e.shares, e.acquired_by, e.technology,
             e.on_date) for e in entries] == [
        ("Robotics institute", HolderType.INSTITUTE, Decimal("300000"), Acquisition.IP,
         achievement.title, signed),
        ("R&D team", HolderType.TEAM, Decimal("700000"), Acquisition.IP, achievement.title,
         signed)]
    db.session.expire_all()
    table = ledger.cap_table(company, signed)
    assert table.issued == Decimal("11000000")
    assert table.shares_of(HolderType.TEAM) == Decimal("7700000")
    assert ledger.cap_table(company, helpers.days_ago(31)).issued == Decimal("10000000")
    issued = db.session.scalars(select(AuditRecord).where(
        AuditRecord.action == "shares.issue", AuditRecord.object_id.in_([e.id for e in entries]))
    ).all()
    assert len(issued) == 2
    page = client.get(f"/companies/{company.id}").get_data(as_text=True)
    assert "Robotics institute: 300,000" in page and "R&amp;D team: 700,000" in page


def test_less_than_the_article_45_minimum_to_the_contributors_is_warned_of(client):
    _project, company, achievement = _world()
    login(client, helpers.manager())
    preview = post(client, f"/companies/{company.id}/ip/new",
                   _form(company, achievement, helpers.days_ago(30), institute="600000",
                         team="400000"))
    text = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert f"The contributors of {achievement.title} hold 40.00% of the 1,000,000 shares" in text


def test_a_company_without_a_cap_table_gives_no_shares_and_says_so_beside_the_field(client):
    project = make_project(phase=Phase.SPIN_OFF)
    company = helpers.make_company(project)
    achievement = helpers.register(project)
    login(client, helpers.manager())
    answer = post(client, f"/companies/{company.id}/ip/new",
                  _form(company, achievement, helpers.days_ago(30), institute="", team="5",
                        team_holder=""))
    text = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert "Name the holder the shares are issued to" in text
    answer = post(client, f"/companies/{company.id}/ip/new",
                  _form(company, achievement, helpers.days_ago(30)))
    text = answer.get_data(as_text=True)
    error = text[text.index('id="institute_shares-error"'):][:600]
    assert answer.status_code == 400 and "has no cap table yet" in error
    assert _deal(company) is None
    # Without shares, the deal is recorded as before.
    done = post(client, f"/companies/{company.id}/ip/new",
                _form(company, achievement, helpers.days_ago(30), institute="", team=""))
    assert done.status_code == 302 and _deal(company).equity_shares == 0


def test_a_round_priced_after_the_signing_or_an_exit_refuses_the_shares(client):
    _project, company, achievement = _world()
    helpers.record_round(company, on=helpers.days_ago(20))
    login(client, helpers.manager())
    answer = post(client, f"/companies/{company.id}/ip/new",
                  _form(company, achievement, helpers.days_ago(30)))
    text = answer.get_data(as_text=True)
    assert answer.status_code == 400 and "The round Series A of" in text
    assert "Reverse the round first" in text
    assert post(client, f"/companies/{company.id}/ip/new", {
        **_form(company, achievement, helpers.days_ago(10)),
        "confirmed": "1"}).status_code == 302  # after the round: its price stands


def test_a_holder_of_another_kind_is_refused_beside_its_name(client):
    _project, company, achievement = _world()
    login(client, helpers.manager())
    answer = post(client, f"/companies/{company.id}/ip/new",
                  _form(company, achievement, helpers.days_ago(30),
                        institute_holder="Incentive pool"))
    text = answer.get_data(as_text=True)
    error = text[text.index('id="institute_holder-error"'):][:400]
    assert answer.status_code == 400 and "Incentive pool is a holder of the type" in error


def test_the_shares_are_reversed_as_any_issuance_and_the_pages_say_so(client):
    company, achievement, admin, signed, deal = _recorded(client)
    transfer = make_transfer(achievement, admin, enterprise_id=make_enterprise().id,
                             kind="equity", signed_on=signed, upfront=Decimal("0"),
                             royalty_pct=Decimal("0"), royalty_base="", minimum_royalty=None,
                             reporting_months=0, ip_deal_id=deal.id)
    page = client.get(f"/transfers/{transfer.id}").get_data(as_text=True)
    assert "Shares given for it" in page and "Robotics institute: 300,000" in page
    team = next(e for e in deal.share_entries if e.to_holder.kind is HolderType.TEAM)
    answer = post(client, f"/companies/entries/{team.id}/reverse",
                  {"on_date": helpers.days_ago(1).isoformat(), "reason": "Typed in error"})
    assert answer.status_code == 302, answer.get_data(as_text=True)
    db.session.expire_all()
    assert ledger.cap_table(company, signed).issued == Decimal("10300000")
    page = client.get(f"/transfers/{transfer.id}").get_data(as_text=True)
    assert "Reversed on" in page
    assert "Reversed on" in client.get(f"/companies/{company.id}").get_data(as_text=True)
    # A contributor who does not see the company reads the deal, not its shares.
    researcher = make_user(Role.PROJECT_MANAGER)
    pm = achievement.project.pm
    register.save_achievement(pm, achievement.project, achievement, title=achievement.title,
                              description="", contributors=[
                                  ContributorLine(user_id=pm.id, name="", share_pct=Decimal(60)),
                                  ContributorLine(user_id=researcher.id, name="",
                                                  share_pct=Decimal(40))])
    _commit()
    assert not company.can_view(researcher) and transfer.can_view(researcher)
    post(client, "/logout")
    login(client, researcher)
    page = client.get(f"/transfers/{transfer.id}").get_data(as_text=True)
    assert "Shares given for it" not in page and "Robotics institute" not in page


def test_a_contribution_for_equity_to_a_spin_off_names_the_deal_that_gave_the_shares(client):
    _project, company, achievement = _world()
    admin = helpers.manager()
    spin_off = make_enterprise(name=company.name, uscc=company.uscc)
    plain = helpers.license_ip(company, achievement.project)  # gives no shares
    values = dict(kind="equity", signed_on=helpers.days_ago(30), upfront=Decimal("0"),
                  royalty_pct=Decimal("0"), royalty_base="", minimum_royalty=None,
                  reporting_months=0)
    for ip_deal_id, said in ((None, "whose cap table is kept here"),
                             (plain.id, "gives no shares for the IP")):
        with pytest.raises(Invalid) as refused:
            make_transfer(achievement, admin, enterprise_id=spin_off.id, ip_deal_id=ip_deal_id,
                          **values)
        assert said in dict(refused.value.problems)["ip_deal_id"]
    # To an enterprise not kept here as a company, the shares are on no cap table of ours.
    other = make_transfer(achievement, admin, enterprise_id=make_enterprise().id, **values)
    login(client, admin)
    page = client.get(f"/transfers/{other.id}").get_data(as_text=True)
    assert "On no cap table kept here" in page


def test_a_correction_of_the_deal_keeps_the_shares_it_issued_on_the_ledger(client):
    """The correction page (9's F50 class, landed beside F44) corrects a deal's terms; the
    shares it issued stand as issued, on its signing date: changing their number or the date
    is refused beside each field, saying to reverse them on the company's page, while its
    other terms are corrected. The new-deal form's holder lines are not on it."""
    company, achievement, admin, signed, deal = _recorded(client)
    path = f"/companies/ip/{deal.id}/edit"
    page = client.get(path).get_data(as_text=True)
    assert 'name="institute_shares"' not in page and 'name="equity_shares"' in page
    base = {**tab(client, path), "achievement_id": str(achievement.id), "kind": "assignment",
            "licensee": company.name, "upfront": "", "royalty_pct": "",
            "signed_on": signed.isoformat(), "equity_shares": "1000000",
            "reason": "The field of use was left out."}
    refused = post(client, path, {**base, "equity_shares": "900000",
                                  "signed_on": helpers.days_ago(31).isoformat()})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert "they stand as issued" in text and "reverse them on the company" in text
    db.session.expire_all()
    assert _deal(company).equity_shares == Decimal("1000000")
    done = post(client, path, {**base, "field_of_use": "Collaborative robots"})
    assert done.status_code == 302, done.get_data(as_text=True)
    db.session.expire_all()
    deal = _deal(company)
    assert deal.field_of_use == "Collaborative robots" and deal.equity_shares == Decimal("1000000")
    assert len([e for e in deal.share_entries if e.reversed_by is None]) == 2
