"""Issue 13, point 2: a stored problem names a record kept in both languages (a budget
template, its categories, an institute) in the language of whoever reads it, as every other
word of it is, not in the uploader's: the run's problems are read by any HQ admin in either
language for as long as it is kept (`tracker.display.said`)."""

from __future__ import annotations

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from tests.imports.helpers import run
from tests.imports.test_every_problem_at_once import world  # noqa: F401 - fixture
from tracker import db
from tracker.accounts.models import User
from tracker.budgets.models import BudgetTemplate
from tracker.imports.models import ImportState


@pytest.mark.parametrize(("uploader", "reader"), [("zh_CN", "en"), ("en", "zh_CN")])
def test_a_budget_templates_names_are_said_in_the_readers_language(world, uploader,  # noqa: F811
                                                                   reader):
    admin = db.session.get(User, world["admin"])
    rows = [list(row) for row in world["files"]["projects"]]
    header = rows[0]
    rows[2][header.index("code")] = "TEST-2019-0099"  # a new project
    rows[2][header.index("budget_lines")] = "Nonsense: 100"
    with force_locale(uploader):
        result = run(admin, "projects", [header, rows[2]])
    assert result.state is ImportState.FAILED
    template = db.session.scalar(select(BudgetTemplate).where(
        BudgetTemplate.code == rows[2][header.index("budget_template")]))
    categories = template.categories
    db.session.expire_all()
    with force_locale(reader):
        said = " ".join(message for _row, _column, message in result.errors)
        assert "Nonsense" in said
        assert template.name in said, (template.name, said)
        for category in categories:
            assert category.shown("name") in said, said
