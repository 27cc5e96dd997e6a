"""Every contributor reaches their achievements and their income statement from their home
page (issue 16, found by a newcomer): an evaluator who contributed had no way there, the
register (/achievements/) being for HQ, directors and PMs only."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.achievements.helpers import make_achievement
from tests.conftest import login
from tests.factories import _commit, make_project, make_user
from tests.test_query_counts import assert_counts_steady
from tracker.accounts.models import Role
from tracker.achievements.queries import contributions_of
from tracker.achievements.services import ContributorLine
from tracker.projects.lifecycle import Phase


def _contributed(person):
    project = make_project(pm=make_user(Role.PROJECT_MANAGER), phase=Phase.CONTRACT_RESEARCH)
    return make_achievement(project, title="Electrolyte film", contributors=[
        ContributorLine(user_id=project.pm_id, name="", share_pct=Decimal("70")),
        ContributorLine(user_id=person.id, name="", share_pct=Decimal("30"))])


@pytest.mark.parametrize("locale, words", [
    ("en", ("My achievements", "My share", "My income statement")),
    ("zh_CN", ("我的成果", "我的份额", "我的收益分配明细"))])
def test_an_evaluator_who_contributed_finds_their_statement_from_home(client, locale, words):
    evaluator = make_user(Role.EVALUATOR)
    evaluator.locale = locale
    achievement = _contributed(evaluator)
    _commit()
    login(client, evaluator)
    assert client.get("/achievements/").status_code == 403  # the register is not theirs
    home = client.get("/").get_data(as_text=True)
    assert all(w in home for w in words)
    assert f"/achievements/{achievement.id}" in home and "Electrolyte film" in home
    assert "30.00%" in home
    statement = f"/ip/statements/{evaluator.id}"
    assert statement in home and client.get(statement).status_code == 200
    page = client.get(f"/achievements/{achievement.id}").get_data(as_text=True)
    # Its way back leads home, not to the register that answers 403.
    assert 'href="/achievements/"' not in page and "#my-achievements" in page


def test_someone_who_contributed_nothing_has_no_such_section(client):
    _contributed(make_user(Role.EVALUATOR))
    other = make_user(Role.EVALUATOR)
    login(client, other)
    assert "my-achievements" not in client.get("/").get_data(as_text=True)
    assert contributions_of(other) == []


def test_the_home_page_costs_the_same_however_many_achievements(client, engine):
    person = make_user(Role.EVALUATOR)
    login(client, person)
    assert_counts_steady(client, engine, ("/",), lambda: [_contributed(person) for _ in "ab"])
    assert len(contributions_of(person)) == 4
