"""A note below a table (注：带*为必填项, 说明：, 填表说明：, 制表人：, Note:) is no record: it is
refused as one, beside the column it is written in, where it created an enterprise named
注：带*为必填项，金额单位为元 (issue 13, as a total row is: `reading.TotalRow`). A record
really named Total or Sum, or coded TOTAL, is a record: a total or a note fills no other cell
that names a record (a code, a name, a title), so an export of one imports again."""

from __future__ import annotations

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from tests.factories import make_hq, make_user, uscc_for
from tests.imports.helpers import run
from tracker import db
from tracker.accounts.models import Role
from tracker.imports.models import ImportState
from tracker.organisations.models import Enterprise, Institute

NOTES = ["注：带*为必填项，金额单位为元", "说明: 规模按工信部标准", "填表说明：每行一家企业",
         "制表人：王芳", "Note: amounts in CNY", "备注：无"]
SAID = {"en": "This looks like a note below the table, not a record: remove it.",
        "zh_CN": "这一行看起来是表格下方的说明，不是记录：请删除该行。"}


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
@pytest.mark.parametrize("note", NOTES)
def test_a_note_below_the_table_is_refused_beside_its_column(lang, note):
    make_hq()
    admin = make_user(Role.HQ_ADMIN)
    result = run(admin, "enterprises", [["名称", "统一社会信用代码", "企业规模"],
                                        ["常州精密", uscc_for(831), "中型"], [note, "", ""]],
                 dry_run=True)
    assert result.state is ImportState.FAILED
    with force_locale(lang):
        assert [(r, str(c), str(m)) for r, c, m in result.errors] == [(3, "名称", SAID[lang])]
    assert db.session.scalar(select(func.count()).select_from(Enterprise)) == 0


def test_records_named_total_or_sum_are_records():
    """A user named Sum (beside an e-mail), an institute coded TOTAL (beside its name), an
    enterprise named Total (beside its credit code) import; a row that fills a naming cell
    beside a note's words is a record too."""
    make_hq()
    admin = make_user(Role.HQ_ADMIN)
    institutes = run(admin, "institutes", [["代码", "名称", "研究领域", "类型"],
                                           ["TOTAL", "Total Materials Institute", "材料",
                                            "joint"]])
    assert institutes.state is ImportState.DONE, institutes.errors
    assert db.session.scalar(select(Institute.code).where(Institute.name.like("Total%"))) == (
        "TOTAL")
    enterprises = run(admin, "enterprises", [["名称", "统一社会信用代码"],
                                             ["Total", uscc_for(832)],
                                             ["Sum", uscc_for(833)],
                                             ["注：精密", uscc_for(834)]])
    assert enterprises.state is ImportState.DONE, enterprises.errors
    assert set(db.session.scalars(select(Enterprise.name))) == {"Total", "Sum", "注：精密"}
    users = run(admin, "users", [["E-mail", "Full name", "Roles"],
                                 ["sum@import.cn", "Sum", "observer"]], dry_run=True)
    assert users.state is ImportState.CHECKED, users.errors
