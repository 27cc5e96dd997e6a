"""A conversion recorded by mistake is reversed with a date and a reason: HQ's shares from it
are reversed on the ledger from that date, the agreement is open again, no figure counts the
money as converted, both conversions stay on the funding page, and the round may be converted
at again. A reversed round frees its name for the company's next round."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.companies import helpers
from tests.conftest import login, post
from tests.factories import make_user
from tracker import db
from tracker.accounts.models import Role
from tracker.audit.models import AuditRecord
from tracker.companies import corrections, ledger
from tracker.companies.models import HolderType
from tracker.dates import today
from tracker.errors import Invalid, Refused
from tracker.funding import corrections as funding_corrections
from tracker.funding import services as funding
from tracker.reports import dashboard
from tracker.reports.filters import Filters

D = Decimal


def _hq_shares(company, on) -> Decimal:
    table = ledger.cap_table(company, on)
    return sum((r.shares for r in table.rows if r.holder.kind is HolderType.HQ), D("0"))


def test_a_reversed_conversion_is_undone_on_every_figure_and_both_stay_visible(client):
    committee = make_user(Role.INVESTMENT_COMMITTEE)
    agreement, company = helpers.worked_example(
        helpers.invested_project(), committee)
    conversion = agreement.conversion
    financing = conversion.round
    converted_on = financing.on_date
    assert _hq_shares(company, today()) == conversion.shares > 0
    assert dashboard.funding_figures(Filters()).converted == D("10000000.00")
    assert dashboard.company_figures(Filters(), today()).hq_cost == D("10000000.00")

    login(client, committee)
    page = client.get(f"/projects/{agreement.project_id}/funding").get_data(as_text=True)
    assert f"/funding/conversions/{conversion.id}/reverse" in page
    refused = post(client, f"/funding/conversions/{conversion.id}/reverse",
                   {"on_date": helpers.days_ago(5).isoformat(), "reason": ""})
    assert refused.status_code == 400
    response = post(client, f"/funding/conversions/{conversion.id}/reverse",
                    {"on_date": helpers.days_ago(5).isoformat(),
                     "reason": "Converted at the wrong round"})
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()

    # The ledger: the shares drop out on every date, the days before the reversal too.
    assert _hq_shares(company, helpers.days_ago(6)) == 0
    assert _hq_shares(company, today()) == 0
    assert converted_on <= helpers.days_ago(6)
    # The agreement is open again and the money no longer counts as converted.
    assert agreement.is_open and agreement.conversion is None
    assert agreement.reversed_conversions == [conversion]
    assert dashboard.funding_figures(Filters()).converted == D("0.00")
    # HQ's cost follows, on every date.
    figures = dashboard.company_figures(Filters(), today())
    assert figures.hq_cost == D("0.00") and figures.multiple is None
    assert dashboard.company_figures(Filters(), helpers.days_ago(6)).hq_cost == D("0.00")
    page = client.get(f"/projects/{agreement.project_id}/funding").get_data(as_text=True)
    assert "Converted at the wrong round" in page
    assert f"/funding/conversions/{conversion.id}/reverse" not in page
    assert post(client, f"/funding/conversions/{conversion.id}/reverse",
                {"on_date": today().isoformat(), "reason": "again"}).status_code == 409
    [record] = db.session.scalars(select(AuditRecord).where(
        AuditRecord.action == "conversion.reverse")).all()
    assert record.changes["reason"] == [None, "Converted at the wrong round"]

    # The round no longer stands with a conversion: it may now be reversed, or converted at
    # again (the money disbursed is still there to convert).
    assert financing.can_reverse(helpers.manager())
    again = funding.convert(committee, agreement, financing)
    db.session.commit()
    assert agreement.conversion == again and len(agreement.conversions) == 2
    assert _hq_shares(company, today()) == again.shares


def test_only_the_committee_reverses_a_conversion_and_not_before_it():
    agreement, _company = helpers.worked_example(helpers.invested_project())
    conversion = agreement.conversion
    with pytest.raises(Exception, match="investment committee"):
        funding_corrections.reverse_conversion(helpers.manager(), conversion, today(), "x")
    committee = make_user(Role.INVESTMENT_COMMITTEE)
    with pytest.raises(Invalid, match="on or after"):
        funding_corrections.reverse_conversion(
            committee, conversion, conversion.round.on_date.replace(year=2000), "x")


def test_a_reversed_round_frees_its_name():
    company = helpers.make_company(helpers.invested_project())
    helpers.incorporate(company)
    first = helpers.record_round(company, on=helpers.days_ago(30))
    with pytest.raises(Invalid, match="already has a round called"):
        helpers.record_round(company, on=helpers.days_ago(20))
    corrections.reverse_round(helpers.manager(), first, helpers.days_ago(10), "A term sheet")
    again = helpers.record_round(company, on=helpers.days_ago(5))
    assert again.name == first.name and again.id != first.id
    with pytest.raises(Refused):
        corrections.reverse_round(helpers.manager(), first, today(), "again")


@pytest.mark.parametrize("language", ["en", "zh_CN"])
def test_what_stands_with_a_conversion_says_to_reverse_the_conversion_first(client, language):
    """A disbursement converted to shares, and the round it was converted at, are reversed
    only after the conversion: their pages say so and link to it, and a refusal says exactly
    what to do first."""
    committee = make_user(Role.INVESTMENT_COMMITTEE, locale=language)
    agreement, company = helpers.worked_example(
        helpers.invested_project(), committee)
    conversion = agreement.conversion
    [paid] = agreement.tranches[0].disbursements
    company.rounds[0].name = "A轮"
    db.session.commit()
    login(client, committee)
    first = {"en": "Reverse that conversion first", "zh_CN": "请先冲销该次转股"}[language]
    page = client.get(f"/projects/{agreement.project_id}/funding").get_data(as_text=True)
    assert 'href="#conversion"' in page and 'id="conversion"' in page
    assert f"/funding/disbursements/{paid.id}/reverse" not in page
    assert "A轮 轮" not in page and "A轮轮" not in page
    refused = post(client, f"/funding/disbursements/{paid.id}/reverse",
                   {"on_date": today().isoformat(), "reason": "Paid twice"})
    assert refused.status_code == 409 and first in refused.get_data(as_text=True)
    page = client.get(f"/companies/{company.id}").get_data(as_text=True)
    assert f"/projects/{agreement.project_id}/funding#conversion" in page
    refused = post(client, f"/companies/rounds/{conversion.round.id}/reverse",
                   {"on_date": today().isoformat(), "reason": "A term sheet"})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 409 and first in text and "A轮 轮" not in text
    db.session.expire_all()
    assert conversion.round.reversal is None and paid.reversed_by is None
