"""A date as exporters write it, with a midnight after it (`2021-03-05 00:00:00`), is the day
alone in every date column of every kind (it was refused as not a date); a date with another
time of day is refused saying so, in either language (issue 13 point 3)."""

from __future__ import annotations

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from tests.factories import make_hq, make_user
from tests.imports.helpers import run
from tracker import db
from tracker.accounts.models import Role
from tracker.display.formatting import not_a_date
from tracker.imports import cells, references, row_forms
from tracker.imports.columns import KINDS
from tracker.imports.models import ImportState
from tracker.organisations.models import Institute

DATES = [(kind, column) for kind in KINDS.values() for column in kind.columns if column.is_date]


@pytest.mark.parametrize("midnight", ["2021-03-05 00:00:00", "2021/3/5 0:00", "2021-03-05T00:00",
                                      "2021-03-05 00:00:00.000"])
@pytest.mark.parametrize(("kind", "column"), DATES,
                         ids=[f"{k.name}.{c.key}" for k, c in DATES])
def test_a_date_with_a_midnight_is_the_day(app, kind, column, midnight):
    given, _found, errors = row_forms._convert(kind, {column.key: midnight},
                                              references.References())
    assert (given[column.key], errors) == (["2021-03-05"], [])


@pytest.mark.parametrize(("lang", "said"), [
    ("en", "2021-03-05 14:30:00 has a time of day: this column takes a date alone. Write "
           "2021-03-05."),
    ("zh_CN", "2021-03-05 14:30:00 含有时刻：此列只填日期。请填写 2021-03-05。")])
def test_a_date_with_a_time_of_day_is_refused_saying_so(app, lang, said):
    with app.test_request_context("/"), force_locale(lang):
        assert not_a_date(cells.iso_date("2021-03-05 14:30:00")) == said


def test_an_import_reads_a_midnight_and_refuses_a_time():
    make_hq()
    admin = make_user(Role.HQ_ADMIN)
    header = ["Code", "Name", "Field", "Type", "Founded on"]
    refused = run(admin, "institutes", [header, ["IMP-T", "T", "Materials", "joint",
                                                 "2016-03-15 09:30:00"]])
    assert refused.state is ImportState.FAILED
    assert [(r, c) for r, c, _m in refused.errors] == [(2, "Founded on")]
    assert "has a time of day" in refused.errors[0][2]
    done = run(admin, "institutes", [header, ["IMP-T", "T", "Materials", "joint",
                                              "2016-03-15 00:00:00"]])
    assert done.state is ImportState.DONE, done.errors
    assert str(db.session.scalar(select(Institute.founded_on))) == "2016-03-15"
