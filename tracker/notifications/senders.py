"""The ways out of the tracker besides e-mail, one sender per channel (`SENDERS`).

A sender takes the recipient's settings (their robots' addresses, their WeCom account) and the
message as a title and markdown (`tracker.reminders.mail.chat_message`), and answers an
`Outcome` that the delivery records as it records an SMTP server's answer: sent, retried with
its backoff, or failed with the diagnosis shown in the outbox. A new channel is a sender here
and a value of `Channel`; `tracker.reminders.delivery` knows no platform.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from tracker.notifications import webhooks, wecom_app
from tracker.notifications.diagnoses import said
from tracker.notifications.models import NotificationSettings
from tracker.reminders.mail import FAILED, Outcome
from tracker.reminders.models import Channel

Sender = Callable[[NotificationSettings | None, str, str, datetime], Outcome]


def _wecom_robot(choice: NotificationSettings | None, title: str, text: str,
                 now: datetime) -> Outcome:
    url = choice and choice.wecom_webhook
    if not url:
        return Outcome(FAILED, said("no_address"))
    return webhooks.post(url, webhooks.wecom_body(title, text), (url,))


def _dingtalk_robot(choice: NotificationSettings | None, title: str, text: str,
                    now: datetime) -> Outcome:
    url = choice and choice.dingtalk_webhook
    if not url:
        return Outcome(FAILED, said("no_address"))
    secret = choice.dingtalk_secret
    return webhooks.post(webhooks.dingtalk_url(url, secret, now),
                         webhooks.dingtalk_body(title, text), (url, secret or ""))


def _wecom_application(choice: NotificationSettings | None, title: str, text: str,
                       now: datetime) -> Outcome:
    return wecom_app.send(choice and choice.wecom_user, title, text)


SENDERS: dict[Channel, Sender] = {
    Channel.WECOM: _wecom_robot,
    Channel.DINGTALK: _dingtalk_robot,
    Channel.WECOM_APP: _wecom_application,
}
