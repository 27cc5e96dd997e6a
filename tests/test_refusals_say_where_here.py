"""A refusal said on a page tells its reader what to do there, never to go to the page they are
on (found by a tester on a gate review's page: "correct it on the review's page"). Each page
below says a refusal that named its own page; now it names the link or the section on it, in
both languages, and the link it names is on the page. The review's own sentences are pinned in
tests/gates/test_offers.py and tests/test_state_refusals.py."""

from __future__ import annotations

import html
from datetime import date
from decimal import Decimal

import pytest

from tests.companies import helpers as companies
from tests.conftest import login, post
from tests.contracts.test_voids import two_instalments
from tests.factories import _commit, install_gates, make_project, make_user
from tests.gates import helpers as gates
from tests.test_edits import tab
from tracker.accounts.models import Role
from tracker.changes import services as changes
from tracker.companies import deals
from tracker.companies.models import ExitKind
from tracker.contracts import services as contracts
from tracker.gates import services as reviews
from tracker.projects.lifecycle import Phase

D = Decimal
# How each page would name itself, in each language: never said on it.
ITSELF = {"review": ("the review's page", "评审页面"),
          "contract": ("the contract's page", "合同页面"),
          "company": ("the company's page", "公司页面"),
          "change": ("the change's page", "变更页面")}


@pytest.fixture(autouse=True)
def _gates():
    install_gates()


def _main(response) -> str:
    page = html.unescape(response.get_data(as_text=True))
    return page[page.index("<main"):]


def _as(client, user, locale: str) -> None:
    user.locale = locale
    _commit()
    login(client, user)


def _nowhere_else(main: str, kind: str, named: dict[str, str], locale: str) -> None:
    for itself in ITSELF[kind]:
        assert itself not in main, itself
    assert named[locale] in main, named[locale]  # what the refusal points to is there


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_a_review_page_says_where_on_it_to_correct_or_declare(client, locale):
    review = gates.submit(make_project())
    chair, declared, scored, _fourth = gates.name_panel(review, size=4)
    reviews.declare(declared, review, conflict=False)
    gates.score(review, scored)
    _commit()
    for member, link in ((declared, {"en": "Correct your declaration", "zh_CN": "更正您的声明"}),
                         (scored, {"en": "Correct your scores", "zh_CN": "更正您的评分"}),
                         (chair, {"en": "Declare before you see the material",
                                  "zh_CN": "查看材料前请先声明"})):
        _as(client, member, locale)
        _nowhere_else(_main(client.get(f"/reviews/{review.id}")), "review", link, locale)


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_a_contract_page_says_what_to_reverse_before_voiding_without_sending_to_itself(
        client, locale):
    project = make_project()
    contract = two_instalments(project)
    contracts.record_payment(project.pm, contract.instalments[0], date(2026, 3, 5), D("250000"))
    _as(client, project.pm, locale)
    main = _main(client.get(f"/contracts/{contract.id}"))
    _nowhere_else(main, "contract", {"en": "stands under this contract: reverse it first (with "
                                           "the reason)",
                                     "zh_CN": "请先逐笔冲销并说明原因"}, locale)


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_an_exited_company_page_says_where_its_exit_is_reversed(client, locale):
    company = companies.make_company(make_project(phase=Phase.SPIN_OFF))
    companies.incorporate(company)
    deals.record_exit(companies.manager(), company, kind=ExitKind.DISSOLUTION,
                      on=companies.days_ago(10), proceeds=D(0), note="")
    _as(client, companies.manager(), locale)
    main = _main(client.get(f"/companies/{company.id}"))
    _nowhere_else(main, "company", {"en": "in its row under the company's Exits",
                                    "zh_CN": "公司“退出”表中该行的“冲销”"}, locale)


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_a_change_decided_meanwhile_is_said_on_its_page_without_sending_to_it(client, locale):
    project = make_project(phase=Phase.CONTRACT_RESEARCH)
    request = changes.change_total(project.pm, project, budget_total=D("3500000.00"),
                                   reason="A second test campaign")
    admin, other = make_user(Role.HQ_ADMIN), make_user(Role.HQ_ADMIN)
    _as(client, admin, locale)
    opened = tab(client, f"/changes/{request.id}")  # a tab open while it waits
    changes.decide(other, request, False, "Fund it from the next call")
    _commit()
    sent = post(client, f"/changes/{request.id}/decide", {**opened, "approve": "1"})
    assert sent.status_code == 409
    _nowhere_else(_main(sent), "change", {"en": "it was decided already, as this page shows",
                                          "zh_CN": "已作出决定，见本页"}, locale)
