"""What each user chose about event notifications: the channel (per user, and per rule where
they chose another), their robots' webhooks, and at once or a daily digest.

The messages themselves are rows of the one outbox (tracker/reminders/models.py), kind
'event'; the notifications page reads them there.
"""

from __future__ import annotations

from datetime import time

from sqlalchemy import ForeignKey, String, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tracker.crypto import LongEncrypted
from tracker.db import Base, str_enum
from tracker.reminders.models import Channel

DEFAULT_DIGEST_AT = time(8, 0)


class NotificationSettings(Base):
    """A user without a row gets the defaults: e-mail, at once, digests at 08:00 in the
    organisation's zone."""

    __tablename__ = "notification_settings"

    id: Mapped[int] = mapped_column(primary_key=True)  # `flask keys rotate` reads rows by id
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         unique=True)
    channel: Mapped[Channel] = mapped_column(str_enum(Channel, "notification_channel"),
                                             default=Channel.EMAIL)
    # False: each event (or burst of events on one item) as it happens; True: one message a
    # day at `digest_at` in `time_zone`.
    digest: Mapped[bool] = mapped_column(default=False)
    digest_at: Mapped[time] = mapped_column(Time, default=DEFAULT_DIGEST_AT)
    # An IANA zone name; None: the organisation's (ORG_TIMEZONE).
    time_zone: Mapped[str | None] = mapped_column(String(50))
    # Encrypted at rest and never shown back in full (`masked`), nor logged.
    wecom_webhook: Mapped[str | None] = mapped_column(LongEncrypted)
    dingtalk_webhook: Mapped[str | None] = mapped_column(LongEncrypted)
    dingtalk_secret: Mapped[str | None] = mapped_column(LongEncrypted)
    # The user's account ID in the organisation's WeCom (成员账号): where an application
    # message goes (tracker/notifications/wecom_app.py). Not a secret.
    wecom_user: Mapped[str | None] = mapped_column(String(64))


class ChannelChoice(Base):
    """A channel for one rule other than the user's default."""

    __tablename__ = "notification_channels"
    __table_args__ = (UniqueConstraint("user_id", "rule"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    rule: Mapped[str] = mapped_column(String(40))
    channel: Mapped[Channel] = mapped_column(str_enum(Channel, "notification_rule_channel"))
