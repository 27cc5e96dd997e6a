"""What people do with the reports owed to funders: add an obligation to an agreement or a
contract, correct it, withdraw it (recorded by mistake), submit the report, replace it with a
corrected file. Each checks the actor's permission, validates (every problem at once), applies,
audits and flushes."""

from __future__ import annotations

from datetime import date
from typing import IO

from flask_babel import gettext as _
from sqlalchemy import select

from tracker import db
from tracker.accounts.models import User
from tracker.audit import services as audit
from tracker.contracts.models import ResearchContract
from tracker.db import utcnow
from tracker.display.formatting import day
from tracker.errors import Forbidden, Problems, Refused
from tracker.files import services as files
from tracker.funding.models import CoFunder, FundingAgreement
from tracker.obligations.models import ReportKind, ReportObligation, ReportSubmission

Subject = FundingAgreement | ResearchContract


def _co_funder(problems: Problems, subject: Subject, co_funder_id: int | None) -> CoFunder | None:
    """The co-funder of the agreement whose terms ask for the report (None: the agreement's)."""
    if not co_funder_id:
        return None
    found = next((c for c in getattr(subject, "co_funders", []) if c.id == co_funder_id), None)
    if found is None:
        problems.add("co_funder_id", _("Choose one of the agreement's co-funders, or none."))
    return found


def _check(problems: Problems, subject: Subject, kind: ReportKind, due_on: date,
           recipient: str, co_funder: CoFunder | None,
           obligation: ReportObligation | None = None) -> None:
    if due_on < subject.signed_on:
        problems.add("due_on", _("A report falls due once the agreement or contract is signed "
                                 "(%(date)s).", date=day(subject.signed_on)))
    if not recipient.strip():
        problems.add("recipient", _("Name who receives the report (required)."))
    if kind is ReportKind.FINAL:
        column = (ReportObligation.funding_agreement_id if isinstance(subject, FundingAgreement)
                  else ReportObligation.contract_id)
        other = db.session.scalar(select(ReportObligation.id).where(
            column == subject.id, ReportObligation.kind == ReportKind.FINAL,
            ReportObligation.withdrawn_at.is_(None),
            ReportObligation.co_funder_id == co_funder.id if co_funder
            else ReportObligation.co_funder_id.is_(None),
            ReportObligation.id != (obligation.id if obligation else -1)).limit(1))
        if other is not None:
            problems.add("kind", _("A final report is already owed to this funder under this "
                                   "one: correct its due date instead."))


def add_obligation(actor: User, subject: Subject, *, kind: ReportKind, due_on: date,
                   recipient: str = "", note: str = "",
                   co_funder_id: int | None = None) -> ReportObligation:
    """`recipient` may be left empty for a co-funder's report: it goes to the co-funder."""
    if not ReportObligation.can_add(actor, subject):
        raise Forbidden()
    problems = Problems()
    co_funder = _co_funder(problems, subject, co_funder_id)
    recipient = (recipient or "").strip() or (co_funder.partner.name if co_funder else "")
    _check(problems, subject, kind, due_on, recipient, co_funder)
    problems.raise_any()
    obligation = ReportObligation(
        kind=kind, due_on=due_on, recipient=recipient, note=(note or "").strip(),
        co_funder_id=co_funder.id if co_funder else None,
        recorded_by_id=actor.id,
        funding_agreement_id=subject.id if isinstance(subject, FundingAgreement) else None,
        contract_id=subject.id if isinstance(subject, ResearchContract) else None)
    db.session.add(obligation)
    db.session.flush()
    audit.record(actor, "report_obligation.create", obligation)
    return obligation


def save_obligation(actor: User, obligation: ReportObligation, *, kind: ReportKind,
                    due_on: date, recipient: str = "", note: str = "",
                    co_funder_id: int | None = None) -> ReportObligation:
    """Its kind, due date, recipient, co-funder or note corrected (a funder moved the date)."""
    if not obligation.can_manage(actor):
        raise Forbidden()
    problems = Problems()
    co_funder = _co_funder(problems, obligation.subject, co_funder_id)
    recipient = (recipient or "").strip() or (co_funder.partner.name if co_funder else "")
    _check(problems, obligation.subject, kind, due_on, recipient, co_funder, obligation)
    problems.raise_any()
    obligation.kind, obligation.due_on = kind, due_on
    obligation.co_funder_id = co_funder.id if co_funder else None
    obligation.recipient, obligation.note = recipient, (note or "").strip()
    changes = audit.pending_changes(obligation)
    if changes:
        audit.record(actor, "report_obligation.update", obligation, changes)
    db.session.flush()
    return obligation


def withdraw_obligation(actor: User, obligation: ReportObligation,
                        reason: str) -> ReportObligation:
    """An obligation recorded by mistake (the funder asks for no such report): it stays, marked
    withdrawn with the reason, and its reminders stop."""
    if not obligation.can_manage(actor):
        raise Forbidden()
    if obligation.submissions:
        raise Refused(_("A report has been submitted under this obligation: it stays on "
                        "record. Submit a corrected file instead."))
    problems = Problems()
    if not (reason or "").strip():
        problems.add("why_withdrawn", _("Say why it is withdrawn (required)."))
    problems.raise_any()
    obligation.withdrawn_at, obligation.withdrawn_reason = utcnow(), reason.strip()
    audit.record(actor, "report_obligation.withdraw", obligation)
    db.session.flush()
    return obligation


def submit_report(actor: User, obligation: ReportObligation, *, submitted_on: date,
                  upload: tuple[IO[bytes], str] | None, reason: str = "") -> ReportSubmission:
    """The report as sent to its recipient; once one is on record, a corrected file replaces
    it with the reason (both stay)."""
    if not obligation.can_submit(actor):
        raise Forbidden()
    problems = Problems()
    if upload is None:
        problems.add("file", _("Choose the report's file (required)."))
    if submitted_on < obligation.subject.signed_on:
        problems.add("submitted_on", _("A report is submitted once the agreement or contract "
                                       "is signed (%(date)s).",
                                       date=day(obligation.subject.signed_on)))
    replacing = bool(obligation.submissions)
    if replacing and not (reason or "").strip():
        problems.add("reason", _("A report is on record already: say why this file replaces "
                                 "it (required)."))
    stored = problems.collect(files.store, actor, upload[0], upload[1], "file",
                              obligation.project.id) if upload is not None else None
    problems.raise_any()
    submission = ReportSubmission(
        obligation_id=obligation.id, file_id=stored.id, submitted_on=submitted_on,
        reason=reason.strip() if replacing else None, submitted_by_id=actor.id)
    db.session.add(submission)
    db.session.flush()
    audit.record(actor, "report_obligation.replace" if replacing else
                 "report_obligation.submit", obligation, {
                     "submitted_on": [None, submitted_on.isoformat()],
                     "file": [None, stored.original_name],
                     **({"reason": [None, submission.reason]} if replacing else {})})
    db.session.expire(obligation, ["submissions"])
    return submission
