"""WeCom application messages (企业微信应用消息), against a fake WeCom server on 127.0.0.1
(tests/notifications/wecom_api.py) reached over real HTTP: the token fetched with the
organisation's id and secret and kept, fetched again when WeCom says it expired, the markdown
message to the member's account as the application; rate limits retried, a wrong secret or an
unknown account failed with WeCom's answer in the outbox, in the reader's language, never the
secret or the token. Deadline reminders go the same way as the events for users who chose it."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from tests.conftest import login, post
from tests.factories import _commit, make_user
from tests.notifications import wecom_api
from tests.notifications.test_robots import later, returned_milestone, the_message
from tests.reminders import helpers
from tests.reminders.conftest import at
from tracker import db
from tracker.accounts.models import Role
from tracker.notifications import wecom_app
from tracker.notifications.models import NotificationSettings
from tracker.reminders import delivery, scan
from tracker.reminders.models import Channel, MessageState, OutboxMessage


@pytest.fixture
def wecom(app):
    fake = wecom_api.WeCom()
    server = wecom_api.start(fake)
    saved = {name: app.config[name] for name in fake.config()}
    app.config.update(fake.config())
    wecom_app.forget_tokens()
    try:
        yield fake
    finally:
        server.shutdown()
        server.server_close()
        app.config.update(saved)
        wecom_app.forget_tokens()


def member(account: str | None = "LiQiang", locale: str = "en",
           channel: Channel = Channel.WECOM_APP):
    pm = make_user(Role.PROJECT_MANAGER, locale=locale, name="Li Qiang")
    db.session.add(NotificationSettings(user_id=pm.id, channel=channel, wecom_user=account))
    _commit()
    return pm


def test_an_event_reaches_the_members_wecom_as_the_application(wecom, caplog):
    pm = member()
    milestone = returned_milestone(pm)
    result = delivery.send_all(later(), commit=db.session.commit)
    assert result.sent == 1 and the_message().state is MessageState.SENT
    [body] = wecom.delivered
    assert body["touser"] == "LiQiang" and body["agentid"] == int(wecom_api.AGENT_ID)
    content = body["markdown"]["content"]
    assert "returned for rework: Add the test report" in content
    assert f"(http://127.0.0.1:5000/milestones/{milestone.id})" in content
    assert wecom.token_requests == 1
    # A second message uses the token kept: WeCom limits how often one may be fetched.
    returned_milestone(pm)
    assert delivery.send_all(later(), commit=db.session.commit).sent == 1
    assert len(wecom.delivered) == 2 and wecom.token_requests == 1
    assert wecom_api.SECRET not in caplog.text and wecom.tokens[0] not in caplog.text


def test_an_expired_token_is_fetched_again_and_the_message_sent_once(wecom):
    pm = member()
    returned_milestone(pm)
    assert wecom_app.send("LiQiang", "warm-up", "A first message").result == "sent"
    wecom.expired.add(wecom.tokens[0])  # WeCom ended the kept token early (42001)
    result = delivery.send_all(later(), commit=db.session.commit)
    assert result.sent == 1 and result.failed == result.retrying == 0
    assert wecom.token_requests == 2
    assert [b["markdown"]["content"] for b in wecom.delivered][0] == "A first message"
    assert len(wecom.delivered) == 2 and len(wecom.received) == 3  # refused once, sent once


def test_a_rate_limit_is_retried_and_the_message_arrives_once(wecom):
    pm = member(locale="zh_CN")
    returned_milestone(pm)
    wecom.answers = [{"errcode": 45009, "errmsg": "api freq out of limit"}]
    result = delivery.send_all(later(), commit=db.session.commit)
    assert result.retrying == 1
    message = the_message()
    assert message.state is MessageState.PENDING
    assert message.last_error == "[busy] errcode 45009: api freq out of limit"
    assert delivery.send_all(later(8), commit=db.session.commit).sent == 1
    [body] = wecom.delivered
    assert "被退回修改：Add the test report" in body["markdown"]["content"]


def test_a_wrong_secret_fails_with_wecoms_answer_in_the_readers_language(client, app, wecom):
    app.config["WECOM_SECRET"] = "wrong-" + wecom_api.SECRET
    pm = member()
    returned_milestone(pm)
    result = delivery.send_all(later(), commit=db.session.commit)
    assert result.failed == 1 and wecom.delivered == []
    assert the_message().last_error == "[token] errcode 40001: invalid credential"
    login(client, make_user(Role.HQ_ADMIN, locale="en"))
    page = client.get("/admin/reminders/?state=failed").get_data(as_text=True)
    assert "WeCom refused the application&#39;s credentials: errcode 40001" in page
    assert "WeCom application message" in page and wecom_api.SECRET not in page
    post(client, "/language", {"locale": "zh_CN"})
    page = client.get("/admin/reminders/?state=failed").get_data(as_text=True)
    assert "企业微信拒绝了应用的凭据：errcode 40001: invalid credential" in page


@pytest.mark.parametrize(("account", "said"), [
    ("NoSuchMember", "[unknown_user] errcode 81013: user & party & tag all invalid"),
    (None, "[no_wecom_user]")])
def test_a_member_wecom_does_not_know_fails_for_good(wecom, account, said):
    pm = member(account=account)
    returned_milestone(pm)
    result = delivery.send_all(later(), commit=db.session.commit)
    assert result.failed == 1 and wecom.delivered == []
    message = the_message()
    assert message.state is MessageState.FAILED and message.last_error == said


def test_without_the_servers_settings_the_channel_is_neither_offered_nor_sent(client, app):
    assert not app.config["WECOM_CORP_ID"]
    pm = member()
    returned_milestone(pm)
    assert delivery.send_all(later(), commit=db.session.commit).failed == 1
    assert the_message().last_error == "[app_unset]"
    login(client, pm)
    page = client.get("/notifications/settings").get_data(as_text=True)
    assert 'value="wecom_app"' not in page and 'name="wecom_user"' not in page


def test_choosing_application_messages_asks_for_the_wecom_account(client, wecom):
    user = make_user(Role.PROJECT_MANAGER, locale="en")
    login(client, user)
    page = client.get("/notifications/settings").get_data(as_text=True)
    assert 'value="wecom_app"' in page and 'name="wecom_user"' in page
    form = {"channel": "wecom_app", "delivery": "now", "wecom_user": ""}
    refused = post(client, "/notifications/settings", form)
    assert refused.status_code == 400
    assert "Give your WeCom account ID" in refused.get_data(as_text=True)
    assert post(client, "/notifications/settings",
                {**form, "wecom_user": " LiQiang "}).status_code == 302
    saved = db.session.scalars(select(NotificationSettings).where(
        NotificationSettings.user_id == user.id)).one()
    assert (saved.channel, saved.wecom_user) == (Channel.WECOM_APP, "LiQiang")


DAY = date(2026, 5, 12)  # three days before the milestone below is due


def test_a_deadline_reminder_goes_by_the_channel_the_user_chose(wecom):
    by_app = member()
    by_mail = make_user(Role.PROJECT_MANAGER, locale="en", name="Wang Fang")
    in_app = member(account=None, channel=Channel.IN_APP)
    for pm in (by_app, by_mail, in_app):
        helpers.milestone(helpers.project_for(pm), date(2026, 5, 15))
    scan.scan(DAY)
    db.session.commit()
    channels = dict(db.session.execute(select(OutboxMessage.recipient_id,
                                              OutboxMessage.channel)).tuples().all())
    # The tracker only is for events: a deadline still comes by e-mail.
    assert channels == {by_app.id: Channel.WECOM_APP, by_mail.id: Channel.EMAIL,
                        in_app.id: Channel.EMAIL}
    result = delivery.send_all(at(DAY), commit=db.session.commit)
    assert result.sent == 1  # no mail server here: the two e-mails wait in the outbox
    [body] = wecom.delivered
    assert body["touser"] == "LiQiang" and "Prototype" in body["markdown"]["content"]
