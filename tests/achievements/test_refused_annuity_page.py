"""A refused annuity form shows the IP right's page again in as many statements whatever the
number of its annuities (issue 21 point 1): after the refusal's rollback the right in the
session is expired, and its annuities, read anew without the page's loader options, loaded
their reversals one by one (two annuities more: two statements more)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tests.achievements.helpers import make_achievement, make_patent
from tests.conftest import login, post
from tests.factories import _commit, make_project
from tests.test_query_counts import HARNESS, counting
from tracker import db
from tracker.accounts.models import User
from tracker.achievements import services
from tracker.achievements.models import IpRight
from tracker.projects.lifecycle import Phase


def _refused_statements(client, engine, path: str, data: dict, status: int) -> list[str]:
    """The statements of one refused POST, with nothing of the test's left in the session (a
    request starts with an empty one)."""
    db.session.expunge_all()
    with counting(engine) as statements:
        assert post(client, path, data).status_code == status, path
    return [s for s in statements if not s.startswith(HARNESS)]


def _add_annuities(pm_id: int, right_id: int, years: range) -> list[int]:
    pm, right = db.session.get(User, pm_id), db.session.get(IpRight, right_id)
    added = [services.add_annuity(pm, right, year_no=year, due_on=date(2024 + year, 3, 1),
                                  fee=Decimal("900.00")).id for year in years]
    _commit()
    return added


@pytest.mark.parametrize("form", ["add", "pay"])
def test_a_refused_annuity_form_costs_the_same_with_more_annuities(client, engine, form):
    project = make_project(phase=Phase.CONTRACT_RESEARCH)
    right_id, pm_id = make_patent(make_achievement(project)).id, project.pm.id
    first = _add_annuities(pm_id, right_id, range(2, 4))[0]
    login(client, project.pm)
    if form == "add":  # due before the patent was filed: the service refuses it (400)
        path, data, status = (f"/ip-rights/{right_id}/annuities",
                              {"year_no": "20", "due_on": "2020-01-01", "fee": "900"}, 400)
    else:  # paid before the patent was filed
        path, data, status = (f"/annuities/{first}/pay",
                              {"paid_on": "2020-01-01", "amount": "900"}, 400)
    few = _refused_statements(client, engine, path, data, status)
    _add_annuities(pm_id, right_id, range(4, 7))
    many = _refused_statements(client, engine, path, data, status)
    assert len(many) == len(few), [s.split("WHERE")[0][:80] for s in many]
    page = client.get(f"/ip-rights/{right_id}").get_data(as_text=True)
    assert page.count("900.00") >= 5  # every annuity still listed
