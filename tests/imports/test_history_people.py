"""A project imported past its proposal names its PM and team as they were then (issue 13,
adoption finding F24): a finished project of a PM who has since moved to another institute
was refused by the proposal's rule ("You propose projects for your own institute"), and so was
a team with a member of a sister institute. A draft or a proposal awaiting its panel is a
proposal of today's people: the rules stay (`lifecycle.PROPOSED`)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.factories import make_institute, make_user
from tests.imports.helpers import run
from tests.imports.test_projects import HEADER, _row, _setting
from tracker import db
from tracker.imports.models import ImportState
from tracker.projects.models import Project


def _elsewhere():
    """An institute the PM is not of, and a person of it."""
    sister = make_institute(code="IMP-NM")
    make_user(email="sister@import.cn", institute_id=sister.id)
    return sister


def test_a_project_in_contract_research_takes_its_pm_and_team_wherever_they_are_now():
    admin, pm = _setting()
    _elsewhere()
    rows = [HEADER, _row(institute="IMP-NM", members="sister@import.cn; member@import.cn")]
    result = run(admin, "projects", rows)
    assert (result.state, result.created) == (ImportState.DONE, 1), result.errors
    project = db.session.scalar(select(Project))
    assert (project.institute.code, project.pm_id) == ("IMP-NM", pm.id)
    assert sorted(m.user.email for m in project.members) == [
        "member@import.cn", "sister@import.cn"]


@pytest.mark.parametrize("phase", ["proposal_review", "draft"])
def test_a_proposal_of_today_keeps_the_rules_of_the_proposal(phase):
    admin, _pm = _setting()
    _elsewhere()
    code = "" if phase == "draft" else "TEST-2019-0042"
    rows = [HEADER, _row(code=code, phase=phase, passed="", institute="IMP-NM",
                         members="sister@import.cn")]
    result = run(admin, "projects", rows)
    assert result.state is ImportState.FAILED
    assert {column for _row_number, column, _m in result.errors} == {"Institute code"}, (
        result.errors)
