"""Recusal (回避) from the expert pool: each rule keeps its expert off the panel, is said on
the panel page beside the expert, and refuses a panel that names them anyway."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.conftest import login, post
from tests.experts.helpers import make_expert
from tests.factories import (
    _commit,
    install_gates,
    make_enterprise,
    make_institute,
    make_project,
    make_user,
)
from tests.gates import helpers
from tracker import db
from tracker.accounts.models import Role
from tracker.dates import today
from tracker.errors import Invalid
from tracker.experts import recusal
from tracker.gates import services as gates
from tracker.gates.models import ReviewState
from tracker.projects.models import ProjectMember
from tracker.settings import services as settings
from tracker.settings.catalogue import EXPERT_COLLABORATION_YEARS


@pytest.fixture(autouse=True)
def _gates():
    install_gates()


def _name(review, experts, admin=None):
    """The experts on a panel chaired by one of HQ's evaluators (an external expert scores
    and records no decision)."""
    chair = make_user(Role.EVALUATOR)
    gates.name_panel(admin or make_user(Role.HQ_ADMIN), review, chair,
                     [chair, *(e.user for e in experts)], today() + timedelta(days=10))


def _clean(n=2):
    return [make_expert() for _ in range(n)]


def _refused_for(review, expert, reason: str):
    """The expert is listed with the reason, and a panel naming them is refused with it."""
    assert recusal.exclusions(review.project, [expert])[expert.id] == [reason]
    with pytest.raises(Invalid) as refused:
        _name(review, [expert, *_clean()])
    assert reason in " ".join(p.message for p in refused.value.each())
    db.session.rollback()
    assert review.state is ReviewState.REQUESTED


def test_an_expert_of_the_projects_institute_is_excluded():
    institute = make_institute(name="Advanced Materials Institute")
    review = helpers.submit(make_project(institute=institute))
    by_record = make_expert(unit="AMI", unit_institute_id=institute.id, name="Wang")
    by_name = make_expert(unit=" advanced  materials institute", name="Li")
    _refused_for(review, by_record, f"Wang works at the project's institute, "
                                    f"{institute.name_en or institute.name}.")
    assert recusal.exclusions(review.project, [by_name])[by_name.id]


def test_an_expert_of_the_partner_enterprise_is_excluded():
    partner = make_enterprise(name="Acme Robotics")
    review = helpers.submit(make_project(partner_enterprise_id=partner.id))
    expert = make_expert(unit="Acme Robotics Co.", unit_enterprise_id=partner.id, name="Zhao")
    _refused_for(review, expert,
                 f"Zhao works at the project's partner enterprise, {partner.shown('name')}.")


def test_an_expert_on_the_project_team_has_a_stake():
    project = make_project()
    expert = make_expert(name="Qian", role=Role.EVALUATOR)
    project.members.append(ProjectMember(user_id=expert.user_id, role="Tester",
                                         confirmed_at=db.utcnow()))
    _commit()
    review = helpers.submit(project)
    _refused_for(review, expert, "Qian is on the project team. Someone with a stake in a "
                                 "project never reviews it.")


def test_an_expert_whose_unit_holds_shares_in_the_projects_company_has_a_stake():
    from tracker.companies.models import Company, Shareholder, company_projects

    project = make_project()
    company = Company(name="NewCo")
    company.holders = [Shareholder(name="Suzhou Capital", kind="investor")]
    db.session.add(company)
    db.session.flush()
    db.session.execute(company_projects.insert().values(company_id=company.id,
                                                        project_id=project.id))
    _commit()
    review = helpers.submit(project)
    expert = make_expert(unit="Suzhou Capital", name="Sun")
    _refused_for(review, expert, "Suzhou Capital holds shares in the project's company NewCo.")


def test_an_expert_who_worked_with_the_pm_recently_is_excluded_until_the_setting_says():
    pm = make_user(Role.PROJECT_MANAGER)
    expert = make_expert(name="Zhou", role=Role.EVALUATOR)
    earlier = make_project(pm=pm, end_date=today() - timedelta(days=400),
                           start_date=date(2020, 1, 1), title="Earlier")
    earlier.members.append(ProjectMember(user_id=expert.user_id, role="Engineer",
                                         confirmed_at=db.utcnow()))
    _commit()
    review = helpers.submit(make_project(pm=pm))
    _refused_for(review, expert, f"Zhou worked with the project manager on "
                                 f"{earlier.reference} within the last 3 years.")
    settings.set_value(make_user(Role.HQ_ADMIN), EXPERT_COLLABORATION_YEARS, "1")
    _commit()
    assert recusal.exclusions(review.project, [expert])[expert.id] == []


def test_a_former_pm_of_the_project_is_excluded():
    from tracker.projects.history_models import PmHandover

    expert = make_expert(name="Wu", role=Role.PROJECT_MANAGER)
    project = make_project()
    project.handovers.append(PmHandover(from_pm_id=expert.user_id, to_pm_id=project.pm_id,
                                        reason="Moved", by_id=make_user(Role.HQ_ADMIN).id))
    _commit()
    review = helpers.submit(project)
    assert recusal.exclusions(review.project, [expert])[expert.id] == [
        "Wu was this project's project manager."]


def test_without_an_account_or_out_of_the_pool_an_expert_is_not_drawn():
    review = helpers.submit(make_project())
    nobody = make_expert(account=False, name="Zheng")
    retired = make_expert(name="Feng", active=False)
    found = recusal.exclusions(review.project, [nobody, retired])
    assert found[nobody.id] == ["Zheng has no account to score with yet."]
    assert found[retired.id] == ["Feng is no longer in the pool."]


def test_the_panel_page_shows_why_each_excluded_expert_is_excluded(client):
    institute = make_institute()
    review = helpers.submit(make_project(institute=institute))
    insider = make_expert(unit="x", unit_institute_id=institute.id, name="Insider Chen")
    eligible = make_expert(name="Outsider Han", expertise="Robotics\nVision")
    chair = make_user(Role.EVALUATOR)
    login(client, make_user(Role.HQ_ADMIN))
    page = client.get(f"/reviews/{review.id}/panel").get_data(as_text=True)
    assert "Insider Chen works at the project&#39;s institute" in page
    assert "Outsider Han" in page and "Robotics, Vision" in page
    refused = post(client, f"/reviews/{review.id}/panel", {
        "evaluator_ids": [str(chair.id)] + [str(e.user_id) for e in (insider, eligible)],
        "chair_id": str(chair.id), "due_date": ""})
    assert refused.status_code == 400
    assert "Insider Chen works at the project&#39;s institute" in refused.get_data(as_text=True)
    ok = post(client, f"/reviews/{review.id}/panel", {
        "evaluator_ids": [str(chair.id)] + [str(e.user_id) for e in (eligible, *_clean())],
        "chair_id": str(chair.id), "due_date": ""})
    assert ok.status_code == 302
