"""WeCom and DingTalk robots, against a fake robot on 127.0.0.1 that checks what the platform
checks: the markdown message with a link, DingTalk's signature; it answers rate limits and
errors as the platforms do. Retries and failures show in the outbox as SMTP's do; no address
or secret is shown or logged."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.conftest import login, post
from tests.factories import _commit, make_institute, make_project, make_user
from tests.notifications import robots
from tracker import db
from tracker.accounts.models import Role
from tracker.db import utcnow
from tracker.milestones import services as milestones
from tracker.milestones.models import Milestone, MilestoneState
from tracker.notifications.models import NotificationSettings
from tracker.projects.lifecycle import Phase
from tracker.reminders import delivery
from tracker.reminders.models import Channel, MessageState, OutboxMessage


@pytest.fixture
def robot(app):
    saved = app.config["WEBHOOK_HOSTS"]
    app.config["WEBHOOK_HOSTS"] = [*saved, "127.0.0.1"]
    fake = robots.Robot()
    server = robots.start(fake)
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        app.config["WEBHOOK_HOSTS"] = saved


def pm_on(channel: Channel, robot: robots.Robot, locale: str = "en", secret=None):
    pm = make_user(Role.PROJECT_MANAGER, locale=locale, name="Li Qiang")
    db.session.add(NotificationSettings(
        user_id=pm.id, channel=channel, wecom_webhook=robot.wecom_url,
        dingtalk_webhook=robot.dingtalk_url, dingtalk_secret=secret or robots.DINGTALK_SECRET))
    _commit()
    return pm


def returned_milestone(pm) -> Milestone:
    """The PM's milestone returned by its reviewer: one event for the PM."""
    project = make_project(pm=pm, institute=make_institute(), phase=Phase.CONTRACT_RESEARCH,
                           title="Turbine blades")
    reviewer = make_user(Role.EVALUATOR)
    milestone = Milestone(project_id=project.id, phase=Phase.CONTRACT_RESEARCH, title="Prototype",
                          due_date=project.start_date + timedelta(days=200),
                          state=MilestoneState.SUBMITTED, reviewer_id=reviewer.id)
    db.session.add(milestone)
    _commit()
    milestones.review_milestone(reviewer, milestone, False, "Add the test report")
    _commit()
    return milestone


def the_message() -> OutboxMessage:
    db.session.expire_all()
    return db.session.scalars(select(OutboxMessage)).one()


def later(minutes: int = 6):
    return utcnow() + timedelta(minutes=minutes)


def test_wecom_429_then_200_gets_the_message_once(robot, caplog):
    caplog.set_level(logging.DEBUG)
    pm = pm_on(Channel.WECOM, robot)
    milestone = returned_milestone(pm)
    robot.answers = [(429, None)]
    first = later()
    result = delivery.send_all(first, commit=db.session.commit)
    assert (result.sent, result.retrying) == (0, 1)
    message = the_message()
    assert message.state is MessageState.PENDING and message.attempts == 1
    assert message.last_error == "[http] HTTP 429 Too Many Requests"
    assert message.next_attempt_at == first + timedelta(minutes=1)

    assert delivery.send_all(first + timedelta(seconds=30), commit=db.session.commit).sent == 0
    result = delivery.send_all(first + timedelta(minutes=1), commit=db.session.commit)
    assert result.sent == 1 and the_message().state is MessageState.SENT
    assert delivery.send_all(first + timedelta(hours=1), commit=db.session.commit).sent == 0
    assert [r.answered for r in robot.received] == [429, 200]
    [accepted] = robot.accepted()
    content = accepted.body["markdown"]["content"]
    assert "returned for rework: Add the test report" in content
    assert f"(http://127.0.0.1:5000/milestones/{milestone.id})" in content  # a markdown link
    assert robots.WECOM_KEY not in caplog.text


def test_wecoms_own_rate_limit_code_is_retried(robot):
    pm = pm_on(Channel.WECOM, robot, locale="zh_CN")
    returned_milestone(pm)
    robot.answers = [(200, {"errcode": 45009, "errmsg": "api freq out of limit"})]
    result = delivery.send_all(later(), commit=db.session.commit)
    assert result.retrying == 1
    assert the_message().last_error == "[busy] errcode 45009: api freq out of limit"
    delivery.send_all(later(8), commit=db.session.commit)
    [accepted] = robot.accepted()
    assert "被退回修改：Add the test report" in accepted.body["markdown"]["content"]


def test_dingtalk_signature_is_verified_by_the_robot(robot):
    pm = pm_on(Channel.DINGTALK, robot)
    returned_milestone(pm)
    result = delivery.send_all(later(), commit=db.session.commit)
    assert result.sent == 1
    [accepted] = robot.accepted()
    assert accepted.platform == "dingtalk"
    assert set(accepted.query) == {"access_token", "timestamp", "sign"}
    markdown = accepted.body["markdown"]
    assert "returned for rework" in markdown["title"] and "](http://" in markdown["text"]


def test_a_wrong_dingtalk_secret_fails_for_good_as_the_robot_says(client, robot):
    pm = pm_on(Channel.DINGTALK, robot, secret="SECwrong" + "0" * 50)
    returned_milestone(pm)
    result = delivery.send_all(later(), commit=db.session.commit)
    assert (result.sent, result.failed) == (0, 1)
    message = the_message()
    assert message.state is MessageState.FAILED
    assert message.last_error == "[refused] errcode 310000: sign not match"
    # Shown in the outbox as an SMTP failure is, and never the address.
    login(client, make_user(Role.HQ_ADMIN))
    page = client.get("/admin/reminders/?state=failed").get_data(as_text=True)
    assert "The platform refused the message: errcode 310000: sign not match" in page
    assert "DingTalk robot" in page
    assert robots.DINGTALK_TOKEN not in page and "SECwrong" not in page
    # In the reader's language: the sentence translated, the platform's words as they came.
    post(client, "/language", {"locale": "zh_CN"})
    page = client.get("/admin/reminders/?state=failed").get_data(as_text=True)
    assert "平台拒收了这条消息：errcode 310000: sign not match" in page
    assert "The platform refused" not in page


def test_a_redirect_is_not_followed(robot):
    pm = pm_on(Channel.WECOM, robot)
    returned_milestone(pm)
    robot.answers = [(302, None)]
    result = delivery.send_all(later(), commit=db.session.commit)
    assert result.failed == 1 and the_message().last_error == "[http] HTTP 302 Found"
    assert len(robot.received) == 1


def test_a_robot_that_cannot_be_reached_is_retried_without_its_address(robot, app):
    pm = pm_on(Channel.WECOM, robot)
    settings = db.session.scalars(select(NotificationSettings)).one()
    settings.wecom_webhook = f"http://127.0.0.1:9/cgi-bin/webhook/send?key={robots.WECOM_KEY}"
    _commit()
    returned_milestone(pm)
    result = delivery.send_all(later(), commit=db.session.commit)
    assert result.retrying == 1
    error = the_message().last_error
    assert error.startswith("[unreachable] URLError") and robots.WECOM_KEY not in error
