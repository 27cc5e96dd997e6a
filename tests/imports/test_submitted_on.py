"""A milestones file gives the day each submitted (or accepted) milestone was submitted
(issue 13): the import dated every submitted one the moment of the import, so its review read
as due from the import's day, and once accepted it counted as late or on time by that day.
Submitted on is read for a new milestone by both paths of the import, checked by the service
(`tracker.milestones.imported`), kept as noon that day; its review falls due by the one rule
(`review_due_on`); a milestone on record keeps its day; the reminders of a review overdue
since before the import say so once to the reviewer and escalate nothing past."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from tests.factories import make_user
from tests.imports.helpers import run
from tests.imports.test_projects import HEADER, _row, _setting
from tracker import db
from tracker.accounts.models import Role
from tracker.dates import today
from tracker.gates.dating import noon
from tracker.imports import export
from tracker.imports.milestones import Milestones
from tracker.imports.models import ImportState
from tracker.milestones import services as milestones
from tracker.milestones.models import Milestone
from tracker.pms.figures import figures
from tracker.reminders import scan
from tracker.reminders.models import OutboxMessage

COLUMNS = ["Project code", "Title", "Phase", "Due date", "State", "Reviewer's e-mail",
           "Submitted on"]
CODE = "TEST-2019-0042"  # started 2019-03-01


@pytest.fixture(params=["bulk", "row by row"])
def admin(request, monkeypatch):
    if request.param == "row by row":
        monkeypatch.setattr(Milestones, "batch", lambda self, actor: None)
    admin, _pm = _setting()
    assert run(admin, "projects", [HEADER, _row()]).state is ImportState.DONE
    return admin


def _milestone(title: str) -> Milestone:
    return db.session.scalar(select(Milestone).where(Milestone.title == title))


def test_a_submitted_or_accepted_milestone_keeps_the_day_it_was_submitted(admin):
    ago = today() - timedelta(days=20)
    result = run(admin, "milestones", [
        COLUMNS,
        [CODE, "Bench", "contract_research", str(ago + timedelta(days=5)), "submitted", "",
         ago.isoformat()],
        [CODE, "On time", "proposal_review", "2019-04-30", "accepted", "", "2019-04-20"],
        [CODE, "Late", "proposal_review", "2019-05-15", "已验收", "", "2019年6月1日"],
        [CODE, "Undated", "proposal_review", "2019-05-15", "accepted", "", ""]])
    assert (result.state, result.created) == (ImportState.DONE, 4), result.errors
    db.session.expire_all()
    bench = _milestone("Bench")
    assert (bench.submitted_at, bench.review_due) == (noon(ago), milestones.review_due_on(ago))
    assert _milestone("On time").submitted_at == noon(date(2019, 4, 20))
    assert _milestone("Undated").submitted_at is None  # no day made up: counted nowhere
    pm = _milestone("Bench").project.pm
    counted = figures([pm.id])[pm.id]
    assert (counted.milestones_on_time, counted.milestones_late) == (1, 1)
    # The export writes the days kept (none made up), which read back unchanged.
    exported = list(csv.reader(io.StringIO(export.export_csv("milestones").decode())))
    assert {row[1]: row[-1] for row in exported[1:]} == {
        "Bench": ago.isoformat(), "On time": "2019-04-20", "Late": "2019-06-01", "Undated": ""}
    again = run(admin, "milestones", exported)
    assert (again.state, again.unchanged) == (ImportState.DONE, 4), again.errors


def test_accepted_in_the_tracker_it_counts_by_the_day_it_was_submitted(admin):
    """Submitted before its due date, imported after it, accepted since: on time (it was
    late by the import's day)."""
    reviewer = make_user(Role.EVALUATOR, email="reviewer@import.cn")
    due = today() - timedelta(days=30)
    result = run(admin, "milestones", [COLUMNS, [
        CODE, "Bench", "contract_research", due.isoformat(), "submitted",
        "reviewer@import.cn", (due - timedelta(days=3)).isoformat()]])
    assert result.state is ImportState.DONE, result.errors
    bench = _milestone("Bench")
    milestones.review_milestone(reviewer, bench, True, "")
    counted = figures([bench.project.pm_id])[bench.project.pm_id]
    assert (counted.milestones_on_time, counted.milestones_late) == (1, 0)


def test_days_a_milestone_could_not_have_are_refused_beside_their_column(admin):
    ahead = (today() + timedelta(days=10)).isoformat()
    result = run(admin, "milestones", [
        COLUMNS,
        [CODE, "Undated", "contract_research", "2026-09-30", "submitted", "", ""],
        [CODE, "Ahead", "contract_research", "2026-09-30", "submitted", "", ahead],
        [CODE, "Before", "proposal_review", "2019-04-30", "accepted", "", "2018-12-01"],
        [CODE, "Planned", "contract_research", "2026-09-30", "", "", "2026-01-05"],
        [CODE, "Working", "contract_research", "2026-09-30", "in_progress", "", "2026-01-05"],
        [CODE, "Unreadable", "contract_research", "2026-09-30", "submitted", "", "March"]])
    assert result.state is ImportState.FAILED
    said = {(row, column): message for row, column, message in result.errors}
    assert said[2, "Submitted on"] == (
        "Write the day the milestone was submitted, such as 2026-03-02: its review falls due "
        "from that day, and an import makes up no day.")
    assert "is in the future: a milestone is dated the day it was submitted" in said[
        3, "Submitted on"]
    assert said[4, "Submitted on"] == (
        "Dec 1, 2018 is before the project's start date (Mar 1, 2019): a milestone is "
        "submitted in its project's life.")
    assert said[5, "Submitted on"] == ("A milestone “Planned” waits for no review and keeps "
                                       "no day of submission: leave the cell empty.")
    assert "“In progress”" in said[6, "Submitted on"]
    assert (7, "Submitted on") in said
    assert len(result.errors) == 6, result.errors
    assert db.session.scalar(select(func.count()).select_from(Milestone)) == 0


def test_the_refusal_is_said_in_chinese(admin):
    result = run(admin, "milestones", [
        ["项目编号", "标题", "阶段", "截止日期", "状态", "提交日期"],
        [CODE, "Undated", "contract_research", "2026-09-30", "已提交", ""]])
    assert result.state is ImportState.FAILED, result.errors
    with force_locale("zh_CN"):
        assert [(r, m) for r, _c, m in result.errors] == [
            (2, "请填写里程碑提交之日，如 2026-03-02：其评审自该日起计算到期，导入不会编造日期。")]


def test_a_milestone_on_record_keeps_its_day(admin):
    rows = [COLUMNS, [CODE, "Bench", "contract_research", "2026-09-30", "submitted", "",
                      "2026-01-05"]]
    assert run(admin, "milestones", rows).state is ImportState.DONE
    again = run(admin, "milestones", rows)
    assert (again.state, again.unchanged) == (ImportState.DONE, 1), again.errors
    empty = run(admin, "milestones", [COLUMNS, [*rows[1][:-1], ""]])
    assert (empty.state, empty.unchanged) == (ImportState.DONE, 1), empty.errors
    moved = run(admin, "milestones", [COLUMNS, [*rows[1][:-1], "2026-01-06"]])
    assert moved.state is ImportState.FAILED
    assert moved.errors == [[
        2, "Submitted on", "The milestone is recorded as submitted on Jan 5, 2026, not Jan 6, "
        "2026. An import does not change the day a milestone on record was submitted, as "
        "nothing in the tracker does: write the day recorded here, or leave the cell empty."]]
    db.session.expire_all()
    assert _milestone("Bench").submitted_at == noon(date(2026, 1, 5))


def _written() -> set[tuple[str, str]]:
    return {(m.details["title"], m.audience.value) for m in db.session.scalars(
        select(OutboxMessage).where(OutboxMessage.rule == "milestone_review"))}


def test_an_old_review_is_said_once_to_its_reviewer_and_escalated_no_more(admin):
    """Submitted 30 days before the import: its reviewer is told once that the review was
    due (still true), HQ's escalation of a day past before the import is not sent; one
    submitted two days before the import is reminded and escalated as ever."""
    make_user(Role.EVALUATOR, email="reviewer@import.cn")
    now = today()
    result = run(admin, "milestones", [
        COLUMNS,
        [CODE, "Old", "contract_research", "2026-09-30", "submitted", "reviewer@import.cn",
         (now - timedelta(days=30)).isoformat()],
        [CODE, "Recent", "contract_research", "2026-09-30", "submitted", "reviewer@import.cn",
         (now - timedelta(days=2)).isoformat()]])
    assert result.state is ImportState.DONE, result.errors
    db.session.commit()
    scan.scan(now)
    assert _written() == {("Old", "owner")}
    scan.scan(now + timedelta(days=30))
    assert _written() == {("Old", "owner"), ("Recent", "owner"), ("Recent", "hq")}
