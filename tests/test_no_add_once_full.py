"""Nothing is offered to be added to a total that is already full (issue 9 point 6: an action is
offered only when it would succeed): an instalment to a contract whose instalments ask for its
whole value, a payment under a centre's term the enterprise has paid in full, spending on a
project whose approved total is all spent. Any amount could only be refused on saving; now the
page says why in place of the link or form, the form's page answers 409 with the same sentence
(and the service refuses with it), in the reader's language. Found by a tester on the contract
page ("Add an instalment" with ¥1,000,000 of ¥1,000,000 scheduled); the tranches of a funding
agreement were fixed before (tests/funding/test_offers.py)."""

from __future__ import annotations

import html
import re
from datetime import date
from decimal import Decimal

import pytest

from tests.conftest import login, post
from tests.contracts.test_contracts import record
from tests.factories import _commit, install_gates, make_centre, make_project, make_user
from tests.test_edits import tab
from tracker import db
from tracker.accounts.models import Role
from tracker.centres import services as centres
from tracker.contracts import corrections
from tracker.dates import today
from tracker.errors import Refused
from tracker.projects.lifecycle import Phase
from tracker.spending.services import record_spending

D = Decimal


@pytest.fixture(autouse=True)
def _gates():
    install_gates()


def _page(client, path: str) -> str:
    return html.unescape(client.get(path).get_data(as_text=True))


def _refused(response) -> str:
    """The 409's reason, on the error page."""
    assert response.status_code == 409, response.status_code
    body = html.unescape(response.get_data(as_text=True))
    return re.search(r'<p class="reason">(.*?)</p>', body, re.S).group(1).strip()


INSTALMENTS_FULL = {"en": "The instalments already ask for all CN¥1,000,000.00 of the contract",
                    "zh_CN": "各付款节点已占满合同全部金额 ¥1,000,000.00"}


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_no_instalment_is_offered_once_the_instalments_ask_for_the_whole_value(client, locale):
    project = make_project()
    contract = record(project, "1000000", schedule=[(date(2026, 3, 1), D("600000")),
                                                    (date(2026, 9, 1), D("400000"))])
    project.pm.locale = locale
    _commit()
    login(client, project.pm)
    new = f"/contracts/{contract.id}/instalments/new"
    page = _page(client, f"/contracts/{contract.id}")
    assert f'href="{new}"' not in page
    said = _refused(client.get(new))
    assert INSTALMENTS_FULL[locale] in said and f'<p class="help">{said}</p>' in page
    with pytest.raises(Refused, match=re.escape(INSTALMENTS_FULL[locale])):
        corrections.add_instalment(project.pm, contract, due_date=date(2026, 10, 1),
                                   amount=D("1"), reason="Addendum")

    # Part of the value freed: the link is back, and the form is drawn.
    corrections.save_instalment(project.pm, contract.instalments[1], due_date=date(2026, 9, 1),
                                amount=D("300000"), reason="Addendum lowered it")
    _commit()
    page = _page(client, f"/contracts/{contract.id}")
    assert f'href="{new}"' in page and INSTALMENTS_FULL[locale] not in page
    assert 'name="amount"' in client.get(new).get_data(as_text=True)


PAID_IN_FULL = {"en": "The enterprise has paid all CN¥5,000,000.00 it committed under this term",
                "zh_CN": "企业已付清本协议期承诺的全部 ¥5,000,000.00"}


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_no_centre_payment_is_offered_once_the_term_is_paid_in_full(client, locale):
    admin = make_user(Role.HQ_ADMIN, locale=locale)
    centre = make_centre()
    term = centres.record_agreement(admin, centre, signed_on=date(2024, 3, 20),
                                    starts_on=date(2024, 4, 1), ends_on=date(2027, 3, 31),
                                    committed=D("5000000"))
    centres.record_payment(admin, term, paid_on=date(2025, 1, 10), amount=D("4000000"))
    db.session.commit()
    login(client, admin)
    pay = f"/centres/agreements/{term.id}/payments/new"
    assert f'href="{pay}"' in _page(client, f"/centres/{centre.id}")
    assert post(client, pay, {**tab(client, pay), "paid_on": "2025-02-10",
                              "amount": "1000000"}).status_code == 302

    page = _page(client, f"/centres/{centre.id}")
    assert f'href="{pay}"' not in page
    said = _refused(client.get(pay))
    assert PAID_IN_FULL[locale] in said and f'<span class="help">{said}</span>' in page
    with pytest.raises(Refused, match=re.escape(PAID_IN_FULL[locale])):
        centres.record_payment(admin, term, paid_on=date(2025, 3, 1), amount=D("1"))


ALL_SPENT = {"en": "CN¥3,000,000.00 is spent, all of the project's approved total",
             "zh_CN": "已支出 ¥3,000,000.00，即项目批准总额的全部"}


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_no_spending_form_once_the_approved_total_is_spent(client, locale):
    project = make_project(phase=Phase.CONTRACT_RESEARCH, start_date=date(2025, 1, 1))
    line = project.budget_lines[0]  # 1,000,000 of an approved 3,000,000
    project.pm.locale = locale
    _commit()
    login(client, project.pm)
    path = f"/projects/{project.id}/spending"
    assert 'name="amount"' in client.get(path).get_data(as_text=True)
    record_spending(project.pm, project, budget_line_id=line.id, spent_on=today(),
                    amount=D("3000000"), description="Pilot line")  # the line overspent
    _commit()

    page = _page(client, path)
    assert 'name="amount"' not in page
    assert ALL_SPENT[locale] in page and 'id="why-not-record"' in page
    sent = post(client, path, {"budget_line_id": str(line.id), "spent_on": today().isoformat(),
                               "amount": "1", "description": "Bolts", "confirmed": "1"})
    assert sent.status_code == 409  # above the form as sent
    assert ALL_SPENT[locale] in html.unescape(sent.get_data(as_text=True))
    with pytest.raises(Refused, match=re.escape(ALL_SPENT[locale])):
        record_spending(project.pm, project, budget_line_id=line.id, spent_on=today(),
                        amount=D("1"), description="Bolts")
