"""Every search field folds what is typed and what is stored the same way (found by a newcomer:
the achievements search did not find "ABC" typed with a Chinese input method's full-width
letters, ＡＢＣ): full-width letters and digits are their usual form, and case does not
matter, whichever side is full-width (`tracker.search.matching`, the one way every search of
the app reads)."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import select, text
from sqlalchemy.dialects import postgresql

from tests.conftest import PG_URL, login
from tests.experts.helpers import make_expert
from tests.factories import make_institute, make_project, make_user
from tracker import db
from tracker.accounts.models import Role, User
from tracker.projects.lifecycle import Phase
from tracker.projects.models import Project
from tracker.search import fold, folded, matching

TRACKER = Path(__file__).resolve().parents[1] / "tracker"
MIGRATION = TRACKER.parent / "migrations" / "versions" / "0093_search_fold_statistics.py"


def test_no_search_compares_text_another_way():
    """A LIKE of its own (`ilike`, `like` on a typed value) would not fold full-width forms."""
    found = [f"{path.relative_to(TRACKER)}:{n}" for path in TRACKER.rglob("*.py")
             for n, line in enumerate(path.read_text().splitlines(), 1)
             if re.search(r"\.ilike\(|like = f\"%", line)]
    assert found == []


def test_fold_is_nfkc_then_casefold():
    assert fold("ＡＢＣ１２３ Ｐｕｍｐ") == "abc123 pump"
    assert fold(None) is None


def _titles(client, path: str) -> str:
    return client.get(path).get_data(as_text=True)


@pytest.mark.parametrize(("stored", "typed"), [
    ("ABC separator", "ＡＢＣ"), ("ＡＢＣ隔膜", "abc"), ("Hydraulic Pump", "hydraulic pump"),
])
def test_the_project_list_finds_a_title_however_it_is_typed(client, stored, typed):
    admin = make_user(Role.HQ_ADMIN)
    make_project(title=stored, phase=Phase.CONTRACT_RESEARCH)
    make_project(title="Something else", phase=Phase.CONTRACT_RESEARCH)
    login(client, admin)
    page = _titles(client, f"/projects/?q={quote(typed)}")
    assert stored in page and "Something else" not in page


def test_the_other_search_fields_fold_alike(client):
    admin = make_user(Role.HQ_ADMIN)
    make_user(name="Zhou Min", email="zhou@example.cn")
    make_institute(name="ＸＹ先进材料研究所")
    make_expert(name="Li Ｑiang")
    make_project(title="Pump", phase=Phase.CONTRACT_RESEARCH,
                 pm=make_user(Role.PROJECT_MANAGER, name="Ｗang Wei"))
    login(client, admin)
    assert "zhou@example.cn" in _titles(client, f"/admin/users/?q={quote('ＺＨＯＵ')}")
    assert "ＸＹ先进材料研究所" in _titles(client, f"/institutes/?q={quote('xy')}")
    assert "Li Ｑiang" in _titles(client, f"/admin/experts/?q={quote('li q')}")
    assert ">Pump<" in _titles(client, f"/projects/?manager={quote('WANG')}")


def test_a_percent_sign_typed_is_looked_for_as_typed():
    """`%` and `_` are no wildcards of a search: "50%" does not find "500 t"."""
    clause = matching("50%", Project.title)
    assert "ESCAPE '/'" in str(clause.compile(compile_kwargs={"literal_binds": True}))


def _statistics_of_the_fold() -> list[tuple[str, str, str]]:
    spec = importlib.util.spec_from_file_location("fold_statistics", MIGRATION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.FOLDED


@pytest.mark.skipif(not PG_URL, reason="statistics of expressions are PostgreSQL's")
def test_the_planner_has_statistics_of_each_searched_fold_as_searches_write_it():
    """The planner uses statistics of an expression only where a query writes it the same way:
    a fold written otherwise in `tracker.search` leaves the project list's search sorting
    every project again (migration 0093)."""
    columns = {"projects": Project.__table__.c, "users": User.__table__.c}
    for name, table, column in _statistics_of_the_fold():
        searched = str(folded(columns[table][column]).compile(dialect=postgresql.dialect()))
        with db.session.begin_nested() as savepoint:
            db.session.execute(text(f"CREATE STATISTICS st_as_searched ON ({searched}) "
                                    f"FROM {table}"))
            kept, written = (db.session.scalar(text(
                "SELECT pg_get_statisticsobjdef_expressions(oid) FROM pg_statistic_ext "
                "WHERE stxname = :name"), {"name": n}) for n in (name, "st_as_searched"))
            savepoint.rollback()
        assert kept == written and "normalize" in str(kept).lower(), (name, kept, written)


@pytest.mark.parametrize("stored", ["Ｐｕｍｐ ＡＢ", "pump ab", "PUMP AB", "ﬁne pump ab"])
def test_the_database_folds_a_stored_text_as_python_does(stored):
    """Only a text not already in NFKC is normalized in SQL: a full-width or ligature text and
    one in NFKC fold as `fold` does, on SQLite and PostgreSQL alike."""
    project = make_project(title=stored, phase=Phase.CONTRACT_RESEARCH)
    db.session.flush()
    assert db.session.scalar(select(folded(Project.title)).where(
        Project.id == project.id)) == fold(stored)
