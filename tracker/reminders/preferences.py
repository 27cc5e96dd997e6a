"""What each user chooses about their reminders: a digest or one message per item, the optional
rules they turn off, and the secret address of their calendar feed."""

from __future__ import annotations

from collections.abc import Collection

from flask_babel import gettext as _
from sqlalchemy import select

from tracker import db
from tracker.accounts.models import User
from tracker.audit import services as audit
from tracker.db import utcnow
from tracker.errors import Invalid
from tracker.reminders.models import ReminderOptOut, ReminderPreference
from tracker.reminders.rules import RULES
from tracker.tokens import new_token, token_hash


def preferences_of(user: User) -> ReminderPreference:
    """The user's row, or an unsaved one with the defaults."""
    return db.session.get(ReminderPreference, user.id) or _defaults(user)


def _defaults(user: User) -> ReminderPreference:
    """What a user with no row has chosen: a digest (and every rule, no opt-out row)."""
    return ReminderPreference(user_id=user.id, per_item=False)


def opted_out_rules(user: User) -> set[str]:
    return set(db.session.scalars(
        select(ReminderOptOut.rule).where(ReminderOptOut.user_id == user.id)))


def save_preferences(actor: User, per_item: bool, opted_out: Collection[str]) -> bool:
    """The actor's own choices: a digest or one message per item, and the optional rules they
    do not want. Rules that may not be turned off are refused. Returns whether anything
    changed: choices saved as they were (the defaults, for a user with no row yet) write
    nothing, not even an audit record."""
    unknown = [name for name in opted_out if name not in RULES]
    mandatory = [name for name in opted_out if name in RULES and not RULES[name].optional]
    if unknown or mandatory:
        raise Invalid("opted_out", _("These reminders cannot be turned off."))
    preference = preferences_of(actor)
    preference.per_item = per_item
    # Read before the opt-outs' query flushes the row (and its history with it): a change of
    # delivery alone was audited nowhere.
    changes = audit.changes_from_defaults(preference, _defaults(actor))
    before = opted_out_rules(actor)
    wanted = set(opted_out)
    for name in wanted - before:
        db.session.add(ReminderOptOut(user_id=actor.id, rule=name))
    if before - wanted:
        for row in db.session.scalars(select(ReminderOptOut).where(
                ReminderOptOut.user_id == actor.id, ReminderOptOut.rule.in_(before - wanted))):
            db.session.delete(row)
    if before != wanted:
        changes["opted_out"] = [sorted(before), sorted(wanted)]
    return audit.choices_saved(actor, "reminder.preferences", preference, changes)


def regenerate_feed_token(actor: User) -> str:
    """A new secret for the actor's calendar URL, returned to be shown once; the old one stops
    working."""
    preference = preferences_of(actor)
    db.session.add(preference)
    token = new_token()
    preference.feed_token_hash = token_hash(token)
    preference.feed_token_created_at = utcnow()
    db.session.flush()
    audit.record(actor, "reminder.feed_token", preference, {"feed_token_hash": ["***", "***"]})
    return token


def revoke_feed_token(actor: User) -> None:
    preference = db.session.get(ReminderPreference, actor.id)
    if preference is None or preference.feed_token_hash is None:
        return
    preference.feed_token_hash = None
    preference.feed_token_created_at = None
    db.session.flush()
    audit.record(actor, "reminder.feed_revoke", preference, {"feed_token_hash": ["***", None]})


def user_for_feed(token: str) -> User | None:
    """The active user whose calendar this secret opens, or None."""
    if not token or len(token) > 64:
        return None
    return db.session.scalar(
        select(User).join(ReminderPreference, ReminderPreference.user_id == User.id)
        .where(ReminderPreference.feed_token_hash == token_hash(token), User.active.is_(True)))
