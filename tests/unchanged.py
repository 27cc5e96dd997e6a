"""What every correction that changes nothing answers, whatever the record
(`tracker.corrections.unchanged`): one message at the top of its form, in the same words for
every kind, 400, with what was typed kept; nothing written. Each kind's tests post one."""

from __future__ import annotations

from sqlalchemy import func, select

from tracker import db
from tracker.audit.models import AuditRecord

UNCHANGED = ("Nothing was changed: change what you meant to change, or go back without "
             "saving.")


def audited(*actions: str) -> int:
    """How many records of `actions` the trail holds."""
    return db.session.scalar(select(func.count()).select_from(AuditRecord)
                             .where(AuditRecord.action.in_(actions)))


def refused_as_unchanged(response, typed: str) -> bool:
    """The answer to a correction that changes nothing: 400, the one message, the reason the
    user typed still in the form."""
    text = response.get_data(as_text=True)
    return response.status_code == 400 and UNCHANGED in text and typed in text
