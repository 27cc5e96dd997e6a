"""A region cell names one region or is refused (issue 13, adoption finding F16): a text
that is one region's code and another's name was read as the first found, silently; it is
refused beside the Region column, naming both. And the region form refuses a code with a
space inside, as the institute form refuses one."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import login, post
from tests.factories import make_hq, make_user
from tests.imports.helpers import run
from tracker import db
from tracker.accounts.models import Role
from tracker.imports.models import ImportState
from tracker.organisations.models import Institute
from tracker.regions.models import Region

HEADER = ["Code", "Name", "Field as described", "Type", "Region"]


def test_a_region_cell_naming_two_regions_is_refused_naming_both():
    hq = make_hq()
    db.session.add_all([Region(hq_id=hq.id, code="minhang-district", name="闵行区",
                               name_en="Minhang", position=1),
                        Region(hq_id=hq.id, code="minhang", name="嘉定区", name_en="Jiading",
                               position=2)])
    db.session.commit()
    admin = make_user(Role.HQ_ADMIN)
    job = run(admin, "institutes", [HEADER, ["SITI-IC", "集成电路所", "芯片", "independent",
                                             "Minhang"]])
    assert job.state is ImportState.FAILED
    assert [(row, column) for row, column, _m in job.errors] == [(2, "Region")]
    assert "闵行区 (minhang-district)" in job.errors[0][2]
    assert "嘉定区 (minhang)" in job.errors[0][2]
    assert db.session.scalar(select(Institute).where(Institute.code == "SITI-IC")) is None
    job = run(admin, "institutes", [HEADER, ["SITI-IC", "集成电路所", "芯片", "independent",
                                             "Jiading"]])
    assert job.state is ImportState.DONE, job.errors


def test_the_region_form_refuses_a_code_with_a_space(client):
    make_hq()
    login(client, make_user(Role.HQ_ADMIN))
    response = post(client, "/admin/regions/new", {"code": "Minhang District",
                                                   "name": "闵行区", "active": "y"})
    assert response.status_code == 400
    assert "A code has no spaces" in response.get_data(as_text=True)
    assert db.session.scalar(select(Region).where(Region.name == "闵行区")) is None
