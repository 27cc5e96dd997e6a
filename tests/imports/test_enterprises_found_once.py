"""An enterprise is recorded once (issue 13, adoption finding F12: re-importing enterprises
duplicated them). A row giving a credit code to an enterprise recorded without one finds it
by its name and gives it the code; a row without a code naming an enterprise that has one is
refused beside the name, never a second enterprise; the form refuses a name already used by
the same rule (`organisations.services.check_enterprise`). On both paths of an import."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.conftest import login, post
from tests.factories import make_enterprise, make_hq, make_user, uscc_for
from tests.imports.helpers import hq_admin_on_a_path, run
from tracker import db
from tracker.accounts.models import Role
from tracker.imports.models import ImportState
from tracker.imports.reference_bulk import BulkEnterprises
from tracker.organisations.models import Enterprise

HEADER = ["名称", "统一社会信用代码", "城市"]
TAKEN = "Another enterprise already has this name"


@pytest.fixture(params=["in bulk", "row by row"])
def admin(request, monkeypatch):
    return hq_admin_on_a_path(request, monkeypatch, BulkEnterprises)


def _count() -> int:
    return db.session.scalar(select(func.count()).select_from(Enterprise))


def test_a_code_given_since_updates_the_enterprise_recorded_without_one(admin):
    unregistered = make_enterprise(name="鞍山宏达新材料有限公司", uscc=None, city="")
    result = run(admin, "enterprises", [HEADER, ["鞍山宏达新材料有限公司", uscc_for(501), "鞍山"]])
    assert (result.state, result.created, result.updated) == (ImportState.DONE, 0, 1), \
        result.errors
    assert _count() == 1
    db.session.refresh(unregistered)
    assert (unregistered.uscc, unregistered.city) == (uscc_for(501), "鞍山")


def test_a_row_without_a_code_naming_an_enterprise_with_one_is_refused_beside_the_name(admin):
    make_enterprise(name="沈阳新松机器人自动化股份有限公司", uscc=uscc_for(502))
    result = run(admin, "enterprises", [HEADER, ["沈阳新松机器人自动化股份有限公司", "", "沈阳"]])
    assert result.state is ImportState.FAILED
    assert [(row, column) for row, column, _m in result.errors] == [(2, "名称")]
    assert TAKEN in result.errors[0][2]
    assert _count() == 1


def test_two_rows_of_one_name_with_different_codes_make_one_enterprise_at_most(admin):
    result = run(admin, "enterprises", [HEADER, ["同名有限公司", uscc_for(503), ""],
                                          ["同名有限公司", uscc_for(504), ""]])
    assert result.state is ImportState.FAILED
    assert [(row, column) for row, column, _m in result.errors] == [(3, "名称")]
    assert _count() == 0


def test_the_form_refuses_a_name_another_enterprise_has(client):
    make_hq()
    make_enterprise(name="Acme Robotics")
    login(client, make_user(Role.HQ_ADMIN))
    response = post(client, "/enterprises/new", {"name": "Acme Robotics", "uscc": ""})
    assert response.status_code == 400
    assert TAKEN in response.get_data(as_text=True)
    assert _count() == 1
    # A name recorded twice before the rule stays editable.
    make_enterprise(name="Acme Robotics")
    twin = make_enterprise(name="Twin")
    twin.name = "Acme Robotics"
    db.session.commit()
    response = post(client, f"/enterprises/{twin.id}/edit", {
        "name": "Acme Robotics", "uscc": twin.uscc, "city": "Wuxi", "version": str(twin.version)})
    assert response.status_code == 302
