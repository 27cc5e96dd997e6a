"""The words of the audit trail for each user's notification choices (tracker/notifications).
`tracker.display.words` merges them into its tables."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ACTIONS = {
    "notification.settings": _l("Notification choices changed"),
}

OBJECTS = {
    "notification_settings": _l("Notification choices"),
    "notification_channels": _l("Channel of a kind of event"),
}

FIELDS = {
    "channel": _l("Channel"),
    "digest": _l("Daily digest"),
    "digest_at": _l("Daily digest at"),
    "time_zone": _l("Time zone"),
    "wecom_webhook": _l("WeCom robot address"),
    "dingtalk_webhook": _l("DingTalk robot address"),
    "dingtalk_secret": _l("DingTalk signing secret"),
    "wecom_user": _l("WeCom account ID"),
    "read_at": _l("Read at"),
    "rule_channels": _l("Channels of kinds of events"),
}
