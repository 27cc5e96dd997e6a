"""Every search field folds what is typed and what is stored the same way (found by a newcomer:
the achievements search did not find "ABC" typed with a Chinese input method's full-width
letters, ＡＢＣ): full-width letters and digits are their usual form, and case does not
matter, whichever side is full-width (`tracker.search.matching`, the one way every search of
the app reads)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.conftest import login
from tests.experts.helpers import make_expert
from tests.factories import make_institute, make_project, make_user
from tracker.accounts.models import Role
from tracker.projects.lifecycle import Phase
from tracker.projects.models import Project
from tracker.search import fold, matching

TRACKER = Path(__file__).resolve().parents[1] / "tracker"


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
