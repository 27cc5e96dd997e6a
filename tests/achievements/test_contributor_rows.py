"""A contributor row is who it is and their share: linking a person named to their user
account is a change (it was dropped as 'unchanged' when the names shown were the same), and
the history says each share one way however it was typed (issue 16, found by a newcomer)."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.achievements.helpers import make_achievement
from tests.conftest import login, post
from tests.factories import make_user
from tracker import db
from tracker.achievements import services
from tracker.achievements.services import ContributorLine
from tracker.audit.models import AuditRecord


def _version(page: str) -> str:
    return re.search(r'name="version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="version"',
                     page).group(1)


def _updates(achievement) -> list[dict]:
    return [r.changes for r in db.session.scalars(select(AuditRecord).where(
        AuditRecord.object_type == "achievements", AuditRecord.object_id == achievement.id,
        AuditRecord.action == "achievement.update").order_by(AuditRecord.id))]


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_a_person_named_is_linked_to_their_account_under_the_same_name_and_share(
        client, locale):
    achievement = make_achievement()
    pm = achievement.project.pm
    pm.locale = locale
    zhou = make_user(name="Zhou Min", institute_id=achievement.project.institute_id)
    db.session.commit()
    login(client, pm)
    page = client.get(f"/achievements/{achievement.id}/edit").get_data(as_text=True)
    response = post(client, f"/achievements/{achievement.id}/edit", {
        "title": achievement.title, "description": "", "version": _version(page),
        "contributors-0-user_id": str(pm.id), "contributors-0-share_pct": "60",
        "contributors-1-user_id": str(zhou.id), "contributors-1-name": "",
        "contributors-1-share_pct": "40"})
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.refresh(achievement)
    assert [(c.user_id, c.name) for c in achievement.contributors] == [
        (pm.id, pm.name), (zhou.id, "Zhou Min")]
    (changes,) = _updates(achievement)
    assert "contributors" not in changes  # the names and shares shown did not change
    assert changes["contributor_users"] == [[pm.name], [pm.name, "Zhou Min"]]
    history = client.get(f"/history/achievements/{achievement.id}").get_data(as_text=True)
    assert ("完成人中的系统用户" if locale == "zh_CN"
            else "Contributors with a user account") in history
    login(client, zhou)  # and Zhou reads his own statement now
    assert achievement.title in client.get("/").get_data(as_text=True)


def test_the_same_rows_saved_again_change_nothing():
    achievement = make_achievement()
    pm = achievement.project.pm
    lines = [ContributorLine(pm.id, "", Decimal("60")),  # stored as 60.00: the same share
             ContributorLine(None, " Zhou  Min ", Decimal("40.0"))]
    services.save_achievement(pm, achievement.project, achievement,
                              title=achievement.title, description="", contributors=lines)
    assert _updates(achievement) == []


def test_shares_are_said_one_way_in_the_history_and_the_conflict_names_its_field(app, client):
    achievement = make_achievement()
    pm = achievement.project.pm
    login(client, pm)
    page = client.get(f"/achievements/{achievement.id}/edit").get_data(as_text=True)
    form = {"title": achievement.title, "description": "", "version": _version(page),
            "contributors-0-user_id": str(pm.id), "contributors-0-share_pct": "50",
            "contributors-1-user_id": "0", "contributors-1-name": "Zhou Min",
            "contributors-1-share_pct": "50"}
    assert post(client, f"/achievements/{achievement.id}/edit", form).status_code == 302
    (changes,) = _updates(achievement)
    assert changes["contributors"] == [[f"{pm.name} 60.00%", "Zhou Min 40.00%"],
                                       [f"{pm.name} 50.00%", "Zhou Min 50.00%"]]
    pm.locale = "zh_CN"
    db.session.commit()
    stale = post(client, f"/achievements/{achievement.id}/edit", {**form, "title": "Other"})
    assert stale.status_code == 409
    text = stale.get_data(as_text=True)
    assert "完成人" in text and "Contributors" not in text
