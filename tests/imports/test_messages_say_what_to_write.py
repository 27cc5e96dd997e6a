"""A refusal says what to write (issue 13, an adopter's day one): a percentage with its sign in
a milestone's progress, a total row placed in its row (its column read "-"), a project's
manager changed (where it is changed), a milestone whose state moved on in the tracker (what is
recorded, or an empty cell), and a user's language by its name in either language (英文 was
refused where 中文 was read)."""

from __future__ import annotations

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from tests.conftest import login
from tests.factories import make_hq, make_user
from tests.imports.helpers import run
from tests.imports.test_milestones import COLUMNS, _project
from tests.imports.test_projects import HEADER, _row, _setting
from tracker import db
from tracker.accounts.models import Role, User
from tracker.imports.models import ImportState
from tracker.milestones.models import Milestone, MilestoneState


def test_a_percentage_with_its_sign_is_told_to_drop_it():
    admin, _pm = _setting()
    project = _project(admin)
    result = run(admin, "milestones", [COLUMNS, [project.code, "Bench test", "contract_research",
                                                 "2026-09-30", "in_progress", "60%", ""]])
    with force_locale("zh_CN"):
        assert [(c, m) for _r, c, m in result.errors] == [
            ("Percent complete", "请写数字，不带 % 号：60。")]
    assert result.errors[0][2] == "Write the number without the % sign: 60."


@pytest.mark.parametrize(("lang", "place"), [("en", "whole row"), ("zh_CN", "整行")])
def test_a_total_row_is_placed_in_its_row_not_in_a_column_named_dash(client, lang, place):
    make_hq()
    admin = make_user(Role.HQ_ADMIN, locale=lang)
    result = run(admin, "institutes", [
        ["代码", "名称", "研究领域", "类型"], ["IMP-1", "先进材料研究所", "材料", "joint"],
        ["", "合计", "", ""]])
    with force_locale(lang):  # beside the column its word is in, else in the whole row
        [(row, column)] = [(r, c) for r, c, _m in result.placed_errors]
    assert row == 3 and column not in ("", "-", "—"), column
    run_ = result
    run_.errors = [[3, "", "A problem of the whole row."]]
    with force_locale(lang):
        assert [(r, c) for r, c, _m in run_.placed_errors] == [(3, place)]
    db.session.flush()
    login(client, admin)
    assert f"<td>3</td><td>{place}</td>" in client.get(
        f"/admin/import/{result.id}").get_data(as_text=True)
    errors = client.get(f"/admin/import/{result.id}/errors.csv").get_data(as_text=True)
    assert errors.splitlines()[1].startswith(f"3,{place},")


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
def test_a_changed_manager_is_told_where_a_manager_is_changed(lang):
    admin, pm = _setting()
    make_user(Role.PROJECT_MANAGER, email="pm2@import.cn", institute_id=pm.institute_id)
    assert run(admin, "projects", [HEADER, _row()]).state is ImportState.DONE
    result = run(admin, "projects", [HEADER, _row(pm="pm2@import.cn")])
    with force_locale(lang):
        [message] = [m for _r, c, m in result.errors if c == "Project manager's e-mail"]
    said = {"en": ("Hand the project to another project manager", "pm@import.cn"),
            "zh_CN": ("将项目移交给其他项目经理", "pm@import.cn")}[lang]
    assert all(words in message for words in said), message


def test_a_milestone_whose_state_moved_on_is_told_what_is_recorded_or_to_leave_it_empty():
    admin, _pm = _setting()
    project = _project(admin)
    row = [project.code, "Bench test", "contract_research", "2026-09-30", "in_progress", "40", ""]
    assert run(admin, "milestones", [COLUMNS, row]).state is ImportState.DONE
    milestone = db.session.scalar(select(Milestone))
    milestone.state, milestone.percent_complete = MilestoneState.SUBMITTED, 90  # moved on
    db.session.flush()
    result = run(admin, "milestones", [COLUMNS, row])
    with force_locale("zh_CN"):
        said = {c: m for _r, c, m in result.errors}
    assert set(said) == {"State", "Percent complete"}, said
    assert "已提交" in said["State"] and "或留空" in said["State"], said
    assert "90" in said["Percent complete"], said
    # Empty, its state's cells say what is recorded: nothing changes.
    blank = run(admin, "milestones", [COLUMNS, [*row[:4], "", "", ""]])
    assert (blank.state, blank.unchanged) == (ImportState.DONE, 1), blank.errors
    assert (milestone.state, milestone.percent_complete) == (MilestoneState.SUBMITTED, 90)


def test_a_percent_of_0_is_a_value_not_an_empty_cell():
    """Review finding 8a: of a milestone recorded at 40 %, a file saying 0 was read as "what is
    recorded" (an empty cell) and imported unchanged, no word; 0 is empty for the reviewer
    only (the form's "none")."""
    admin, _pm = _setting()
    project = _project(admin)
    row = [project.code, "Bench test", "contract_research", "2026-09-30", "in_progress", "40", ""]
    assert run(admin, "milestones", [COLUMNS, row]).state is ImportState.DONE
    zero = run(admin, "milestones", [COLUMNS, [*row[:5], "0", ""]])
    assert zero.state is ImportState.FAILED
    assert [(c, "40" in m) for _r, c, m in zero.errors] == [("Percent complete", True)], (
        zero.errors)
    assert db.session.scalar(select(Milestone.percent_complete)) == 40


def test_a_language_is_read_by_its_name_in_either_language():
    admin = make_user(Role.HQ_ADMIN)
    rows = [["E-mail", "Full name", "Language"], ["a@example.cn", "A", "英文"],
            ["b@example.cn", "B", "中文"], ["c@example.cn", "C", "Chinese"],
            ["d@example.cn", "D", "英语"]]
    result = run(admin, "users", rows)
    assert (result.state, result.created) == (ImportState.DONE, 4), result.errors
    assert {u.email: u.locale for u in db.session.scalars(select(User)) if u.id != admin.id} == {
        "a@example.cn": "en", "b@example.cn": "zh_CN", "c@example.cn": "zh_CN",
        "d@example.cn": "en"}
