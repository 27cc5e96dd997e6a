"""How a newcomer writes a choice or leaves a cell empty (issue 13, F18 and F34): a choice by its
code, its English label or its Chinese label, however cased and spaced, in every kind; a
refused one lists the accepted choices in the reader's language; an empty cell means what its
note says (the form's default); the keys people read name what a cell holds, never an `_id`."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import select

from tests.conftest import login
from tests.imports.helpers import run
from tests.imports.test_projects import HEADER, _row, _setting
from tracker import db
from tracker.imports import export
from tracker.imports.columns import KINDS
from tracker.imports.models import ImportState
from tracker.milestones.models import Milestone, MilestoneState
from tracker.projects.lifecycle import Phase
from tracker.projects.models import Project

COLUMNS = ["Project code", "Title", "Phase", "Due date", "Weight", "State", "Percent complete"]


def _project(admin):
    assert run(admin, "projects", [HEADER, _row()]).state is ImportState.DONE
    return db.session.scalar(select(Project))


def test_a_choice_is_read_by_its_code_or_either_label_however_cased_and_spaced():
    admin, _pm = _setting()
    code = _project(admin).code
    rows = [COLUMNS,
            [code, "By code", "CONTRACT_RESEARCH", "2026-09-30", "", "in_progress", "40"],
            [code, "Code spaced", "contract research", "2026-09-30", "", "In Progress", "40"],
            [code, "English label", "Contract Research", "2026-09-30", "", "in-progress", "40"],
            [code, "Chinese label", "合同科研", "2026-09-30", "", "进行中", "40"]]
    result = run(admin, "milestones", rows)
    assert (result.state, result.created) == (ImportState.DONE, 4), result.errors
    assert {(m.phase, m.state) for m in db.session.scalars(select(Milestone))} == {
        (Phase.CONTRACT_RESEARCH, MilestoneState.IN_PROGRESS)}


def test_a_refused_choice_lists_the_accepted_ones_in_the_readers_language(client):
    admin, _pm = _setting()
    code = _project(admin).code
    result = run(admin, "milestones", [
        COLUMNS, [code, "Typo", "contract research", "2026-09-30", "", "halfway", ""]])
    assert result.state is ImportState.FAILED
    row, column, message = result.errors[0]
    assert (row, column) == (2, "State")
    assert message.startswith("Not one of the choices: halfway. Write one of planned "
                              "(Planned), in_progress (In progress), submitted (Submitted)")
    assert message.endswith("by its code or its label in English or Chinese.")
    admin.locale = "zh_CN"
    db.session.flush()
    login(client, admin)
    page = client.get(f"/admin/import/{result.id}").get_data(as_text=True)
    assert "不是可选值之一：halfway。请填写以下之一：planned（已计划）" in page


def test_an_empty_cell_means_what_its_note_says():
    """A milestone's weight left empty is 1, as its note and the form's blank field say."""
    admin, _pm = _setting()
    code = _project(admin).code
    result = run(admin, "milestones", [
        COLUMNS, [code, "No weight", "contract_research", "2026-09-30", "", "", ""],
        [code, "Heavy", "contract_research", "2026-10-30", "3", "", ""]])
    assert (result.state, result.created) == (ImportState.DONE, 2), result.errors
    weights = {m.title: m.weight for m in db.session.scalars(select(Milestone))}
    assert weights == {"No weight": Decimal("1"), "Heavy": Decimal("3")}
    again = run(admin, "milestones", [
        COLUMNS, [code, "No weight", "contract_research", "2026-09-30", "", "", ""],
        [code, "Heavy", "contract_research", "2026-10-30", "", "", ""]])
    assert (again.state, again.unchanged, again.updated) == (ImportState.DONE, 1, 1)
    assert db.session.scalar(select(Milestone.weight).where(Milestone.title == "Heavy")) == 1


def test_no_key_people_read_ends_in_id_and_the_form_keys_are_still_read(client):
    admin, _pm = _setting()
    shown = [c.shown for kind in KINDS.values() for c in kind.columns]
    assert [k for k in shown if k.endswith(("_id", "_ids"))] == []
    assert KINDS["milestones"].column("project_id").shown == "project_code"
    assert KINDS["projects"].column("member_ids").shown == "member_emails"
    code = _project(admin).code
    assert next(export.rows("milestones"))[:2] == ["project_code", "title"]
    legacy = run(admin, "milestones", [["project_id", "title", "phase", "due_date"],
                                       [code, "Old header", "contract_research", "2026-09-30"]])
    assert legacy.state is ImportState.DONE, legacy.errors
    login(client, admin)
    page = client.get("/admin/import/").get_data(as_text=True)
    assert "<code>project_code</code>" in page and "<code>project_id</code>" not in page
