"""An allocation-investment agreement recorded wrong is corrected (issue 9 point 5): its terms
and co-funders, by the committee, with a reason and a version (a stale save is refused with
what changed, the input kept), every rule of a new agreement met again and none broken
against the money, reports and conversion recorded under it."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest

from tests.companies import helpers
from tests.conftest import login, post
from tests.factories import _commit, make_user
from tests.test_edits import hidden, tab
from tracker import db
from tracker.accounts.models import Role
from tracker.dates import today
from tracker.errors import Forbidden, Invalid, Refused
from tracker.funding import amendments
from tracker.funding import services as funding
from tracker.funding.models import AgreementOutcome, FundingAgreement, Tranche
from tracker.obligations import services as obligations
from tracker.obligations.models import ReportKind
from tracker.partners import co_funding

D = Decimal


@pytest.fixture
def committee():
    return make_user(Role.INVESTMENT_COMMITTEE)


def agreement_of(committee, **values) -> FundingAgreement:
    terms = {"committed": D("5000000"), "qualifying_round_min": D("20000000"),
             "discount_pct": D("20"), "signed_on": today() - timedelta(days=200),
             "conversion_deadline": today() + timedelta(days=365),
             "co_funders": [("苏州市", D("1"))], **values}
    agreement = funding.record_agreement(
        committee, helpers.invested_project(), **terms)
    _commit()
    return agreement


def given(agreement: FundingAgreement, **overrides) -> dict:
    values = {"committed": agreement.committed, "hq_ratio": agreement.hq_ratio,
              "discount_pct": agreement.discount_pct,
              "qualifying_round_min": agreement.qualifying_round_min,
              "signed_on": agreement.signed_on,
              "conversion_deadline": agreement.conversion_deadline,
              "co_funders": [(c.partner.name, c.ratio) for c in agreement.co_funders],
              "reason": "Typed from the wrong page of the minutes.", **overrides}
    return values


def fields(agreement: FundingAgreement, **overrides) -> dict:
    data = {"committed": str(agreement.committed), "hq_ratio": ratio(agreement.hq_ratio),
            "discount_pct": str(agreement.discount_pct),
            "qualifying_round_min": str(agreement.qualifying_round_min),
            "signed_on": agreement.signed_on.isoformat(),
            "conversion_deadline": agreement.conversion_deadline.isoformat(),
            "reason": "The minutes say otherwise."}
    for i, c in enumerate(agreement.co_funders):
        data[f"co_funders-{i}-name"], data[f"co_funders-{i}-ratio"] = c.partner.name, ratio(c.ratio)
    data.update(overrides)
    return data


def ratio(value: Decimal) -> str:
    """As the form shows it (four places at most)."""
    return f"{value:.4f}"


def linked(client, committee, agreement: FundingAgreement, path: str) -> str:
    """The committee, signed in, finds the correction's form linked from the funding page:
    the form's page."""
    login(client, committee)
    page = client.get(f"/projects/{agreement.project_id}/funding").get_data(as_text=True)
    assert f'href="{path}"' in page
    return client.get(path).get_data(as_text=True)


def problems_of(refused) -> dict[str, str]:
    found: dict[str, str] = {}
    for field, message in refused.value.problems:
        found[field] = " ".join(filter(None, (found.get(field), message)))
    return found


def test_the_committee_corrects_the_terms_and_the_history_says_so(client, committee):
    agreement = agreement_of(committee)
    path = f"/funding/{agreement.id}/edit"
    form = linked(client, committee, agreement, path)
    assert 'value="苏州市"' in form and 'value="5000000.00"' in form
    response = post(client, path, fields(agreement, **tab(client, path), committed="6000000",
                                         discount_pct="15", **{"co_funders-0-ratio": "2",
                                                               "co_funders-1-name": "吴江区",
                                                               "co_funders-1-ratio": "1"}))
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    kept = db.session.get(FundingAgreement, agreement.id)
    assert (kept.committed, kept.discount_pct) == (D("6000000"), D("15"))
    assert [(c.partner.name, c.ratio, c.commitment) for c in kept.co_funders] == [
        ("苏州市", D("2"), D("12000000.00")), ("吴江区", D("1"), D("6000000.00"))]
    history = client.get(f"/history/funding_agreements/{agreement.id}").get_data(as_text=True)
    assert "Funding agreement corrected" in history and "The minutes say otherwise." in history
    assert "CN¥5,000,000.00" in history and "CN¥6,000,000.00" in history
    assert "吴江区" in history and not re.search(r"\b(committed|co_funders|None)\b",
                                                 re.sub(r"<[^>]*>", " ", history))


def test_the_history_of_a_correction_reads_in_chinese(client, committee):
    agreement = agreement_of(committee)
    amendments.save_agreement(committee, agreement, **given(agreement, committed=D("5500000")))
    _commit()
    login(client, make_user(Role.HQ_ADMIN, locale="zh_CN"))
    page = client.get(f"/history/funding_agreements/{agreement.id}").get_data(as_text=True)
    body = re.sub(r"<[^>]*>", " ", page[page.index("<main"):])
    assert "更正了拨投协议" in body and "¥5,500,000.00" in body and "理由" in body
    assert not re.search(r"\b(committed|funding\.update|None)\b", body)


def test_only_the_committee_corrects_and_a_reason_is_asked(client, committee):
    agreement = agreement_of(committee)
    with pytest.raises(Forbidden):
        amendments.save_agreement(make_user(Role.HQ_ADMIN), agreement, **given(agreement))
    db.session.rollback()
    with pytest.raises(Invalid) as refused:
        amendments.save_agreement(committee, agreement, **given(agreement, reason=" "))
    assert set(problems_of(refused)) == {"reason"}
    db.session.rollback()
    login(client, make_user(Role.HQ_ADMIN))
    assert client.get(f"/funding/{agreement.id}/edit").status_code == 403
    page = client.get(f"/projects/{agreement.project_id}/funding").get_data(as_text=True)
    assert f"/funding/{agreement.id}/edit" not in page


def test_a_stale_save_is_refused_with_what_changed_and_the_input_kept(client, committee):
    agreement = agreement_of(committee)
    login(client, committee)
    path = f"/funding/{agreement.id}/edit"
    first, second = tab(client, path), tab(client, path)
    assert post(client, path, fields(agreement, **first, committed="5100000")).status_code == 302
    response = post(client, path, fields(agreement, **second, qualifying_round_min="30000000",
                                         reason="Typed in the second tab"))
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Saved by you in another tab or window meanwhile" in page and "CN¥5,100,000.00" in page
    assert "Typed in the second tab" in page and 'value="30000000' in page
    db.session.expire_all()
    kept = db.session.get(FundingAgreement, agreement.id)
    assert (kept.committed, kept.qualifying_round_min) == (D("5100000"), D("20000000"))
    again = fields(kept, qualifying_round_min="30000000", version=hidden(page, "version"),
                   seen_at=hidden(page, "seen_at"), once=hidden(page, "once"))
    assert post(client, path, again).status_code == 302


def test_a_co_funder_ratio_alone_moves_the_version(committee):
    agreement = agreement_of(committee)
    version = agreement.version
    amendments.save_agreement(committee, agreement,
                              **given(agreement, co_funders=[("苏州市", D("2"))]))
    _commit()
    assert agreement.version == version + 1


def test_the_terms_stay_true_to_the_money_recorded_under_them(committee):
    """Every problem at once: the commitment below its tranches, the signing after a
    payment, a co-funder's commitment below what it paid, a co-funder with payments or a
    report owed removed."""
    agreement = agreement_of(committee, co_funders=[("苏州市", D("1")), ("吴江区", D("1"))])
    milestone = helpers.make_milestone(agreement.project, helpers.MilestoneState.ACCEPTED)
    tranche = funding.add_tranche(committee, agreement, amount=D("3000000"),
                                  milestone_id=milestone.id)
    funding.record_disbursement(committee, tranche, amount=D("1000000"),
                                paid_on=today() - timedelta(days=100))
    co_funding.record_payment(committee, agreement.co_funders[0], amount=D("2000000"),
                              paid_on=today() - timedelta(days=150))
    obligations.add_obligation(committee, agreement, kind=ReportKind.PROGRESS,
                               due_on=today() + timedelta(days=30), recipient="",
                               co_funder_id=agreement.co_funders[1].id)
    _commit()
    with pytest.raises(Invalid) as refused:
        amendments.save_agreement(committee, agreement, **given(
            agreement, committed=D("2500000"), signed_on=today() - timedelta(days=120),
            co_funders=[]))
    found = problems_of(refused)
    assert "The tranches add up to CN¥3,000,000.00 (CN¥1,000,000.00 of it paid)" in found[
        "committed"]
    assert "A payment was recorded on" in found["signed_on"]
    assert "苏州市 has a payment recorded under this agreement" in found["co_funders"]
    assert "A report owed to 吴江区 is recorded under this agreement" in found["co_funders"]
    db.session.rollback()
    with pytest.raises(Invalid) as refused:
        amendments.save_agreement(committee, agreement, **given(
            agreement, co_funders=[("苏州市", D("0.2")), ("吴江区", D("1"))]))
    assert "苏州市 has paid CN¥2,000,000.00: by these terms it would commit CN¥1,000,000.00" \
        in problems_of(refused)["co_funders"]
    db.session.rollback()
    amendments.save_agreement(committee, agreement, **given(
        agreement, committed=D("3000000"), co_funders=[("苏州市", D("1")), ("吴江区", D("1"))]))
    assert agreement.committed == D("3000000")


def test_a_standing_conversion_keeps_its_terms(committee):
    agreement, _company = helpers.worked_example(committee=committee)
    conversion = agreement.conversion
    with pytest.raises(Invalid) as refused:
        amendments.save_agreement(committee, agreement, **given(
            agreement, discount_pct=D("10"), qualifying_round_min=D("99000000"),
            conversion_deadline=conversion.round.on_date - timedelta(days=1),
            signed_on=conversion.round.on_date - timedelta(days=1)))
    found = problems_of(refused)
    assert set(found) >= {"discount_pct", "qualifying_round_min", "conversion_deadline"}
    assert all("Reverse the conversion first" in found[f] for f in (
        "discount_pct", "qualifying_round_min", "conversion_deadline"))
    db.session.rollback()
    amendments.save_agreement(committee, agreement, **given(
        agreement, conversion_deadline=agreement.conversion_deadline + timedelta(days=30)))


def test_the_deadline_stays_before_the_outcome_recorded_after_it(committee):
    agreement = agreement_of(committee, signed_on=today() - timedelta(days=400),
                             conversion_deadline=today() - timedelta(days=30))
    funding.record_outcome(committee, agreement, outcome=AgreementOutcome.GRANT,
                           on=today() - timedelta(days=10))
    _commit()
    with pytest.raises(Invalid) as refused:
        amendments.save_agreement(committee, agreement, **given(
            agreement, conversion_deadline=today() - timedelta(days=5)))
    assert "The outcome was recorded on" in problems_of(refused)["conversion_deadline"]


# --- a tranche ----------------------------------------------------------------------------------


def tranche_of(committee, amount="2000000"):
    agreement = agreement_of(committee)
    milestone = helpers.make_milestone(agreement.project, helpers.MilestoneState.ACCEPTED)
    tranche = funding.add_tranche(committee, agreement, amount=D(amount),
                                  milestone_id=milestone.id)
    _commit()
    return tranche


def test_a_tranche_is_corrected_before_anything_is_paid_on_it(client, committee):
    tranche = tranche_of(committee)
    path = f"/funding/tranches/{tranche.id}/edit"
    linked(client, committee, tranche.agreement, path)
    first, second = tab(client, path), tab(client, path)
    data = {"amount": "2500000", "condition": "gate", "gate": "2", "milestone_id": "0",
            "reason": "The minutes name gate 2."}
    response = post(client, path, {**data, **first})
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    kept = db.session.get(Tranche, tranche.id)
    assert (kept.amount, kept.gate, kept.milestone_id) == (D("2500000"), 2, None)
    history = client.get(f"/history/funding_agreements/{kept.agreement_id}").get_data(
        as_text=True)
    assert "Tranche corrected" in history and "The minutes name gate 2." in history
    assert "CN¥2,000,000.00" in history and "CN¥2,500,000.00" in history
    # A second tab on the old version is refused, its input kept.
    response = post(client, path, {**data, **second, "amount": "2600000"})
    assert response.status_code == 409 and 'value="2600000' in response.get_data(as_text=True)


def test_a_tranche_stays_within_the_commitment_and_asks_a_reason(committee):
    tranche = tranche_of(committee)
    with pytest.raises(Invalid) as refused:
        amendments.save_tranche(committee, tranche, amount=D("6000000"),
                                milestone_id=tranche.milestone_id, gate=None, reason="")
    found = problems_of(refused)
    assert "more than the CN¥5,000,000.00 committed" in found["amount"]
    assert set(found) == {"amount", "reason"}


def test_a_paid_tranche_is_corrected_only_once_its_payment_is_reversed(client, committee):
    from tracker.funding import corrections

    tranche = tranche_of(committee)
    paid = funding.record_disbursement(committee, tranche, amount=D("500000"),
                                       paid_on=today() - timedelta(days=5))
    _commit()
    login(client, committee)
    path = f"/funding/tranches/{tranche.id}/edit"
    response = client.get(path)
    assert response.status_code == 409
    assert "CN¥500,000.00 was paid on tranche 1" in response.get_data(as_text=True)
    page = client.get(f"/projects/{tranche.agreement.project_id}/funding").get_data(as_text=True)
    assert path not in page
    with pytest.raises(Refused):
        amendments.save_tranche(committee, tranche, amount=D("400000"),
                                milestone_id=tranche.milestone_id, gate=None, reason="Typo")
    db.session.rollback()
    corrections.reverse_disbursement(committee, paid, today(), "Paid twice by mistake.")
    _commit()
    amendments.save_tranche(committee, tranche, amount=D("400000"),
                            milestone_id=tranche.milestone_id, gate=None, reason="Typo")
    assert tranche.amount == D("400000")


# --- the outcome ------------------------------------------------------------------------------


def closed(committee, outcome=AgreementOutcome.GRANT):
    agreement = agreement_of(committee, signed_on=today() - timedelta(days=400),
                             conversion_deadline=today() - timedelta(days=30))
    milestone = helpers.make_milestone(agreement.project, helpers.MilestoneState.ACCEPTED)
    tranche = funding.add_tranche(committee, agreement, amount=D("1000000"),
                                  milestone_id=milestone.id)
    funding.record_disbursement(committee, tranche, amount=D("1000000"),
                                paid_on=today() - timedelta(days=100))
    funding.record_outcome(committee, agreement, outcome=outcome,
                           on=today() - timedelta(days=10))
    _commit()
    return agreement


def test_an_outcome_recorded_wrong_is_corrected_by_the_committee(client, committee):
    agreement = closed(committee)
    path = f"/funding/{agreement.id}/outcome/edit"
    form = linked(client, committee, agreement, path)
    assert 'value="grant" selected' in form or 'selected value="grant"' in form
    response = post(client, path, {**tab(client, path), "outcome": "repaid",
                                   "outcome_on": (today() - timedelta(days=10)).isoformat(),
                                   "repaid_amount": "2000000", "substitute": "", "note": "",
                                   "reason": ""})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "more than was disbursed" in page and "This field is required." in page
    response = post(client, path, {**tab(client, path), "outcome": "repaid",
                                   "outcome_on": (today() - timedelta(days=10)).isoformat(),
                                   "repaid_amount": "600000", "substitute": "", "note": "",
                                   "reason": "The company repaid; the minutes were misread."})
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    kept = db.session.get(FundingAgreement, agreement.id)
    assert (kept.outcome, kept.repaid_amount) == (AgreementOutcome.REPAID, D("600000"))
    history = client.get(f"/history/funding_agreements/{agreement.id}").get_data(as_text=True)
    assert "Outcome corrected" in history and "Closed as a grant" in history
    assert "Repaid" in history and "the minutes were misread" in history


def test_a_conversion_is_no_outcome_to_correct(client, committee):
    agreement, _company = helpers.worked_example(committee=committee)
    login(client, committee)
    response = client.get(f"/funding/{agreement.id}/outcome/edit")
    assert response.status_code == 409
    assert "reversed on the funding page" in response.get_data(as_text=True)
    with pytest.raises(Forbidden):
        amendments.save_outcome(make_user(Role.HQ_ADMIN), closed(committee),
                                outcome=AgreementOutcome.GRANT, on=today(),
                                repaid_amount=None, substitute=None, note="", reason="x")


def test_an_outcome_recorded_by_mistake_is_withdrawn_and_the_agreement_runs_again(client,
                                                                                  committee):
    agreement = closed(committee)
    path = f"/funding/{agreement.id}/outcome/withdraw"
    form = linked(client, committee, agreement, path)
    assert "Closed as a grant" in form
    assert post(client, path, {"once": hidden(form, "once"), "reason": ""}).status_code == 400
    response = post(client, path, {"once": hidden(form, "once"),
                                   "reason": "The committee had not decided yet."})
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.expire_all()
    kept = db.session.get(FundingAgreement, agreement.id)
    assert kept.is_open and kept.outcome is None and kept.outcome_on is None
    page = client.get(f"/projects/{agreement.project_id}/funding").get_data(as_text=True)
    assert "Record the outcome" in page
    history = client.get(f"/history/funding_agreements/{agreement.id}").get_data(as_text=True)
    assert "Outcome withdrawn" in history and "The committee had not decided yet." in history
    assert client.get(path).status_code == 409  # nothing left to withdraw
