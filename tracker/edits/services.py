"""Two rules of every form that saves, kept in one place and applied by
`tracker.web.actions.submit`:

- a save made on a stale copy is refused (`Stale`, a 409) with what changed meanwhile, read
  from the audit trail, so the user can compare it with their own input, still in the form;
- a form sent twice (Back and resubmit, a double click) saves once: its one-time token is
  claimed in the same transaction as the save, and a second sending finds it claimed.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tracker import db
from tracker.accounts.models import User
from tracker.audit.models import AuditRecord
from tracker.db import utcnow
from tracker.edits.models import FormToken
from tracker.errors import Refused


class Stale(Refused):
    """The record changed after the user's copy was loaded; `changes` says how, `yours` that
    the user made them all (in another tab or window)."""

    def __init__(self, message: str, changes: list[AuditRecord], yours: bool = False) -> None:
        super().__init__(message)
        self.changes = changes
        self.yours = yours


def changes_since(record: Any, since: datetime | None) -> list[AuditRecord]:
    """The audit records of `record` written after `since` (all of them without it), oldest
    first: what the user's stale copy does not show."""
    query = (select(AuditRecord)
             .where(AuditRecord.object_type == record.__tablename__)
             .order_by(AuditRecord.id))
    if record.id is not None:  # None: a page of many records of one kind (the settings)
        query = query.where(AuditRecord.object_id == record.id)
    if since is not None:
        query = query.where(AuditRecord.at > since)
    return list(db.session.scalars(query.limit(20)))


def stale(actor: User, record: Any, since: datetime | None) -> Stale:
    """The refusal of `actor`'s save on a stale copy of `record`: when every change made since
    is their own (a second tab or window), it says so rather than blaming someone else."""
    changes = changes_since(record, since)
    if changes and all(change.actor_id == actor.id for change in changes):
        return Stale(_("You saved this in another tab or window after this page was opened; "
                       "nothing more was saved. What you saved there is listed below and this "
                       "page's input is still in the form: check it and save again to replace "
                       "what you saved there."), changes, yours=True)
    return Stale(_("Someone else saved this after you opened it; nothing of yours was saved. "
                   "Their changes are listed below and your input is still in the form: "
                   "check it and save again to replace theirs."), changes)


def check_version(actor: User, record: Any, seen: int | None, since: datetime | None) -> None:
    """Refuse `actor`'s save made on a copy of `record` loaded at version `seen`, if it has
    moved."""
    if seen is not None and record.version != seen:
        raise stale(actor, record, since)


def claim_token(actor: User, token: str) -> FormToken | None:
    """Claim the one-time `token` for this save. Returns None when it is new; when it was
    claimed before (the same form sent again), that claim, with the page of what it created.

    The claim is an INSERT on the token's primary key: of two sendings at once, the second
    waits for the first to commit and then finds the key taken.
    """
    try:
        with db.session.begin_nested():
            db.session.add(FormToken(token=token, user_id=actor.id))
    except IntegrityError:
        used = db.session.get(FormToken, token, populate_existing=True)
        if used is None or used.user_id != actor.id:
            raise Refused(_("This form cannot be sent again: open it anew.")) from None
        return used
    return None


def claim_content(actor: User, key: str, within: timedelta) -> FormToken | None:
    """Claim what a creating form sent, by `key` (a digest of the user, the address and every
    field). Going Back to a form and sending it again sends a new one-time token (the browser
    fetches the page anew: pages are never cached), but the same content: within `within` of
    the first sending that is the same form sent again, and its claim is returned; later, or
    with anything changed, it is a new record. None when it is new."""
    now = utcnow()
    found = db.session.get(FormToken, key, with_for_update=True, populate_existing=True)
    if found is not None and found.user_id == actor.id and now - found.used_at <= within:
        return found
    if found is not None:  # sent long ago: this one is new, and the claim is renewed
        found.used_at, found.location = now, ""
        db.session.flush()
        return None
    try:
        with db.session.begin_nested():
            db.session.add(FormToken(token=key, user_id=actor.id, used_at=now))
    except IntegrityError:  # the same content sent twice at once: the first has it
        return db.session.get(FormToken, key, populate_existing=True)
    return None


def claim_of(actor: User, token: str) -> FormToken | None:
    """`actor`'s claim of the one-time `token`, if they sent it before; None otherwise."""
    used = db.session.get(FormToken, token[:64])
    return used if used is not None and used.user_id == actor.id else None


def token_claimed(token: str) -> bool:
    return db.session.get(FormToken, token[:64]) is not None


def content_claimed(actor: User, key: str, within: timedelta) -> bool:
    """Whether `claim_content` would take this sending for an earlier one (nothing claimed)."""
    found = db.session.get(FormToken, key)
    return found is not None and found.user_id == actor.id and utcnow() - found.used_at <= within


def record_location(token: str, location: str) -> None:
    """Where a second sending of the form is taken: the page of what the first one created."""
    used = db.session.get(FormToken, token)
    if used is not None:
        used.location = location
        db.session.flush()
