"""Each user's choice of channel, per rule: in the tracker only writes nothing to send; a
robot needs its address, on a platform's host; addresses and secrets are never shown back."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from tests.conftest import login, post
from tests.factories import install_gates, make_institute, make_project, make_user
from tests.gates import helpers as gate_steps
from tracker import db
from tracker.accounts.models import Role
from tracker.audit.models import AuditRecord
from tracker.notifications.models import NotificationSettings
from tracker.reminders.models import Channel, MessageState, OutboxMessage

WECOM = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"


@pytest.fixture(autouse=True)
def _gates():
    install_gates()


def form(**values) -> dict:
    data = {"channel": "email", "delivery": "now", "digest_at": "08:00", "time_zone": ""}
    data.update(values)
    return data


def test_in_the_tracker_only_sends_nothing_and_another_rule_may_go_elsewhere(client):
    pm = make_user(Role.PROJECT_MANAGER)
    login(client, pm)
    answer = post(client, "/notifications/settings",
                  form(channel="in_app", rule_decision_recorded="email"))
    assert answer.status_code == 302, answer.get_data(as_text=True)
    project = make_project(pm=pm, institute=make_institute())
    gate_steps.go(gate_steps.submit(project))
    rows = {m.rule: m for m in db.session.scalars(select(OutboxMessage).where(
        OutboxMessage.recipient_id == pm.id))}
    assert rows["panel_named"].channel is Channel.IN_APP
    assert rows["panel_named"].state is MessageState.SENT  # nothing to send: it is the bell's
    assert rows["decision_recorded"].channel is Channel.EMAIL
    assert rows["decision_recorded"].state is MessageState.PENDING


def test_a_robot_needs_its_address_on_the_platforms_host(client):
    login(client, make_user())
    answer = post(client, "/notifications/settings", form(channel="wecom"))
    assert answer.status_code == 400
    assert "企业微信机器人的地址" in answer.get_data(as_text=True) or \
        "WeCom robot&#39;s address" in answer.get_data(as_text=True)
    answer = post(client, "/notifications/settings",
                  form(channel="wecom", wecom_webhook="https://evil.example/hook?key=1"))
    assert answer.status_code == 400
    assert "qyapi.weixin.qq.com" in answer.get_data(as_text=True)


def test_the_address_is_kept_encrypted_shown_masked_and_never_audited(client, app):
    user = make_user()
    login(client, user)
    answer = post(client, "/notifications/settings", form(channel="wecom", wecom_webhook=WECOM))
    assert answer.status_code == 302
    page = client.get("/notifications/settings").get_data(as_text=True)
    assert "qyapi.weixin.qq.com/…5aaa" in page
    assert "693a91f6" not in page
    stored = db.session.execute(text("SELECT wecom_webhook FROM notification_settings")).scalar()
    assert "693a91f6" not in stored  # encrypted at rest
    record = db.session.scalars(select(AuditRecord).where(
        AuditRecord.action == "notification.settings")).one()
    assert record.changes["wecom_webhook"] == ["***", "***"]
    # Saved again without the address: the one saved stays.
    post(client, "/notifications/settings", form(channel="wecom", delivery="digest"))
    db.session.expire_all()
    assert db.session.scalars(select(NotificationSettings)).one().wecom_webhook == WECOM


def test_settings_sent_as_they_were_say_no_change_and_write_no_record(client):
    """The defaults sent by a user with no row yet, then the saved choices sent again: "No
    change." and no audit record; a real change says "Saved." and writes one."""
    login(client, make_user())

    def records() -> int:
        return len(db.session.scalars(select(AuditRecord).where(
            AuditRecord.action == "notification.settings")).all())

    answer = post(client, "/notifications/settings", form(), follow_redirects=True)
    assert "No change." in answer.get_data(as_text=True) and records() == 0
    answer = post(client, "/notifications/settings", form(delivery="digest"),
                  follow_redirects=True)
    assert "Saved." in answer.get_data(as_text=True) and records() == 1
    answer = post(client, "/notifications/settings", form(delivery="digest"),
                  follow_redirects=True)
    page = answer.get_data(as_text=True)
    assert "No change." in page and "Saved." not in page and records() == 1
    answer = post(client, "/notifications/settings",
                  form(delivery="digest", rule_decision_recorded="in_app"),
                  follow_redirects=True)
    assert "Saved." in answer.get_data(as_text=True) and records() == 2
