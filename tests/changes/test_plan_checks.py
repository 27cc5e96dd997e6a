"""A budget move and a new total are checked when asked and again when HQ approves them (the
plan may have moved meanwhile), by one check each (`plan.short_of`, `budgets.lines_over_total`): the
same message, in both languages, beside the field when asked and as the refusal when
applied. The proposal's form says budget lines over its total through the same check."""

from __future__ import annotations

from decimal import Decimal

import pytest
from flask_babel import force_locale

from tests.changes.test_budget_and_plan import SIX_PCT, _move, _project
from tests.conftest import login, post
from tests.factories import _commit, install_gates, make_institute, make_user
from tests.projects.test_views import _proposal
from tracker.accounts.models import Role
from tracker.changes import services
from tracker.errors import Invalid, Refused

HOLDS = "Line “Equipment” holds CN¥1,000,000.00: it cannot give more."
OVER = "The budget lines add up to CN¥2,000,000.00, more than the total of CN¥1,500,000.00."


def test_a_move_of_more_than_the_line_holds_is_refused_beside_the_amount(app):
    project = _project()
    with pytest.raises(Invalid) as asked:
        _move(project, amount=Decimal("1000000.01"))
    assert asked.value.problems == [("amount", HOLDS)]
    with force_locale("zh_CN"), pytest.raises(Invalid) as asked:
        _move(project, amount=Decimal("1000000.01"))
    assert asked.value.problems == [("amount", "科目“Equipment”仅有 ¥1,000,000.00：不能调出更多。")]


def test_a_move_the_line_can_no_longer_give_is_refused_when_approved(app):
    project = _project()
    _move(project)  # 6 %: applied at once
    request = _move(project)  # 12 % in all: HQ decides
    equipment = project.budget_lines[0]
    equipment.amount = SIX_PCT - Decimal("0.01")  # the plan moved meanwhile
    _commit()
    with pytest.raises(Refused) as applied:
        services.decide(make_user(Role.HQ_ADMIN), request, True, "")
    assert str(applied.value) == "Line “Equipment” holds CN¥179,999.99: it cannot give more."


def test_a_total_below_the_lines_is_refused_when_asked_and_when_approved(app):
    project = _project()
    with pytest.raises(Invalid) as asked:
        services.change_total(project.pm, project, budget_total=Decimal("1500000"),
                              reason="Smaller scope")
    assert asked.value.problems == [("budget_total", OVER)]
    request = services.change_total(project.pm, project, budget_total=Decimal("2500000"),
                                    reason="Smaller scope")
    _commit()
    project.budget_lines[0].amount = Decimal("1600000.00")  # the plan moved meanwhile
    _commit()
    with pytest.raises(Refused) as applied:
        services.decide(make_user(Role.HQ_ADMIN), request, True, "")
    assert str(applied.value) == ("The budget lines add up to CN¥2,600,000.00, more than the "
                                  "total of CN¥2,500,000.00.")


@pytest.mark.parametrize(("language", "said"), [
    ("en", OVER),
    ("zh_CN", "各预算科目合计 ¥2,000,000.00，超过预算总额 ¥1,500,000.00。")])
def test_the_proposal_says_lines_over_its_total_as_a_change_of_the_total_does(
        client, language, said):
    """One check, one sentence: the proposal's lines over its total read as a new total
    below the lines (above) does, in each language."""
    install_gates()
    institute = make_institute()
    login(client, make_user(Role.PROJECT_MANAGER))
    post(client, "/language", {"locale": language})
    answer = post(client, "/projects/new", _proposal(
        institute, budget_total="1,500,000", **{"budget_lines-0-amount": "1,200,000",
                                                "budget_lines-1-amount": "800,000"}))
    assert answer.status_code == 400
    assert said in answer.get_data(as_text=True)
