"""What HQ requires of a gate's panel: a number of experts from the pool, at a title or
above, from a number of outside units; a panel short of it is refused, saying what it has."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import login, post
from tests.experts.helpers import make_expert
from tests.factories import _commit, install_gates, make_project, make_user
from tests.gates import helpers
from tracker import db
from tracker.accounts.models import Role
from tracker.dates import today
from tracker.errors import Invalid
from tracker.experts.models import ExpertTitle
from tracker.gates import services as gates
from tracker.gates.models import GateTemplate, ReviewState

SENIOR, ASSOCIATE, MIDDLE = (ExpertTitle.SENIOR, ExpertTitle.ASSOCIATE_SENIOR,
                             ExpertTitle.INTERMEDIATE)


@pytest.fixture(autouse=True)
def _gates():
    install_gates()
    template = db.session.scalar(select(GateTemplate).where(GateTemplate.gate == 1))
    template.min_experts, template.min_outside_units = 3, 2
    template.min_expert_title = ASSOCIATE
    _commit()


def _name(experts):
    review = helpers.submit(make_project())
    chair = make_user(Role.EVALUATOR)
    gates.name_panel(make_user(Role.HQ_ADMIN), review, chair, [chair, *(e.user for e in experts)],
                     today() + timedelta(days=10))
    return review


def _problems(experts) -> str:
    with pytest.raises(Invalid) as refused:
        _name(experts)
    db.session.rollback()
    return " ".join(p.message for p in refused.value.each())


def test_three_experts_at_associate_senior_from_two_units_are_enough():
    review = _name([make_expert("Nanjing University", SENIOR),
                    make_expert("Nanjing University", ASSOCIATE),
                    make_expert("Southeast University", ASSOCIATE)])
    assert review.state is ReviewState.OPEN


def test_too_few_experts_at_the_title_are_refused_naming_those_counted():
    message = _problems([make_expert("A University", SENIOR, name="Gao"),
                         make_expert("B University", ASSOCIATE, name="Lin"),
                         make_expert("C University", MIDDLE, name="Xu")])
    assert ("Proposal review requires at least 3 experts from the expert pool at the title "
            "Associate senior or above; this panel has 2 (Gao, Lin).") in message


def test_experts_of_one_unit_are_refused_for_too_few_outside_units():
    message = _problems([make_expert("Same Lab", SENIOR), make_expert("same lab", SENIOR),
                         make_expert("Same Lab", ASSOCIATE)])
    assert ("requires experts from at least 2 units outside the project's institute and "
            "partner enterprise; this panel's come from 1.") in message


def test_evaluators_outside_the_pool_count_for_nothing():
    message = _problems([])
    assert "this panel has 0 (none)" in message


def test_hq_sets_the_minimums_on_the_gate_template_page(client):
    from tests.gates.test_admin_templates import _form

    login(client, make_user(Role.HQ_ADMIN))
    page = client.get("/admin/gates/2").get_data(as_text=True)
    assert "Experts from the pool: at least" in page and "Outside units: at least" in page
    refused = post(client, "/admin/gates/2", _form(min_experts="2", min_outside_units="3",
                                                   min_expert_title="senior"))
    assert refused.status_code == 400
    assert "raise the number of experts first" in refused.get_data(as_text=True)
    assert post(client, "/admin/gates/2", _form(min_experts="2", min_outside_units="2",
                                                min_expert_title="senior")).status_code == 302
    template = db.session.scalar(select(GateTemplate).where(GateTemplate.gate == 2))
    db.session.refresh(template)
    assert (template.min_experts, template.min_outside_units, template.min_expert_title) == (
        2, 2, SENIOR)


def test_the_panel_page_states_the_minimums(client):
    review = helpers.submit(make_project())
    login(client, make_user(Role.HQ_ADMIN))
    page = client.get(f"/reviews/{review.id}/panel").get_data(as_text=True)
    assert ("This gate requires at least 3 experts from the expert pool (title: Associate "
            "senior or above) from at least 2 outside units.") in page
