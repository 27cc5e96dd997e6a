"""What every correction or withdrawal of a record made by mistake writes, whatever the record
(a TRL, a progress post, an institute's assessment evidence, a PM interview, an achievement):
the values before and after with the reason in the audit trail, and for a withdrawal the
record kept, marked withdrawn (`tracker.voids`), never deleted.

Who may correct a record is its model's `can_correct` / `can_withdraw`; while what does not yet
rely on it, its service's `..._refusal`, which the page asks before it offers the form
(`tracker.web.corrections.correctable`) and the service again under a lock. A save made on a
stale copy is refused by the form's version (`tracker.web.actions.submit`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import TYPE_CHECKING, Any

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tracker import db, reversals
from tracker.audit import services as audit
from tracker.audit.models import AuditRecord
from tracker.errors import Invalid, Problems

if TYPE_CHECKING:
    from tracker.accounts.models import User


def reason_of(problems: Problems, reason: str | None, missing: str | None = None) -> str:
    """Why a record is corrected, voided or withdrawn, trimmed; said missing beside the form's
    `reason` field (`missing`, else that it was recorded by mistake)."""
    return reversals.stated(problems, reason, missing or _("Say why it was recorded by mistake."))


def unchanged() -> Invalid:
    """A correction or an edit that changes nothing is refused, for every kind of record in
    the same words, at the top of its form (the input stays as typed): a correction would put
    a reason in the history beside no change, an edit would say "Saved." over nothing
    (`tracker.web.actions.submit` refuses every edit form's so)."""
    return Invalid("", _("Nothing was changed: change what you meant to change, or go back "
                         "without saving."))


def changed(record: Any, more: dict[str, list[Any]] | None = None, *,
            changes: dict[str, list[Any]] | None = None, new: bool = False,
            ) -> dict[str, list[Any]]:
    """What an edit or a correction of `record` changes, for its audit record: the values
    about to be written (or `changes`, those read before something else was set: its version
    moved by hand, its roles) and `more` (what its columns do not hold: files added, a panel,
    its members); refused (`unchanged`) when that is nothing, unless the record is `new` (a
    form that creates or edits, creating: recorded whatever its values). Every service that
    saves an existing record's values asks here whether anything changed."""
    changes = {**(audit.pending_changes(record) if changes is None else changes), **(more or {})}
    if not changes and not new:
        raise unchanged()
    return changes


def differences(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """What `after` changes of `before` (a record's values by name, each as its correction
    compares them), {name: [before, after]}: the `changes` a correction that writes no column in
    place hands to `changed` (a gate decision superseded by a new one, a scorecard or a
    declaration rewritten, a deliverable's file replaced)."""
    return {key: [before.get(key), value] for key, value in after.items()
            if before.get(key) != value}


def corrected(actor: User, action: str, record: Any, reason: str,
              more: dict[str, list[Any]] | None = None, *,
              changes: dict[str, list[Any]] | None = None) -> None:
    """Audit what the correction of `record` changes (`changed`: refused when nothing), with
    the reason. Every correction of a record's terms is audited here."""
    audit.record(actor, action, record,
                 {**changed(record, more, changes=changes), "reason": [None, reason]})


def last_corrected(object_type: str, ids: Collection[int], actions: Collection[str],
                   key: Callable[[AuditRecord], Any] = lambda r: r.object_id,
                   ) -> dict[Any, AuditRecord]:
    """The latest correction (one of `actions`) of each record of `object_type` among `ids`,
    by `key` (the record's id; or the action, for one record's several corrections): what its
    page shows beside it, who and when with the reason (`macros/corrections.html`). One query
    for a page's records."""
    if not ids:
        return {}
    found = db.session.scalars(
        select(AuditRecord).where(AuditRecord.object_type == object_type,
                                  AuditRecord.object_id.in_(list(ids)),
                                  AuditRecord.action.in_(list(actions)))
        .options(joinedload(AuditRecord.actor)).order_by(AuditRecord.id))
    return {key(record): record for record in found}
