"""A need counts as contracted on the dashboard only with a research contract signed on a
project made from it (F15, issue 12, found by a newcomer: HQ could mark a need contracted with
no contract, and the dashboard counted it). Hand-counted, one institute:

| need | state | intended investment | project from it | contract signed |
| C1 | matched | 1,000,000 | yes | yes (the contract makes it contracted) |
| C2 | contracted (recorded so, as before this rule) | 2,000,000 | no | no |
| C3 | matched | 4,000,000 | yes | no |

Collected 3 (7,000,000), matched or contracted 3 (7,000,000), contracted 1 (1,000,000): C1;
the list the figure links to lists C1 alone."""

from __future__ import annotations

import re
from decimal import Decimal as D

import pytest
from sqlalchemy import select

from tests.conftest import login, post
from tests.factories import make_institute, make_need, make_project, make_user
from tests.gates.helpers import sign_contract
from tracker import db
from tracker.accounts.models import Role
from tracker.contracts import corrections
from tracker.contracts.models import ResearchContract
from tracker.errors import Invalid
from tracker.needs import services as needs
from tracker.needs.contracted import contracted
from tracker.organisations.models import NeedState, TechnologyNeed
from tracker.projects.models import Project
from tracker.reports import dashboard
from tracker.reports.filters import for_viewer


def _network():
    institute = make_institute()
    admin = make_user(Role.HQ_ADMIN)
    pm = make_user(Role.PROJECT_MANAGER, institute_id=institute.id)
    c1 = make_need(institute, title="C1", intended_investment=D("1000000"))
    c2 = make_need(institute, title="C2", intended_investment=D("2000000"),
                   state=NeedState.CONTRACTED)
    c3 = make_need(institute, title="C3", intended_investment=D("4000000"))
    sign_contract(make_project(pm=pm, institute=institute, need_id=c1.id,
                               partner_enterprise_id=c1.enterprise_id))
    make_project(pm=pm, institute=institute, need_id=c3.id)
    return admin, institute, (c1, c2, c3)


def test_the_figure_counts_the_needs_with_a_signed_contract(client):
    admin, institute, (c1, _c2, _c3) = _network()
    db.session.refresh(c1)
    assert c1.state is NeedState.CONTRACTED
    figures = dashboard.need_figures(for_viewer(admin, institute.id))
    assert (figures.collected, figures.matched, figures.contracted) == (3, 3, 1)
    assert (figures.collected_investment, figures.matched_investment,
            figures.contracted_investment) == (D("7000000.00"), D("7000000.00"),
                                               D("1000000.00"))
    login(client, admin)
    page = client.get(f"/dashboard?institute={institute.id}").get_data(as_text=True)
    link = re.search(r"<th>Contracted</th><td class=\"num\"><a href=\"([^\"]+)\">1</a>", page)
    assert link is not None
    listed = client.get(link.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert ">C1<" in listed and ">C2<" not in listed and ">C3<" not in listed


def test_hq_cannot_mark_a_need_contracted_without_its_contract(client):
    admin, _institute, (_c1, _c2, c3) = _network()
    with pytest.raises(Invalid) as refused:
        needs.move_need(admin, c3, NeedState.CONTRACTED)
    assert "research contract is signed" in str(refused.value)
    login(client, admin)
    page = client.get(f"/needs/{c3.id}").get_data(as_text=True)
    moves = re.search(r'name="move-target".*?</select>', page, re.S).group(0)
    assert 'value="contracted"' not in moves
    assert post(client, f"/needs/{c3.id}/state", {"move-target": "contracted"}).status_code == 400
    db.session.refresh(c3)
    assert c3.state is NeedState.MATCHED



def test_a_voided_contract_contracts_nothing_and_a_project_without_a_need_changes_nothing(
        client):
    """`contracted()` reads the needs with a standing contract as one list: a need whose only
    contract is voided drops out of it, and a project made from no need (its `need_id` NULL)
    must not make `NOT contracted()` unknown for the others."""
    admin, institute, (c1, c2, c3) = _network()
    make_project(pm=make_user(Role.PROJECT_MANAGER, institute_id=institute.id),
                 institute=institute)

    def split():
        return (set(db.session.scalars(select(TechnologyNeed.id).where(contracted()))),
                set(db.session.scalars(select(TechnologyNeed.id).where(~contracted()))))

    assert split() == ({c1.id}, {c2.id, c3.id})
    contract = db.session.scalars(select(ResearchContract).join(Project).where(
        Project.need_id == c1.id)).one()
    corrections.void_contract(admin, contract, "Recorded by mistake")
    db.session.flush()
    assert split() == (set(), {c1.id, c2.id, c3.id})
