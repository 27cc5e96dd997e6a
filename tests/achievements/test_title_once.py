"""An achievement's title is listed once in its project (issue 16, T30, found by a newcomer):
two achievements of one project could share a title, and the imports, which find an
achievement again by its project and title, took the first. A title is compared as a name is
(`tracker.names.name_key`: spaces, case and full-width aside), refused beside the field on the
form, on a move to another project and in an import (which finds the one listed however the
title is spaced), and two creations at once answer beside the title, not 500. A withdrawn
achievement's title is free again; another project may use it."""

from __future__ import annotations

import threading
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from tests.achievements.helpers import make_achievement
from tests.conftest import PG_URL, login, post
from tests.factories import _commit, make_project, make_user
from tests.gates.test_concurrency import real_commits  # noqa: F401  (a fixture)
from tracker import db
from tracker.accounts.models import Role
from tracker.achievements import queries, services
from tracker.achievements.models import Achievement
from tracker.errors import Invalid
from tracker.projects.lifecycle import Phase

TITLE = "Solid-state electrolyte"


def _form(title: str, pm) -> dict:
    return {"title": title, "description": "", "contributors-0-user_id": str(pm.id),
            "contributors-0-name": "", "contributors-0-share_pct": "100"}


def _title_error(response) -> str:
    page = response.get_data(as_text=True)
    return page[page.index('id="title-error"'):][:500]


@pytest.mark.parametrize("typed", ["Solid-state  electrolyte", "SOLID-STATE ELECTROLYTE",
                                   "Ｓｏｌｉｄ－ｓｔａｔｅ ｅｌｅｃｔｒｏｌｙｔｅ"])
def test_a_title_listed_already_in_the_project_is_refused_beside_the_field(client, typed):
    first = make_achievement(title=TITLE)
    project = first.project
    login(client, project.pm)
    response = post(client, f"/projects/{project.id}/achievements/new", _form(typed, project.pm))
    assert response.status_code == 400
    error = _title_error(response)
    assert "is listed already" in error and f"“{TITLE}”" in error
    assert db.session.scalar(select(func.count(Achievement.id)).where(
        Achievement.project_id == project.id)) == 1


def test_another_project_and_another_title_are_not_refused(client):
    first = make_achievement(title=TITLE)
    other = make_achievement(title=TITLE)  # another project
    assert other.project_id != first.project_id
    login(client, first.project.pm)
    response = post(client, f"/projects/{first.project.id}/achievements/new",
                    _form("Solid-state electrolyte film", first.project.pm))
    assert response.status_code == 302, response.get_data(as_text=True)


def test_an_edit_to_the_title_of_another_is_refused_and_its_own_title_kept(client):
    first = make_achievement(title=TITLE)
    second = make_achievement(first.project, title="Electrolyte film")
    login(client, first.project.pm)
    response = post(client, f"/achievements/{second.id}/edit",
                    {**_form(" solid-state electrolyte ", first.project.pm),
                     "version": str(second.version)})
    assert response.status_code == 400 and "is listed already" in _title_error(response)
    response = post(client, f"/achievements/{first.id}/edit",
                    {**_form("Solid-state Electrolyte", first.project.pm),
                     "version": str(first.version)})
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.refresh(first)
    assert first.title == "Solid-state Electrolyte"


def test_a_withdrawn_achievement_s_title_is_free_again():
    first = make_achievement(title=TITLE)
    pm = first.project.pm
    from tracker.achievements import withdrawals
    withdrawals.withdraw_achievement(pm, first, "Recorded twice")
    _commit()
    again = make_achievement(first.project, title=TITLE)
    assert again.title_key == "solid-state electrolyte" and first.title_key is None


def test_a_move_into_a_project_listing_the_title_is_refused_beside_the_project(client):
    moving = make_achievement(title=TITLE)
    there = make_achievement(make_project(phase=Phase.CONTRACT_RESEARCH),
                             title="solid-state  ELECTROLYTE")
    admin = make_user(Role.HQ_ADMIN)
    _commit()
    login(client, admin)
    response = post(client, f"/achievements/{moving.id}/move",
                    {"project": there.project.code, "reason": "Wrong project"})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    error = page[page.index('id="project-error"'):][:500]
    assert "is listed already" in error and "“solid-state ELECTROLYTE”" in error
    db.session.refresh(moving)
    assert moving.project_id != there.project_id


def test_a_check_that_missed_the_twin_is_answered_beside_the_title(client, monkeypatch):
    first = make_achievement(title=TITLE)
    project = first.project
    # The racing request's check ran before the first was committed: it found nothing; its
    # second look, once the index refused the write, finds the first.
    looks: list[tuple] = []
    real = queries.titled_twin

    def twin(*args):
        looks.append(args)
        return None if len(looks) == 1 else real(*args)

    monkeypatch.setattr(queries, "titled_twin", twin)
    login(client, project.pm)
    response = post(client, f"/projects/{project.id}/achievements/new",
                    _form(TITLE.upper(), project.pm))
    assert response.status_code == 400 and "is listed already" in _title_error(response)
    assert len(looks) == 2
    assert db.session.scalar(select(func.count(Achievement.id)).where(
        Achievement.project_id == project.id)) == 1


@pytest.mark.skipif(not PG_URL, reason="two connections need PostgreSQL")
def test_two_creations_at_once_record_one_and_refuse_the_other(app, real_commits):  # noqa: F811
    project_id = make_achievement(title="Something else").project_id
    db.session.commit()
    db.session.remove()
    both_checked = threading.Barrier(2)
    results: list[str] = []
    real = queries.titled_twin
    looked = threading.local()

    def checked_then_wait(*args):
        found = real(*args)
        if not getattr(looked, "once", False):  # both have seen no twin before either writes
            looked.once = True
            both_checked.wait(timeout=10)
        return found

    def create() -> None:
        with app.app_context():
            try:
                from tracker.projects.models import Project
                project = db.session.get(Project, project_id)
                services.save_achievement(
                    project.pm, project, None, title=TITLE, description="",
                    contributors=[services.ContributorLine(user_id=project.pm_id, name="",
                                                           share_pct=Decimal("100"))])
                db.session.commit()
                results.append("recorded")
            except Invalid as invalid:
                db.session.rollback()
                results.append(f"{invalid.field}: {invalid.message}")
            except Exception as error:  # noqa: BLE001  (the outcome is asserted below)
                db.session.rollback()
                results.append(f"failed: {error!r}")
            finally:
                db.session.remove()

    queries.titled_twin = checked_then_wait
    try:
        threads = [threading.Thread(target=create) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
    finally:
        queries.titled_twin = real
    assert sorted(r.split(":")[0] for r in results) == ["recorded", "title"], results
    assert db.session.scalar(select(func.count(Achievement.id)).where(
        Achievement.project_id == project_id)) == 2
