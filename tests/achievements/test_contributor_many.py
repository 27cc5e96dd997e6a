"""An achievement with more contributors than the form's rows (issue 16, F47, found by a
newcomer): the form stopped at 8 rows and a ninth contributor was silently dropped. Every
contributor recorded has its row when edited, "More rows" (a button, no script) sends the form
back with more, and the shares still add up to exactly 100 %."""

from __future__ import annotations

import re
from decimal import Decimal

from tests.achievements.helpers import make_achievement
from tests.conftest import login, post
from tests.factories import make_project, make_user
from tracker import db
from tracker.accounts.models import Role
from tracker.achievements.forms import CONTRIBUTOR_ROWS, MORE_ROWS
from tracker.achievements.models import Achievement
from tracker.achievements.services import ContributorLine
from tracker.projects.lifecycle import Phase

TEN = [f"Colleague {n}" for n in range(10)]


def _version(page: str) -> str:
    return re.search(r'name="version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="version"',
                     page).group(1)


def _rows(page: str) -> int:
    return len(set(re.findall(r'name="contributors-(\d+)-share_pct"', page)))


def _ten_rows(shares: list[str]) -> dict[str, str]:
    return {field: value for i, (name, share) in enumerate(zip(TEN, shares, strict=True))
            for field, value in ((f"contributors-{i}-name", name),
                                 (f"contributors-{i}-share_pct", share),
                                 (f"contributors-{i}-user_id", "0"))}


def test_editing_an_achievement_of_ten_contributors_keeps_all_ten(client):
    achievement = make_achievement(contributors=[
        ContributorLine(user_id=None, name=name, share_pct=Decimal("10")) for name in TEN])
    login(client, achievement.project.pm)
    page = client.get(f"/achievements/{achievement.id}/edit").get_data(as_text=True)
    assert all(f'value="{name}"' in page for name in TEN)
    assert _rows(page) == len(TEN) + MORE_ROWS
    response = post(client, f"/achievements/{achievement.id}/edit", {
        "title": "Renamed", "description": "", "version": _version(page),
        **_ten_rows(["10"] * 10)})
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.refresh(achievement)
    assert [c.name for c in achievement.contributors] == TEN
    assert achievement.title == "Renamed"


def test_more_rows_keeps_what_was_typed_and_saves_nothing(client):
    pm = make_user(Role.PROJECT_MANAGER)
    project = make_project(pm=pm, phase=Phase.CONTRACT_RESEARCH)
    login(client, pm)
    page = client.get(f"/projects/{project.id}/achievements/new").get_data(as_text=True)
    assert _rows(page) == CONTRIBUTOR_ROWS and 'name="more_rows"' in page
    typed = {"title": "Many hands", "description": "",
             **{k: v for k, v in _ten_rows(["10"] * 10).items()
                if int(k.split("-")[1]) < CONTRIBUTOR_ROWS}}
    response = post(client, f"/projects/{project.id}/achievements/new",
                    {**typed, "more_rows": "1"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert _rows(page) == CONTRIBUTOR_ROWS + MORE_ROWS
    assert 'value="Colleague 7"' in page and 'class="error"' not in page
    assert db.session.query(Achievement).filter_by(project_id=project.id).count() == 0
    # The ten, whose shares add up to 99: refused, and every row comes back.
    response = post(client, f"/projects/{project.id}/achievements/new", {
        "title": "Many hands", "description": "", **_ten_rows(["10"] * 9 + ["9"])})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "99.00" in page and 'value="Colleague 9"' in page
    response = post(client, f"/projects/{project.id}/achievements/new", {
        "title": "Many hands", "description": "", **_ten_rows(["10"] * 10)})
    assert response.status_code == 302, response.get_data(as_text=True)
    achievement = db.session.query(Achievement).filter_by(project_id=project.id).one()
    assert [c.name for c in achievement.contributors] == TEN
    assert achievement.shares_total == Decimal("100")
