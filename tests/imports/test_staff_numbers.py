"""The users file carries a staff number (工号, issue 13, adoption finding F26: a network
signing in by staff number had to type every imported account's by hand): optional, another
account's refused beside it as the form refuses it, an empty cell none, a file without the
column keeping it, and the export writes it for re-import. On both paths of an import."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.factories import make_user
from tests.imports.helpers import hq_admin_on_a_path, run
from tracker import db
from tracker.accounts.models import Role, User
from tracker.imports import export
from tracker.imports.models import ImportState
from tracker.imports.reference_bulk import BulkUsers

HEADER = ["电子邮箱", "姓名", "角色", "工号"]


@pytest.fixture(params=["in bulk", "row by row"])
def admin(request, monkeypatch):
    return hq_admin_on_a_path(request, monkeypatch, BulkUsers)


def _number(email: str) -> str | None:
    return db.session.scalar(select(User.staff_number).where(User.email == email))


def test_a_users_file_gives_each_account_its_staff_number(admin):
    result = run(admin, "users", [HEADER, ["wang@syiit.cn", "王立新", "项目经理", "S1001"],
                                  ["li@syiit.cn", "李娜", "", ""]])
    assert (result.state, result.created) == (ImportState.DONE, 2), result.errors
    assert (_number("wang@syiit.cn"), _number("li@syiit.cn")) == ("S1001", None)
    exported = export.export_csv("users").decode("utf-8-sig")
    assert "S1001" in exported
    # Changed, emptied, and kept by a file without the column.
    again = run(admin, "users", [HEADER, ["wang@syiit.cn", "王立新", "项目经理", "S2002"],
                                 ["li@syiit.cn", "李娜", "", "S1001"]])
    assert (again.state, again.updated) == (ImportState.DONE, 2), again.errors
    assert (_number("wang@syiit.cn"), _number("li@syiit.cn")) == ("S2002", "S1001")
    kept = run(admin, "users", [HEADER[:3], ["wang@syiit.cn", "王立新", "项目经理"]])
    assert (kept.state, kept.unchanged) == (ImportState.DONE, 1), kept.errors
    assert _number("wang@syiit.cn") == "S2002"
    emptied = run(admin, "users", [HEADER, ["wang@syiit.cn", "王立新", "项目经理", ""]])
    assert (emptied.state, emptied.updated) == (ImportState.DONE, 1), emptied.errors
    assert _number("wang@syiit.cn") is None


def test_another_accounts_staff_number_is_refused_beside_it(admin):
    make_user(Role.EVALUATOR, email="old@syiit.cn", staff_number="S1001")
    result = run(admin, "users", [HEADER, ["wang@syiit.cn", "王立新", "", "S1001"]])
    assert result.state is ImportState.FAILED
    assert [(row, column) for row, column, _m in result.errors] == [(2, "工号")]
    assert "Another account already has this staff number." in result.errors[0][2]
    twice = run(admin, "users", [HEADER, ["a@syiit.cn", "甲", "", "S7"],
                                 ["b@syiit.cn", "乙", "", "S7"]])
    assert twice.state is ImportState.FAILED
    assert [(row, column) for row, column, _m in twice.errors] == [(3, "工号")]
    assert _number("a@syiit.cn") is None and _number("b@syiit.cn") is None
