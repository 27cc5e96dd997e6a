"""The demo shows needs from intake to contract: XCMG's contact signs in with the demo
password to XCMG's needs alone, HQ sees the times and the match decision, and the need the
contact submitted six weeks ago reminds HQ through a real scan."""

from __future__ import annotations

from sqlalchemy import select

from tests.conftest import post
from tracker import db
from tracker.dates import today
from tracker.demo import DEMO_PASSWORD
from tracker.needs.demo import CONTACT_EMAIL, MATCHED_TITLE
from tracker.organisations.models import TechnologyNeed
from tracker.reminders import scan
from tracker.reminders.models import OutboxMessage


def test_the_demo_contact_sees_xcmgs_needs_alone(app):
    assert app.test_cli_runner().invoke(args=["demo", "seed"]).exit_code == 0
    client = app.test_client()
    signed_in = post(client, "/login", {"email": CONTACT_EMAIL, "password": DEMO_PASSWORD})
    assert signed_in.status_code == 302
    page = client.get("/needs/").get_data(as_text=True)
    assert "履带底盘焊缝视觉检测" in page and MATCHED_TITLE in page
    assert "抗肿瘤小分子药物连续流合成工艺" not in page  # Hengrui's
    matched = db.session.scalar(select(TechnologyNeed).where(
        TechnologyNeed.title == MATCHED_TITLE))
    need_page = client.get(f"/needs/{matched.id}").get_data(as_text=True)
    assert "已为徐工做过电液控制样机" not in need_page  # HQ's deliberation
    assert client.get("/projects/").status_code == 403

    scan.scan(today())
    stale = db.session.scalars(select(TechnologyNeed.title).join(
        OutboxMessage, OutboxMessage.item_id == TechnologyNeed.id).where(
        OutboxMessage.rule == "need_stale")).all()
    assert "履带底盘焊缝视觉检测" in stale
