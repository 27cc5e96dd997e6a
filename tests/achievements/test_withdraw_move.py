"""An achievement or a right recorded against the wrong project, or by mistake (issue 16, F52,
found by a newcomer): moved to the right project (with a reason, audited, refused while deals
tie it to its project), or withdrawn with a reason when nothing depends on it (deals, income,
paid annuities: refused naming them, 409). A withdrawn one leaves the lists, the annual
report's figures and the reminders, and stays in the history."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from tests.achievements.helpers import make_achievement, make_patent, make_transfer
from tests.conftest import login, post
from tests.factories import _commit, make_project, make_user
from tracker import db
from tracker.accounts.models import Role
from tracker.achievements import services
from tracker.achievements.figures import figures
from tracker.audit.models import AuditRecord
from tracker.imports import export
from tracker.projects.lifecycle import Phase
from tracker.reminders import scan


def _patents_filed() -> int:
    (base, count) = next((f[4], f[6]) for f in figures() if f[0] == "patents_filed")
    return db.session.scalar(base.add_columns(count))


def _actions(kind: str, object_id: int) -> list[str]:
    return list(db.session.scalars(select(AuditRecord.action).where(
        AuditRecord.object_type == kind, AuditRecord.object_id == object_id)
        .order_by(AuditRecord.id)))


def test_a_right_recorded_by_mistake_is_withdrawn_and_its_number_is_free(client):
    achievement = make_achievement()
    pm = achievement.project.pm
    right = make_patent(achievement)
    services.add_annuity(pm, right, year_no=4, due_on=date(2027, 3, 1), fee=Decimal("900"))
    _commit()
    filed = _patents_filed()
    login(client, pm)
    assert f"/ip-rights/{right.id}/withdraw" in client.get(
        f"/ip-rights/{right.id}").get_data(as_text=True)
    assert post(client, f"/ip-rights/{right.id}/withdraw", {"reason": ""}).status_code == 400
    response = post(client, f"/ip-rights/{right.id}/withdraw",
                    {"reason": "Typed against the wrong achievement"})
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.refresh(right)
    assert right.is_void and right.number == "CN202410123456.7"
    assert _patents_filed() == filed - 1
    assert scan.scan(date(2026, 12, 31)).found == 0  # its annuity is no longer reminded
    page = client.get(f"/achievements/{achievement.id}").get_data(as_text=True)
    assert f"/ip-rights/{right.id}\"" not in page
    page = client.get(f"/ip-rights/{right.id}").get_data(as_text=True)
    assert "Typed against the wrong achievement" in page and "/edit" not in page
    assert client.get(f"/ip-rights/{right.id}/edit").status_code == 409
    assert _actions("ip_rights", right.id)[-1] == "ip_right.withdraw"
    make_patent(make_achievement(title="The right one"))  # the same number, free again


def test_a_right_with_an_annuity_paid_is_not_withdrawn(client):
    achievement = make_achievement()
    pm = achievement.project.pm
    right = make_patent(achievement)
    annuity = services.add_annuity(pm, right, year_no=4, due_on=date(2027, 3, 1),
                                   fee=Decimal("900"))
    services.pay_annuity(pm, annuity, paid_on=date(2026, 11, 2), amount=Decimal("900"))
    _commit()
    login(client, pm)
    assert "/withdraw" not in client.get(f"/ip-rights/{right.id}").get_data(as_text=True)
    refused = client.get(f"/ip-rights/{right.id}/withdraw")
    assert refused.status_code == 409
    assert "year 4" in refused.get_data(as_text=True)
    refused = post(client, f"/achievements/{achievement.id}/withdraw", {"reason": "Mistake"})
    assert refused.status_code == 409 and "year 4" in refused.get_data(as_text=True)


def test_an_achievement_recorded_by_mistake_is_withdrawn_with_its_rights(client):
    achievement = make_achievement()
    pm = achievement.project.pm
    right = make_patent(achievement)
    _commit()
    filed = _patents_filed()
    login(client, pm)
    assert f"/achievements/{achievement.id}/withdraw" in client.get(
        f"/achievements/{achievement.id}").get_data(as_text=True)
    response = post(client, f"/achievements/{achievement.id}/withdraw",
                    {"reason": "Recorded twice"})
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.refresh(achievement)
    db.session.refresh(right)
    assert achievement.is_void and right.is_void
    assert _patents_filed() == filed - 1
    assert achievement.title not in client.get("/achievements/").get_data(as_text=True)
    project_page = client.get(f"/projects/{achievement.project_id}").get_data(as_text=True)
    assert f"/achievements/{achievement.id}\"" not in project_page
    page = client.get(f"/achievements/{achievement.id}").get_data(as_text=True)
    assert "Recorded twice" in page and "/edit" not in page  # still there, in its history
    assert _actions("achievements", achievement.id)[-1] == "achievement.withdraw"
    assert client.get(f"/achievements/{achievement.id}/edit").status_code == 409
    # Nor is it licensed, nor exported to be brought back in.
    assert not any(row[1] == achievement.title for row in export.rows("achievements"))
    post(client, "/logout")
    login(client, make_user(Role.HQ_ADMIN))
    assert f"/achievements/{achievement.id}/transfers/new" not in client.get(
        f"/achievements/{achievement.id}").get_data(as_text=True)
    refused = client.get(f"/achievements/{achievement.id}/transfers/new")
    assert refused.status_code == 409 and "was withdrawn" in refused.get_data(as_text=True)


def test_an_achievement_with_a_deal_is_neither_withdrawn_nor_moved(client):
    achievement = make_achievement()
    make_transfer(achievement)
    login(client, achievement.project.pm)
    page = client.get(f"/achievements/{achievement.id}").get_data(as_text=True)
    assert "/withdraw" not in page and "/move" not in page
    for path in ("withdraw", "move"):
        refused = client.get(f"/achievements/{achievement.id}/{path}")
        assert refused.status_code == 409
        assert "Exclusive licence" in refused.get_data(as_text=True)


def test_an_achievement_recorded_against_the_wrong_project_is_moved_with_its_rights(client):
    achievement = make_achievement()
    right = make_patent(achievement)
    source = achievement.project
    admin = make_user(Role.HQ_ADMIN)
    target = make_project(phase=Phase.CONTRACT_RESEARCH)
    draft = make_project(phase=Phase.DRAFT)
    _commit()
    login(client, source.pm)  # the PM of the source does not keep the target's register
    response = post(client, f"/achievements/{achievement.id}/move",
                    {"project": target.code, "reason": "Wrong project"})
    assert response.status_code == 400
    assert "project manager and HQ admins" in response.get_data(as_text=True)
    post(client, "/logout")
    login(client, admin)
    for code, said in (("NOPE-1", "No project has the code"),
                       (source.code, "recorded for"), (draft.code or "", "")):
        response = post(client, f"/achievements/{achievement.id}/move",
                        {"project": code, "reason": "Wrong project"})
        assert response.status_code == 400 and said in response.get_data(as_text=True)
    response = post(client, f"/achievements/{achievement.id}/move",
                    {"project": target.code, "reason": "Recorded under the sister project"})
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.refresh(achievement)
    assert achievement.project_id == target.id and right.achievement.project_id == target.id
    record = db.session.scalar(select(AuditRecord).where(
        AuditRecord.object_type == "achievements", AuditRecord.object_id == achievement.id)
        .order_by(AuditRecord.id.desc()))
    assert record.action == "achievement.move"
    assert record.changes["reason"] == [None, "Recorded under the sister project"]
    assert target.title in record.changes["project"][1]
