"""The reminder outbox and what each user chose about their reminders.

The outbox is the memory of the reminders: a row per occurrence of a rule's ladder for one
recipient, unique on (rule, item, occurrence, recipient), so a scan run twice, or by two
processes at once, writes each occurrence once. Sending changes the row's state; nothing else
remembers what was sent.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db import Base, JSONText, UTCDateTime, str_enum, utcnow
from tracker.display.bilingual import in_reader_language

if TYPE_CHECKING:
    from tracker.accounts.models import User


class MessageState(enum.StrEnum):
    PENDING = "pending"  # waits for its next attempt
    # Claimed by a sender, whose answer is not recorded yet; `next_attempt_at` is when the
    # claim ends: a sender that died (at most one message in hand) is replaced from then.
    SENDING = "sending"
    SENT = "sent"  # the SMTP server accepted it
    FAILED = "failed"  # refused for good (5xx), or out of attempts: an HQ admin may retry it
    CANCELLED = "cancelled"  # the work was done (or the deadline moved) before it went out


MESSAGE_STATE_LABELS = {
    MessageState.PENDING: _l("Pending"),
    MessageState.SENDING: _l("Being sent"),
    MessageState.SENT: _l("Sent"),
    MessageState.FAILED: _l("Failed"),
    MessageState.CANCELLED: _l("Cancelled: the work was done"),
}


class Audience(enum.StrEnum):
    """Who a step of a ladder goes to; the escalation climbs from the first to HQ."""

    OWNER = "owner"  # whoever the work waits on: the PM, the evaluator, the condition's owner
    DIRECTOR = "director"  # the director of the project's institute
    CHAIR = "chair"  # the chair of the review panel
    HQ = "hq"  # every active HQ admin
    COMMITTEE = "committee"  # every active member of the investment committee


# The rung a step to this audience is, as the outbox names it ("Escalation to HQ admins: 14 days
# after the deadline"), the words of the ladders' settings; never the audience alone, which read
# "HQ admins: 14 days after the deadline" beside the director's escalation (issue 9 point 10).
AUDIENCE_LABELS = {
    Audience.OWNER: _l("First reminder"),
    Audience.DIRECTOR: _l("Escalation to the institute director"),
    Audience.CHAIR: _l("Escalation to the panel chair"),
    Audience.HQ: _l("Escalation to HQ admins"),
    Audience.COMMITTEE: _l("Escalation to the investment committee"),
}


class MessageKind(enum.StrEnum):
    REMINDER = "reminder"  # a rung of a deadline's ladder (tracker/reminders/rules.py)
    EVENT = "event"  # something that happened (tracker/notifications/events.py)


MESSAGE_KIND_LABELS = {
    MessageKind.REMINDER: _l("Reminder"),
    MessageKind.EVENT: _l("Event"),
}


class Channel(enum.StrEnum):
    """How a message reaches its recipient. Every event is also on the notifications page;
    IN_APP alone means nothing goes out."""

    EMAIL = "email"
    WECOM = "wecom"  # a WeCom (企业微信) group robot's webhook
    DINGTALK = "dingtalk"  # a DingTalk robot's webhook, signed with its secret
    WECOM_APP = "wecom_app"  # a WeCom application message to the user's own WeCom account
    IN_APP = "in_app"


CHANNEL_LABELS = {
    Channel.EMAIL: _l("E-mail"),
    Channel.WECOM: _l("WeCom robot"),
    Channel.DINGTALK: _l("DingTalk robot"),
    Channel.WECOM_APP: _l("WeCom application message"),
    Channel.IN_APP: _l("In the tracker only"),
}


UNSENT = text("state = 'pending'")
# The bell's count: a recipient's events not yet read, a small index however long the history.
UNREAD = text("kind = 'event' AND read_at IS NULL")


class OutboxMessage(Base):
    __tablename__ = "reminder_outbox"
    __table_args__ = (
        UniqueConstraint("rule", "item_id", "occurrence", "recipient_id"),
        # The sender reads only what is still to send: a small index however long the history.
        Index("ix_reminder_outbox_unsent", "next_attempt_at", "recipient_id",
              sqlite_where=UNSENT, postgresql_where=UNSENT),
        Index("ix_reminder_outbox_state_id", "state", "id"),
        Index("ix_reminder_outbox_unread", "recipient_id",
              sqlite_where=UNREAD, postgresql_where=UNREAD),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    rule: Mapped[str] = mapped_column(String(40))
    item_id: Mapped[int] = mapped_column(Integer)
    # Which rung of the ladder, for which deadline: "2026-05-15-14d", "2026-05-15+8d",
    # "2026-05-20+5bd". A moved deadline gives new occurrences; a repeated scan the same ones.
    occurrence: Mapped[str] = mapped_column(String(40))
    # No foreign keys on the recipient and the project (migration 0032): PostgreSQL checks
    # them row by row, half the time of a scan's insert of 60,000 reminders. The scan takes
    # both from rows it reads in the same transaction; users are deactivated, never deleted,
    # and a withdrawn draft's reminders are deleted with it.
    recipient_id: Mapped[int] = mapped_column(Integer, index=True)
    audience: Mapped[Audience] = mapped_column(str_enum(Audience, "reminder_audience"))
    deadline: Mapped[date]
    # The date the rung is for (the scan that wrote it may have run later).
    fire_on: Mapped[date]
    project_id: Mapped[int | None] = mapped_column(Integer)
    # What the message says about the item, as the scan found it: title, project, amount, link.
    details: Mapped[dict[str, Any]] = mapped_column(JSONText, default=dict)
    locale: Mapped[str] = mapped_column(String(10))
    state: Mapped[MessageState] = mapped_column(
        str_enum(MessageState, "reminder_state"), default=MessageState.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The SMTP server's answer to the last failed attempt, as it gave it.
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Derived from the unique key, so a message sent again is recognisably the same one.
    message_id: Mapped[str] = mapped_column(String(250))
    kind: Mapped[MessageKind] = mapped_column(
        str_enum(MessageKind, "outbox_kind"), default=MessageKind.REMINDER,
        server_default=MessageKind.REMINDER.value)
    # Chosen when the row is written (the recipient's choice for its rule); reminders go by
    # e-mail.
    channel: Mapped[Channel] = mapped_column(
        str_enum(Channel, "outbox_channel"), default=Channel.EMAIL,
        server_default=Channel.EMAIL.value)
    # When the recipient read it on the notifications page (events only).
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    recipient: Mapped[User] = relationship(
        primaryjoin="foreign(OutboxMessage.recipient_id) == User.id")

    @property
    def title(self) -> str:
        """The item's title in the reader's language (an e-mail's: its recipient's): reference
        data such as a gate review's name is kept in both (`title`, `title_en`)."""
        return in_reader_language(self.details.get("title", ""), self.details.get("title_en"))

    @property
    def is_event(self) -> bool:
        return self.kind is MessageKind.EVENT

    @property
    def offset(self) -> int:
        """The rung's offset from the deadline, read from the occurrence ("-14", "+8")."""
        return int(self.occurrence[10:].rstrip("bd"))

    @property
    def in_business_days(self) -> bool:
        return self.occurrence.endswith("bd")

    def can_open(self, user: User) -> bool:
        """A notice in the inbox is its recipient's alone to open (and mark read); a message
        that is no event's notice is not opened there."""
        return self.recipient_id == user.id and self.is_event

    @staticmethod
    def can_retry(user: User) -> bool:
        """HQ admins send a message again (a failed or cancelled one: `retries.refusal`), one
        or every failed one at once."""
        return user.is_hq_admin


class ReminderPreference(Base):
    """A user's choices; a user without a row gets the defaults (a digest, every reminder)."""

    __tablename__ = "reminder_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True)
    # False: one message per recipient per run listing every item (the default).
    per_item: Mapped[bool] = mapped_column(default=False)
    # SHA-256 of the secret in the user's calendar-feed URL (tracker.tokens), which is shown once
    # when made and never stored; None: no feed (never made, or revoked).
    feed_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    feed_token_created_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    @property
    def id(self) -> int:  # the audit trail names objects by id
        return self.user_id


class ReminderOptOut(Base):
    """A user does not want the first rungs of one optional rule (escalations still come)."""

    __tablename__ = "reminder_opt_outs"
    __table_args__ = (UniqueConstraint("user_id", "rule"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    rule: Mapped[str] = mapped_column(String(40))
