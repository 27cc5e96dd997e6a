"""An institute's assessment evidence entered wrong (issue 9 point 5). Its director corrects it
(the amount, the description, files added, a file attached by mistake withdrawn from it:
`tracker.files.attached`) or withdraws it, with the reason, while HQ has not reviewed it; a
returned entry keeps HQ's opinion (the director withdraws it, or enters a
corrected one beside it); an accepted one counts in the year's scores as HQ judged it, so only
HQ withdraws it. Once the year's funding is approved nothing of its assessment changes. A
withdrawn entry stays, marked so, with its files, and no score counts it
(`scoring.accepted_evidence`).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import IO, TYPE_CHECKING

from flask_babel import gettext as _
from sqlalchemy import select

from tracker import corrections, db, voids
from tracker.assessment import services
from tracker.assessment.models import EvidenceEntry, EvidenceFile, EvidenceState
from tracker.audit import services as audit
from tracker.display.formatting import on_day
from tracker.errors import Problems, require
from tracker.files import attached
from tracker.files import services as files
from tracker.money import cents

if TYPE_CHECKING:
    from tracker.accounts.models import User


def _standing_refusal(entry: EvidenceEntry) -> str | None:
    return voids.refusal(entry) or services.locked_refusal(entry.indicator.year)


def _accepted(entry: EvidenceEntry) -> str:
    return _("HQ accepted this entry on %(date)s: it counts in the assessment of %(year)d as "
             "HQ judged it. If it is wrong, ask HQ to withdraw it, then enter it again.",
             date=on_day(entry.reviewed_at), year=entry.indicator.year)


def correction_refusal(entry: EvidenceEntry) -> str | None:
    """Why the director can't correct the entry now; None when they can."""
    if (said := _standing_refusal(entry)) is not None:
        return said
    if entry.state is EvidenceState.ACCEPTED:
        return _accepted(entry)
    if entry.state is EvidenceState.RETURNED:
        return _("HQ returned this entry on %(date)s with its opinion, which stays with it: "
                 "enter a corrected entry beside it, or withdraw this one.",
                 date=on_day(entry.reviewed_at))
    return None


def withdrawal_refusal(entry: EvidenceEntry, user: User) -> str | None:
    """Why `user` can't withdraw the entry now: the director withdraws what HQ has not
    accepted, HQ what it accepted; None when they can."""
    if (said := _standing_refusal(entry)) is not None:
        return said
    if entry.state is EvidenceState.ACCEPTED:
        return None if EvidenceEntry.can_withdraw_accepted(user) else _accepted(entry)
    if not EvidenceEntry.can_enter(user, entry.institute):
        return _("HQ withdraws an entry it accepted. This one is not accepted: it is "
                 "reviewed (accepted, or returned with an opinion), or withdrawn by the "
                 "institute's director.")
    return None


def corrected_of(entries: list[EvidenceEntry]) -> dict:
    """The latest correction of each entry, shown beside it."""
    return corrections.last_corrected(EvidenceEntry.__tablename__, [e.id for e in entries],
                                      ("assessment.evidence_correct",))


def _lock(entry: EvidenceEntry) -> None:
    db.session.execute(select(EvidenceEntry.id).where(EvidenceEntry.id == entry.id)
                       .with_for_update())
    db.session.refresh(entry, ["state", "reviewed_at"])


def correct_evidence(actor: User, entry: EvidenceEntry, *, amount: Decimal | None,
                     description: str | None, uploads: list[tuple[IO[bytes], str]],
                     reason: str | None, withdrawn_files: Sequence[int] = ()) -> EvidenceEntry:
    """The entry corrected before HQ reviews it, with the reason: its amount, its
    description, files added, files attached by mistake withdrawn (they stay, marked so; the
    entry keeps one). Every problem at once, each beside its field."""
    require(entry.can_correct(actor), lambda: correction_refusal(entry),
            lock=lambda: _lock(entry))
    problems = Problems()
    if amount is None or amount < 0:
        problems.add("amount", _("The amount cannot be negative."))
    description = (description or "").strip()
    if not description:
        problems.add("description", _("Say what the entry is and where it comes from."))
    taken = attached.chosen(problems, entry.attached, withdrawn_files)
    attached.keeps_one(problems, entry.attached, taken, len(uploads))
    for stream, filename in uploads:
        problems.collect(files.check, stream, filename, "files")
    reason = corrections.reason_of(problems, reason)
    problems.raise_any()
    entry.amount, entry.description = cents(amount), description
    more = audit.pending_changes(entry)  # before storing a file flushes them
    added = [files.store(actor, stream, filename, field="files") for stream, filename in uploads]
    entry.attached.extend(EvidenceFile(file_id=stored.id, file=stored) for stored in added)
    attached.withdraw(actor, entry, taken, added, reason, more, columns_changed=bool(more))
    corrections.corrected(actor, "assessment.evidence_correct", entry, reason, more)
    db.session.flush()
    return entry


def withdraw_evidence(actor: User, entry: EvidenceEntry, reason: str | None) -> EvidenceEntry:
    """The entry withdrawn with the reason: it stays on the institute's page with its files,
    marked so, and counts in no score."""
    require(entry.can_withdraw(actor), lambda: withdrawal_refusal(entry, actor),
            lock=lambda: _lock(entry))
    return voids.void(actor, entry, reason, "assessment.evidence_withdraw")
