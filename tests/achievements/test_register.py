"""The achievement and IP register: an achievement with its contributors (shares adding up to
exactly 100 %), its patents, software copyrights and know-how, audited and versioned; who may
keep it and who may read it."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from tests.achievements.helpers import make_achievement, make_patent
from tests.conftest import login, post
from tests.factories import make_institute, make_project, make_user
from tracker import db
from tracker.accounts.models import Role
from tracker.achievements import services
from tracker.achievements.models import Achievement, IpRight, RightStatus
from tracker.achievements.services import ContributorLine
from tracker.audit.models import AuditRecord
from tracker.errors import Forbidden, Invalid
from tracker.projects.lifecycle import Phase


def _version(page: str) -> str:
    found = re.search(r'name="version" type="hidden" value="(\d+)"|'
                      r'type="hidden" name="version" value="(\d+)"|'
                      r'name="version"[^>]*value="(\d+)"', page)
    assert found, "no version in the form"
    return next(g for g in found.groups() if g)


def _actions(kind: str, object_id: int) -> list[str]:
    return list(db.session.scalars(select(AuditRecord.action).where(
        AuditRecord.object_type == kind, AuditRecord.object_id == object_id)
        .order_by(AuditRecord.id)))


def test_shares_must_add_up_to_exactly_100_and_every_problem_is_said():
    project = make_project(phase=Phase.CONTRACT_RESEARCH)
    with pytest.raises(Invalid) as refused:
        services.save_achievement(project.pm, project, None, title="", description="",
                                  contributors=[
            ContributorLine(user_id=project.pm_id, name="", share_pct=Decimal("60")),
            ContributorLine(user_id=None, name="Zhou Min", share_pct=Decimal("39.99"))])
    fields = dict(refused.value.problems)
    assert set(fields) == {"title", "contributors"}
    assert "99.99" in fields["contributors"]
    with pytest.raises(Invalid) as refused:
        services.save_achievement(project.pm, project, None, title="A", description="",
                                  contributors=[
            ContributorLine(user_id=project.pm_id, name="", share_pct=Decimal("50"), row=0),
            ContributorLine(user_id=project.pm_id, name="", share_pct=Decimal("50"), row=1),
            ContributorLine(user_id=None, name=" ", share_pct=Decimal("0"), row=2)])
    assert {f for f, _m in refused.value.problems} == {
        "contributors-1-user_id", "contributors-2-name", "contributors-2-share_pct"}


def test_an_achievement_is_recorded_by_its_pm_and_audited():
    achievement = make_achievement()
    assert [(c.name, c.share_pct, c.user_id is not None) for c in achievement.contributors] == [
        (achievement.project.pm.name, Decimal("60.00"), True),
        ("Zhou Min", Decimal("40.00"), False)]
    assert _actions("achievements", achievement.id) == ["achievement.create"]
    other = make_user(Role.PROJECT_MANAGER)
    with pytest.raises(Forbidden):
        services.save_achievement(other, achievement.project, None, title="Not mine",
                                  description="", contributors=[])


def test_a_patent_needs_its_type_number_and_dates():
    achievement = make_achievement()
    with pytest.raises(Invalid) as refused:
        services.save_right(achievement.project.pm, achievement, None, kind="patent",
                            patent_type="", title="Film", number="", jurisdiction="CN",
                            status="granted", filed_on=date(2025, 1, 1),
                            granted_on=date(2024, 1, 1), attorney_costs=None)
    assert {f for f, _m in refused.value.problems} == {"patent_type", "number", "granted_on"}
    # Know-how given a patent's fields is refused beside each, not silently cleared.
    with pytest.raises(Invalid) as refused:
        services.save_right(achievement.project.pm, achievement, None, kind="know_how",
                            patent_type="invention", title="Sintering recipe",
                            number="KH-1", jurisdiction="", status="granted",
                            filed_on=date(2025, 1, 1), granted_on=date(2025, 2, 1),
                            attorney_costs=None)
    assert {f for f, _m in refused.value.problems} == {
        "patent_type", "number", "filed_on", "granted_on", "status", "jurisdiction"}
    know_how = services.save_right(achievement.project.pm, achievement, None, kind="know_how",
                                   patent_type="", title="Sintering recipe", number="",
                                   jurisdiction="CN", status="filed", filed_on=None,
                                   granted_on=None, attorney_costs=None)
    assert know_how.patent_type is None and know_how.jurisdiction == "CN"


@pytest.mark.parametrize("locale", ["en", "zh_CN"])
def test_the_pm_records_an_achievement_and_a_patent_through_the_pages(client, locale):
    pm = make_user(Role.PROJECT_MANAGER, locale=locale)
    project = make_project(pm=pm, phase=Phase.CONTRACT_RESEARCH)
    colleague = make_user(institute_id=project.institute_id)
    login(client, pm)
    page = client.get(f"/projects/{project.id}/achievements/new")
    assert page.status_code == 200
    response = post(client, f"/projects/{project.id}/achievements/new", {
        "title": "Solid-state electrolyte", "description": "",
        "contributors-0-user_id": str(pm.id), "contributors-0-share_pct": "70",
        "contributors-1-user_id": str(colleague.id), "contributors-1-share_pct": "20",
        "contributors-2-user_id": "0", "contributors-2-name": "Zhou Min",
        "contributors-2-share_pct": "10"})
    assert response.status_code == 302, response.get_data(as_text=True)
    achievement = db.session.scalar(select(Achievement))
    assert achievement.shares_total == Decimal("100")
    response = post(client, f"/achievements/{achievement.id}/rights/new?kind=patent", {
        "patent_type": "utility_model", "title": "Film holder",
        "number": "CN202520000001.X", "jurisdiction": "CN", "status": "filed",
        "filed_on": "2025-06-01", "granted_on": "", "attorney_costs": "3,000"})
    assert response.status_code == 302, response.get_data(as_text=True)
    right = db.session.scalar(select(IpRight))
    assert (right.jurisdiction, right.attorney_costs) == ("CN", Decimal("3000.00"))
    shown = client.get(f"/achievements/{achievement.id}").get_data(as_text=True)
    assert "Zhou Min" in shown and "CN202520000001.X" in shown
    assert ("实用新型" if locale == "zh_CN" else "Utility model") in shown
    project_page = client.get(f"/projects/{project.id}").get_data(as_text=True)
    assert "Solid-state electrolyte" in project_page


def test_a_stale_edit_of_an_achievement_is_refused_with_409(client):
    achievement = make_achievement()
    pm = achievement.project.pm
    login(client, pm)
    page = client.get(f"/achievements/{achievement.id}/edit").get_data(as_text=True)
    seen = _version(page)
    form = {"title": "Renamed", "description": "", "version": seen,
            "contributors-0-user_id": str(pm.id), "contributors-0-share_pct": "50",
            "contributors-1-user_id": "0", "contributors-1-name": "Zhou Min",
            "contributors-1-share_pct": "50"}
    assert post(client, f"/achievements/{achievement.id}/edit", form).status_code == 302
    db.session.refresh(achievement)
    assert [c.share_pct for c in achievement.contributors] == [Decimal("50"), Decimal("50")]
    again = post(client, f"/achievements/{achievement.id}/edit", {**form, "title": "Other"})
    assert again.status_code == 409
    db.session.refresh(achievement)
    assert achievement.title == "Renamed"
    assert _actions("achievements", achievement.id) == ["achievement.create",
                                                        "achievement.update"]


def test_who_reads_and_who_keeps_the_register(app, client):
    achievement = make_achievement()
    right = make_patent(achievement)
    other_pm = make_user(Role.PROJECT_MANAGER, institute_id=make_institute().id)
    login(client, other_pm)
    assert client.get(f"/achievements/{achievement.id}").status_code == 404
    assert client.get(f"/ip-rights/{right.id}").status_code == 404
    assert "Solid-state electrolyte" not in client.get("/achievements/").get_data(as_text=True)
    assert client.get(f"/achievements/{achievement.id}/edit").status_code == 404
    hq = app.test_client()
    login(hq, make_user(Role.HQ_ADMIN))
    assert hq.get(f"/achievements/{achievement.id}/edit").status_code == 200
    assert "Solid-state electrolyte" in hq.get("/achievements/").get_data(as_text=True)


def test_an_annuity_is_listed_then_paid_and_audited(client):
    achievement = make_achievement()
    right = make_patent(achievement)
    login(client, achievement.project.pm)
    response = post(client, f"/ip-rights/{right.id}/annuities",
                    {"year_no": "3", "due_on": "2026-09-01", "fee": "1200"})
    assert response.status_code == 302, response.get_data(as_text=True)
    annuity = right.annuities[0]
    assert post(client, f"/ip-rights/{right.id}/annuities",
                {"year_no": "3", "due_on": "2027-09-01", "fee": "1200"}).status_code == 400
    response = post(client, f"/annuities/{annuity.id}/pay",
                    {"paid_on": "2026-08-20", "amount": "1200.00"})
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.refresh(annuity)
    assert annuity.paid and right.annuities_paid == Decimal("1200.00")
    assert _actions("patent_annuities", annuity.id) == ["annuity.create", "annuity.pay"]
    page = client.get(f"/ip-rights/{right.id}").get_data(as_text=True)
    assert "1,200.00" in page
    history = client.get(f"/history/ip_rights/{right.id}")  # the PM reads the right's history
    assert history.status_code == 200
    lapsed = make_patent(achievement, number="CN2", status=RightStatus.LAPSED)
    assert lapsed.status is RightStatus.LAPSED
