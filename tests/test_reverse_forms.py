"""A reversal's form is offered only for what can be reversed (issue 16, found by a newcomer):
GET /ip-income/N/reverse for a receipt reversed already, or for a reversal, showed the form. On
every ledger, the form of an entry reversed already, of a reversal, or of what its service
refuses (a report with income standing against it, a disbursement converted) answers 409 with
the service's reason before any form, and the entry's page offers no link to it."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal as D

import pytest
from flask_babel import force_locale

from tests.conftest import login, shared_data
from tests.factories import _commit, make_user
from tests.world import World, build
from tracker import db
from tracker.accounts.models import Role, User
from tracker.achievements import deal_corrections, deals
from tracker.achievements.deal_models import IncomeReceipt, RoyaltyReport
from tracker.centres import services as centres
from tracker.centres.models import CentrePayment
from tracker.companies import corrections as shares
from tracker.companies.models import CompanyExit, FinancingRound
from tracker.contracts import services as contracts
from tracker.contracts.models import Payment
from tracker.dates import today
from tracker.display.formatting import day
from tracker.funding import corrections as funding
from tracker.funding.models import Conversion, Disbursement
from tracker.partners import co_funding
from tracker.partners.payment_models import CoFunderPayment
from tracker.spending import services as spending
from tracker.spending.models import SpendingEntry


@pytest.fixture(scope="module")
def world(app, module_connection) -> World:
    with shared_data(app, module_connection):
        return build()


def _by(world: World, name: str) -> User:
    return db.session.get(User, world.people[name])


def _paths(world: World) -> dict[str, str]:
    return {"transfer": f"/transfers/{world.ids['transfer_id']}",
            "funding": f"/projects/{world.ids['invested_id']}/funding",
            "contract": f"/contracts/{world.ids['contract_id']}",
            "spending": f"/projects/{world.ids['project_id']}/spending"}


# What the reverse page of an entry reversed says, and of its reversal (with their dates).
REVERSED = ("This entry was reversed on", "This entry is the reversal, on")

# What is reversed, by whom, with its service; the reverse form's address; the page listing it.
ENTRIES = [
    (IncomeReceipt, "receipt_id", deal_corrections.reverse_income, "/ip-income/{}/reverse",
     "transfer", REVERSED),
    (CoFunderPayment, "co_funder_payment_id", co_funding.reverse_payment,
     "/funding/co-funder-payments/{}/reverse", "funding",
     REVERSED),
    (CentrePayment, "centre_payment_id", centres.reverse_payment,
     "/centres/payments/{}/reverse", None,
     REVERSED),
    (Payment, "payment_id", contracts.reverse_payment, "/payments/{}/reverse", "contract",
     REVERSED),
]


@pytest.mark.parametrize(("model", "key", "reverse", "path", "page", "reason"), ENTRIES,
                         ids=[e[1] for e in ENTRIES])
def test_no_form_for_an_entry_reversed_or_a_reversal(client, world, model, key, reverse, path,
                                                     page, reason):
    admin = _by(world, "admin")
    entry = db.session.get(model, world.ids[key])
    actor = admin
    if model is Payment:
        actor = entry.instalment.contract.project.pm
    reversal = reverse(actor, entry, today(), "Typed twice")
    _commit()
    db.session.expire_all()  # as the next request would read them
    login(client, actor)
    for target in (entry, reversal):
        answer = client.get(path.format(target.id))
        assert answer.status_code == 409, (key, target.id)
        text = answer.get_data(as_text=True)
        said = reason[target is reversal]
        assert said in text.replace("&#39;", "'") and 'name="reason"' not in text
        # opened from a bookmark (no referrer), the refusal still leads to the entry's page
        back = (_paths(world)[page] if page
                else f"/centres/{entry.agreement.centre_id}")
        assert f'<a href="{back}' in text, (key, back)
        if page:
            listing = client.get(_paths(world)[page]).get_data(as_text=True)
            assert path.format(target.id) not in listing


def test_no_form_for_a_spending_entry_reversed_or_a_reversal(client, world):
    entry = db.session.get(SpendingEntry, world.ids["entry_id"])
    pm = entry.project.pm
    reversal = spending.reverse_spending(pm, entry, today(), "Typed twice")
    _commit()
    db.session.expire_all()  # as the next request would read them
    login(client, pm)
    for target in (entry, reversal):
        answer = client.get(f"/spending/{target.id}/reverse")
        assert answer.status_code == 409
        text = answer.get_data(as_text=True)
        assert REVERSED[target is reversal] in text
        assert f'<a href="{_paths(world)["spending"]}">' in text


def test_no_form_for_a_report_paid_or_reversed_and_none_offered_on_the_deal(app, client, world):
    report = db.session.get(RoyaltyReport, world.ids["report_id"])
    admin = _by(world, "admin")
    login(client, admin)
    transfer_page = _paths(world)["transfer"]
    path = f"/royalty-reports/{report.id}/reverse"
    assert path in client.get(transfer_page).get_data(as_text=True)
    # Income received against it: that receipt is reversed first.
    paid = deals.record_income(admin, report.transfer, received_on=today(), amount=D("1000"),
                               costs=None, pays="royalty", report_id=report.id)
    _commit()
    db.session.expire_all()
    answer = client.get(path)
    assert answer.status_code == 409
    assert "Income was received against this report" in answer.get_data(as_text=True)
    assert path not in client.get(transfer_page).get_data(as_text=True)
    deal_corrections.reverse_income(admin, paid, today(), "Paid to the other deal")
    _commit()
    db.session.expire_all()
    assert path in client.get(transfer_page).get_data(as_text=True)
    deal_corrections.reverse_report(admin, report, today(), "Draft figures")
    _commit()
    db.session.expire_all()  # as the next request would read them
    answer = client.get(path)
    assert answer.status_code == 409
    said = answer.get_data(as_text=True)
    assert "This report was reversed on" in said and "its period is owed again" in said
    assert f'<a href="{transfer_page}">' in answer.get_data(as_text=True)
    assert path not in client.get(transfer_page).get_data(as_text=True)
    chinese = app.test_client()
    login(chinese, make_user(Role.HQ_ADMIN, locale="zh_CN"))
    answer = chinese.get(path)
    assert answer.status_code == 409 and "该报告已于" in answer.get_data(as_text=True)
    assert path not in chinese.get(transfer_page).get_data(as_text=True)


def test_the_record_reversals_refuse_a_second_form(app, client, world):
    """A conversion, an exit: reversed once, their second form refused with the day of the
    reversal, as every ledger's entry is (`reversals.reversed_on`), in each language; a
    disbursement converted: its conversion first."""
    committee = _by(world, "committee")
    login(client, committee)
    paid = db.session.get(Disbursement, world.ids["disbursement_id"])
    answer = client.get(f"/funding/disbursements/{paid.id}/reverse")
    assert answer.status_code == 409 and "Reverse that conversion first" in answer.get_data(
        as_text=True)
    conversion = db.session.get(Conversion, world.ids["conversion_id"])
    funding.reverse_conversion(committee, conversion, today(), "Wrong round")
    exit_ = db.session.get(CompanyExit, world.ids["exit_id"])
    shares.reverse_exit(committee, exit_, today() - timedelta(days=1), "Not dissolved")
    _commit()
    db.session.expire_all()  # as the next request would read them
    chinese = app.test_client()
    login(chinese, make_user(Role.INVESTMENT_COMMITTEE, locale="zh_CN"))
    for path, on in ((f"/funding/conversions/{conversion.id}/reverse", today()),
                     (f"/companies/exits/{exit_.id}/reverse", today() - timedelta(days=1))):
        answer = client.get(path)
        said = f"This entry was reversed on {day(on)}: it no longer counts."
        assert answer.status_code == 409 and said in answer.get_data(as_text=True), path
        back = (_paths(world)["funding"] if "conversions" in path
                else f"/companies/{exit_.company_id}")
        assert f'<a href="{back}">' in answer.get_data(as_text=True), path
        with force_locale("zh_CN"):
            said = f"此记录已于 {day(on)} 冲销，不再计入。"
        answer = chinese.get(path)
        assert answer.status_code == 409 and said in answer.get_data(as_text=True), path
    assert (f"/funding/conversions/{conversion.id}/reverse"
            not in client.get(_paths(world)["funding"]).get_data(as_text=True))


def test_a_reversal_of_shares_says_they_count_in_no_cap_table(client, world):
    """Reversed shares drop out of every cap table, on every date (`ledger.standing`): each
    form reversing them (a conversion's, a round's, a share entry's) says so, never that they
    stop counting from the reversal's date, as the conversion's form ("no longer counts from
    this date on; before it, it still does"), and the round's and the entry's explanations
    said (found by tests/test_review_walk.py)."""
    conversion = db.session.get(Conversion, world.ids["conversion_id"])
    login(client, _by(world, "committee"))
    pages = [client.get(f"/funding/conversions/{conversion.id}/reverse")]
    funding.reverse_conversion(_by(world, "committee"), conversion, today(), "Wrong round")
    _commit()
    login(client, _by(world, "admin"))
    pages.append(client.get(f"/companies/rounds/{world.ids['round_id']}/reverse"))
    # The founders' entry was priced by the round: reversed once the round is.
    shares.reverse_round(_by(world, "admin"), db.session.get(FinancingRound, world.ids["round_id"]),
                         today(), "Never closed")
    _commit()
    pages.append(client.get(f"/companies/entries/{world.ids['share_entry_id']}/reverse"))
    for page in pages:
        text = page.get_data(as_text=True)
        assert page.status_code == 200, text
        assert "Reversed shares count in no cap table, on any date" in text
        assert not re.search(r"from (this|its|the) date|before it, it still", text), text
