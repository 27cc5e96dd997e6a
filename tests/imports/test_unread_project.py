"""A row of the achievement register's kinds whose project code names no project is told that,
beside its column, and nothing of what rests on the project: an achievement's contributors
(whom the project offers) and a deal's achievement (one of the project's). Both were said
too: "pm@import.cn may not be chosen as a contributor: only the project's institute's people,
its PM and its team" beside a contributor the project does offer, and "The project has no
achievement called …" beside an achievement it has (found by an HQ admin's check, issue 13,
F51: what rests on a column that could not be read is not checked). A cell of its own that
names nothing (an unknown e-mail, licensee or kind) is still said."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.imports import test_achievements, test_ip_deals
from tests.imports.helpers import run
from tracker import db
from tracker.achievements.deal_models import Transfer
from tracker.achievements.models import Achievement
from tracker.imports.models import ImportState

NOWHERE = "TEST-2099-0001"


def _said(result) -> list[tuple[int, str]]:
    assert result.state is ImportState.FAILED
    return [(row, column) for row, column, _message in result.errors]


def test_an_achievement_of_no_project_is_told_only_that_and_its_own_cells():
    admin, _pm = test_achievements._projects()
    row = [NOWHERE, *test_achievements.ROW[1:]]
    unknown = [NOWHERE, "Another seal", "", "nobody@import.cn: 100", "", ""]
    result = run(admin, "achievements", [test_achievements.KEYS, row, unknown])
    assert _said(result) == [(2, "Project code"), (3, "Project code"), (3, "Contributors")], (
        result.errors)
    assert "nobody@import.cn" in result.errors[2][2]
    assert db.session.scalar(select(func.count()).select_from(Achievement)) == 0


def test_a_deal_of_no_project_is_told_only_that_and_its_own_cells():
    admin = test_ip_deals._setting()
    keys, deal = test_ip_deals.KEYS, test_ip_deals.DEAL
    row = [NOWHERE, *deal[1:]]
    unknown = [NOWHERE, deal[1], "No such licensee", *deal[3:]]
    result = run(admin, "ip_deals", [keys, row, unknown])
    assert _said(result) == [(2, "Project code"), (3, "Project code"),
                             (3, "Licensee or assignee")], result.errors
    assert db.session.scalar(select(func.count()).select_from(Transfer)) == 0
