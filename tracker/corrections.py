"""What every correction or withdrawal of a record made by mistake writes, whatever the record
(a TRL, a progress post, an institute's assessment evidence, a PM interview, an achievement):
the values before and after with the reason in the audit trail, and for a withdrawal the
record kept, marked withdrawn (`tracker.db.Withdrawable`), never deleted.

Who may correct a record is its model's `can_correct` / `can_withdraw`; while what does not yet
rely on it, its service's `..._refusal`, which the page asks before it offers the form
(`tracker.web.corrections.correctable`) and the service again under a lock. A save made on a
stale copy is refused by the form's version (`tracker.web.actions.submit`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _

from tracker import reversals
from tracker.audit import services as audit
from tracker.db import utcnow
from tracker.errors import Problems

if TYPE_CHECKING:
    from tracker.accounts.models import User


def reason_of(problems: Problems, reason: str | None) -> str:
    """Why a record is withdrawn, trimmed; said missing beside the form's `reason` field."""
    return reversals.stated(problems, reason, _("Say why it was recorded by mistake."))


def corrected(actor: User, action: str, record: Any, reason: str,
              more: dict[str, list[Any]] | None = None) -> bool:
    """Audit the values about to be written for `record` (and `more`, what its columns do not
    hold: files added, a panel), with the reason. False when nothing changed: no record then,
    and the version stays."""
    changes = {**audit.pending_changes(record), **(more or {})}
    if not changes:
        return False
    audit.record(actor, action, record, {**changes, "reason": [None, reason]})
    return True


def mark_withdrawn(actor: User, record: Any, reason: str) -> dict[str, list[Any]]:
    """Mark `record` withdrawn by `actor` now, with `reason`; returns the changes to audit."""
    record.withdrawn_at, record.withdrawn_reason = utcnow(), reason
    record.withdrawn_by_id = actor.id
    return audit.pending_changes(record)


def withdraw(actor: User, action: str, record: Any, reason: str,
             more: dict[str, list[Any]] | None = None) -> None:
    """Withdraw `record` (see `mark_withdrawn`), audited with its values and `more`."""
    audit.record(actor, action, record, {**mark_withdrawn(actor, record, reason),
                                         **(more or {})})
