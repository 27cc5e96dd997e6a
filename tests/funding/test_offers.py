"""The funding page offers "Record the outcome" and "Add a tranche" exactly when their pages draw
their forms (issue 9 point 6, issue 11 point 2): the view passes what `FundingAgreement.
can_decide` (who) and `tracker.funding.refusals.outcome_refusal`, `new_tranche_refusal` (when)
answered, where the template read the agreement's state and its deadline. Where the committee
may not record the outcome yet, the page says why in the sentence the outcome page's 409 says.
Found wrong before: before the deadline the committee was offered nothing and told nothing of
when the outcome would be recorded; the tranche's page drew its form under a closed agreement."""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest

from tests.companies import helpers
from tests.conftest import login, shared_data
from tests.factories import _commit, make_user
from tests.funding.test_conversion import funded
from tests.shared import ids_of, loaded
from tracker.accounts.models import Role
from tracker.dates import today
from tracker.display.formatting import day
from tracker.funding import services as funding
from tracker.funding.models import AgreementOutcome, FundingAgreement

# The refusal said before the deadline, in each language.
NOT_YET = {"en": "the outcome is recorded once it has passed with no conversion",
           "zh_CN": "须在该日期过后且仍未转股时才能登记处置结果"}


def _agreement(state: str, committee):
    """An agreement whose conversion deadline is ahead (with a qualifying round of its company,
    or none), passed, passed with its outcome recorded, or that was converted."""
    if state == "converted":
        return helpers.worked_example(committee=committee)[0]
    ahead = state in ("before the deadline", "a qualifying round")
    agreement, company = funded(committee, deadline=today() + timedelta(
        days=30 if ahead else -10))
    if state == "a qualifying round":
        helpers.record_round(company, on=helpers.days_ago(30))
    if state == "recorded":
        funding.record_outcome(committee, agreement, outcome=AgreementOutcome.GRANT,
                               on=today())
        _commit()
    return agreement


@pytest.fixture(scope="module")
def built_ids(app, module_connection) -> dict:
    """The investment committee's member and an agreement in each state of `_agreement`, each
    of a project and company of its own: built once for the module, each test going on from
    them in its own savepoint (what it changes is rolled back after it)."""
    with shared_data(app, module_connection):
        committee = make_user(Role.INVESTMENT_COMMITTEE)
        return ids_of({"committee": committee, **{
            state: _agreement(state, committee) for state in (*STATES, "a qualifying round")}})


@pytest.fixture
def built(built_ids) -> dict:
    return loaded(built_ids)


def _reader(who: str, agreement, committee):
    return {"committee": committee, "pm": agreement.project.pm,
            "hq_admin": make_user(Role.HQ_ADMIN)}[who]


def _said(page: str) -> str | None:
    """The sentence the funding page says in place of the link."""
    found = re.search(r'<p class="help" id="why-not-outcome">(.*?)</p>', page, re.S)
    return found.group(1).strip() if found else None


def _refused(response) -> str:
    """The 409's reason, on the error page."""
    assert response.status_code == 409
    body = html.unescape(response.get_data(as_text=True))
    return re.search(r'<p class="reason">(.*?)</p>', body, re.S).group(1).strip()


STATES = ["before the deadline", "after the deadline", "recorded", "converted"]


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
@pytest.mark.parametrize("who", ["committee", "pm", "hq_admin"])
@pytest.mark.parametrize("state", STATES)
def test_the_outcome_is_offered_exactly_when_its_page_draws_the_form(client, built, state, who,
                                                                     locale):
    committee, agreement = built["committee"], built[state]
    reader = _reader(who, agreement, committee)
    reader.locale = locale
    _commit()
    login(client, reader)
    shown = client.get(f"/projects/{agreement.project_id}/funding")
    assert shown.status_code == 200
    page = html.unescape(shown.get_data(as_text=True))
    offered = f'href="/funding/{agreement.id}/outcome"' in page
    form = client.get(f"/funding/{agreement.id}/outcome")
    assert offered is (form.status_code == 200)
    assert offered is (who == "committee" and state == "after the deadline")
    said = _said(page)
    if who == "committee" and state == "before the deadline":
        assert said == _refused(form)
        assert NOT_YET[locale] in said and day(agreement.conversion_deadline) in said
    else:  # nothing to those who may not record it, nor once the outcome has come
        assert said is None
        assert form.status_code in ((200, 409) if who == "committee" else (403,))


@pytest.mark.parametrize("who", ["committee", "pm", "hq_admin"])
@pytest.mark.parametrize("state", STATES)
def test_a_tranche_is_offered_exactly_when_its_page_draws_the_form(client, built, state, who):
    """The template read `agreement.is_open` where the page passes `new_tranche_refusal`'s
    answer, and the tranche's page drew its form under a closed agreement, refused on POST: now
    it answers 409 with the reason before the form (failed on the old view, recorded and
    converted)."""
    committee, agreement = built["committee"], built[state]
    agreement.committed += 2_000_000  # part of the commitment free for a tranche
    _commit()
    login(client, _reader(who, agreement, committee))
    page = client.get(f"/projects/{agreement.project_id}/funding").get_data(as_text=True)
    offered = f'href="/funding/{agreement.id}/tranches/new"' in page
    form = client.get(f"/funding/{agreement.id}/tranches/new")
    assert offered is (form.status_code == 200)
    assert offered is (who == "committee" and state in ("before the deadline",
                                                        "after the deadline"))
    if who == "committee" and not offered:
        assert "The agreement closed on" in _refused(form)
        assert 'name="amount"' not in form.get_data(as_text=True)


FULL = {"en": "The tranches already hold all CN¥10,000,000.00 committed",
        "zh_CN": "各拨付批次已占满全部承诺金额 ¥10,000,000.00"}


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_no_tranche_is_offered_once_the_tranches_hold_the_whole_commitment(client, built,
                                                                          locale):
    """A newcomer on the committee was offered "Add a tranche" with every yuan of the
    commitment already in tranches, where any amount could only be refused on saving. Now the
    page says why in place of the link, and the tranche's page answers 409 with the same
    sentence before its form."""
    committee = built["committee"]
    agreement = built["before the deadline"]  # one tranche of all 10,000,000
    committee.locale = locale
    _commit()
    login(client, committee)
    page = html.unescape(client.get(f"/projects/{agreement.project_id}/funding")
                         .get_data(as_text=True))
    assert f'href="/funding/{agreement.id}/tranches/new"' not in page
    said = _refused(client.get(f"/funding/{agreement.id}/tranches/new"))
    assert FULL[locale] in said and f'<p class="help">{said}</p>' in page


@pytest.mark.parametrize("who", ["committee", "pm", "hq_admin"])
@pytest.mark.parametrize("state", ["a qualifying round", "no round", "recorded", "converted"])
def test_convert_is_offered_as_the_service_answers_not_as_the_template_reads(client, built,
                                                                            state, who):
    """"Convert at a round" sat under the template's own `elif agreement.is_open` (issue 9
    point 6): the page now passes `converts` (the committee, `agreement_refusal` None, money
    disbursed, a qualifying round), and the link is drawn wherever that holds."""
    committee = built["committee"]
    agreement = built["before the deadline" if state == "no round" else state]
    reader = _reader(who, agreement, committee)
    login(client, reader)
    page = client.get(f"/projects/{agreement.project_id}/funding").get_data(as_text=True)
    offered = f'href="/funding/{agreement.id}/convert"' in page
    assert offered is (who == "committee" and state == "a qualifying round")
    assert offered is (FundingAgreement.can_decide(reader)
                       and funding.agreement_refusal(agreement) is None
                       and bool(funding.qualifying_rounds(agreement)))
