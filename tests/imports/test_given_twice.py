"""A record given by two rows of one file is refused at the second, naming the first and the
key's columns beside the key's column, whether the first row was saved or refused for
something else (issue 13, found by an HQ admin's check: the second row of a key whose first
row failed was imported as a new record, or refused for its own cells only, and the refusal
stood in no column). Every kind reads its rows' keys the same way
(`tracker.imports.bulk.row_key`), on both paths."""

from __future__ import annotations

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from tests.factories import make_enterprise, make_hq, make_user
from tests.imports.helpers import run
from tests.imports.test_companies import KEYS as COMPANY_KEYS
from tests.imports.test_companies import ROW as COMPANY
from tests.imports.test_companies import _setting_with_project
from tests.imports.test_contracts import COLUMNS as CONTRACT_COLUMNS
from tests.imports.test_contracts import _row as _contract
from tests.imports.test_incentive_grants import KEYS as GRANT_KEYS
from tests.imports.test_incentive_grants import SHARES
from tests.imports.test_incentive_grants import _setting as _with_company
from tests.imports.test_milestones import COLUMNS as MILESTONE_COLUMNS
from tests.imports.test_projects import HEADER, _row, _setting
from tests.imports.test_reference_data import INSTITUTES
from tracker import db
from tracker.accounts.models import Role
from tracker.imports.models import ImportState
from tracker.imports.projects_bulk import BulkProjects
from tracker.projects.models import Project

TWICE = ("Row %d gives this record already (the same %s): a file gives each record once. "
         "Put this row's values in that row, or remove one of the two.")


def _refused_twice(result, row: int, first: int, column: str, columns: str) -> None:
    assert result.state is ImportState.FAILED
    assert [row, column, TWICE % (first, columns)] in result.errors, result.errors


@pytest.fixture(params=["bulk", "row by row"])
def path(request, monkeypatch):
    if request.param == "row by row":
        monkeypatch.setattr(BulkProjects, "batch", lambda self, actor: None)
    return request.param


def test_a_project_code_whose_first_row_failed_is_refused_at_its_second(path):
    admin, _pm = _setting()
    rows = [HEADER, _row(budget="a lot"), _row(), _row(code="TEST-2019-0050", title="Fine")]
    result = run(admin, "projects", rows)
    assert [(r, c) for r, c, _m in result.errors] == [
        (2, "Budget total (CNY)"), (3, "Project code")], result.errors
    _refused_twice(result, 3, 2, "Project code", "Project code")
    assert db.session.scalar(select(func.count()).select_from(Project)) == 0


def test_a_draft_given_twice_is_named_by_its_manager_and_title(path):
    admin, _pm = _setting()
    draft = {"code": "", "phase": "draft", "passed": ""}
    rows = [HEADER, _row(**draft, trl_now="12"), _row(**draft, budget="1000")]
    result = run(admin, "projects", rows)
    _refused_twice(result, 3, 2, "Title", "Project manager's e-mail, Title")


def test_the_refusal_names_its_columns_in_the_readers_language():
    admin, _pm = _setting()
    with force_locale("zh_CN"):
        result = run(admin, "projects", [HEADER, _row(budget="a lot"), _row()])
        said = [(r, str(c), str(m)) for r, c, m in result.errors if r == 3]
    # the message in the reader's language, the column as the file headed it (in English)
    assert said == [(3, "Project code", "第 2 行已给出此记录（Project code相同）：同一文件中每条"
                                       "记录只能出现一次。请将本行的内容并入该行，或删去两行中的一行。")]


def test_an_institute_an_enterprise_and_a_user_given_twice_after_a_refused_row():
    make_hq()
    admin = make_user(Role.HQ_ADMIN)
    bad = [*INSTITUTES[1][:4], "1066-10-14"]  # before the date field's range
    result = run(admin, "institutes", [INSTITUTES[0], bad, INSTITUTES[1]])
    _refused_twice(result, 3, 2, "Code", "Code")
    enterprise = ["Name", "Unified social credit code", "City", "Industry", "Enterprise size"]
    result = run(admin, "enterprises", [
        enterprise, ["Pump Works", "91320000000000004C", "Suzhou", "Pumps", "no such size"],
        ["Pump Works", "91320000000000004c", "Suzhou", "Pumps", "small"],
        ["Valve Works", "", "Wuxi", "Valves", "no such size"],
        ["Valve Works", "", "Wuxi", "Valves", "small"]])
    _refused_twice(result, 3, 2, "Unified social credit code", "Unified social credit code")
    _refused_twice(result, 5, 4, "Name", "Name")
    users = ["E-mail", "Full name", "Roles", "Language"]
    result = run(admin, "users", [users, ["new@import.cn", "New", "observer", "klingon"],
                                  ["New@Import.cn", "New", "observer", ""]])
    _refused_twice(result, 3, 2, "E-mail", "E-mail")


def test_a_milestone_and_a_contract_given_twice_after_a_refused_row():
    admin, _pm = _setting()
    assert run(admin, "projects", [HEADER, _row()]).state is ImportState.DONE
    make_enterprise(name="Pump Works")
    milestone = ["TEST-2019-0042", "Prototype", "contract_research", "2026-09-30", "", "", ""]
    result = run(admin, "milestones", [MILESTONE_COLUMNS, [*milestone[:3], "soon",
                                                           *milestone[4:]], milestone])
    _refused_twice(result, 3, 2, "Title", "Project code, Title")
    result = run(admin, "contracts", [CONTRACT_COLUMNS, _contract("TEST-2019-0042",
                                                                  amount="much"),
                                      _contract("TEST-2019-0042"),
                                      # Two rows without a number are not one contract.
                                      _contract("TEST-2019-0042", number=""),
                                      _contract("TEST-2019-0042", number="")])
    _refused_twice(result, 3, 2, "Contract number", "Project code, Contract number")
    assert {r for r, _c, m in result.errors if "gives this record already" in m} == {3}


def test_a_company_given_twice_after_a_refused_row():
    admin = _setting_with_project()
    bad = [*COMPANY[:2], "not a date", *COMPANY[3:]]
    result = run(admin, "companies", [COMPANY_KEYS, bad, COMPANY])
    _refused_twice(result, 3, 2, "Unified social credit code", "Unified social credit code")


def test_a_grant_given_twice_after_a_refused_row():
    admin = _with_company()
    bad = [*SHARES[:3], "many", *SHARES[4:]]
    result = run(admin, "incentive_grants", [GRANT_KEYS, bad, SHARES])
    _refused_twice(result, 3, 2, "Granted on", "Company, Person, Kind of grant, Granted on")


def _grouped(code: str) -> str:
    """A credit code as it is often typed: in groups, in small letters."""
    return " ".join([code[:2], code[2:8], code[8:17], code[17:]]).lower()


def test_a_project_code_written_otherwise_is_the_same_key(path):
    """TEST-2019-42 is TEST-2019-0042 (`codes.read_code` keeps it so), in a row after one
    refused as in one after a row saved."""
    admin, _pm = _setting()
    rows = [HEADER, _row(code="TEST-2019-42", budget="a lot"), _row(code="TEST-2019-0042")]
    _refused_twice(run(admin, "projects", rows), 3, 2, "Project code", "Project code")


def test_a_credit_code_in_groups_is_the_same_key():
    make_hq()
    admin = make_user(Role.HQ_ADMIN)
    enterprise = ["Name", "Unified social credit code", "City", "Industry", "Enterprise size"]
    result = run(admin, "enterprises", [
        enterprise, ["Pump Works", "91320000000000004C", "Suzhou", "Pumps", "no such size"],
        ["Pump Works", _grouped("91320000000000004C"), "Suzhou", "Pumps", "small"]])
    _refused_twice(result, 3, 2, "Unified social credit code", "Unified social credit code")


def test_a_companys_credit_code_in_groups_is_the_same_key():
    admin = _setting_with_project()
    bad = [*COMPANY[:2], "not a date", *COMPANY[3:]]
    again = [COMPANY[0], _grouped(COMPANY[1]), *COMPANY[2:]]
    result = run(admin, "companies", [COMPANY_KEYS, bad, again])
    _refused_twice(result, 3, 2, "Unified social credit code", "Unified social credit code")
