"""What people do with the reports owed to funders: add an obligation to an agreement or a
contract, correct it, cancel it (recorded by mistake) or restore it, submit the report, replace
it with a corrected file. Each checks the actor's permission, validates (every problem at once),
applies, audits and flushes. Who may change what is the model's (`ReportObligation`)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import IO

from flask_babel import gettext as _
from sqlalchemy import select

from tracker import db, voids
from tracker.accounts.models import User
from tracker.audit import services as audit
from tracker.contracts.models import ResearchContract
from tracker.dates import today
from tracker.db import utcnow
from tracker.display.formatting import day, instant
from tracker.errors import Problems, Refused, require
from tracker.files import services as files
from tracker.funding.models import CoFunder, FundingAgreement
from tracker.obligations import recipients
from tracker.obligations.models import ReportKind, ReportObligation, ReportSubmission
from tracker.obligations.recipients import Recipient
from tracker.projects.closed import closed

Subject = FundingAgreement | ResearchContract


def _co_funder(problems: Problems, subject: Subject, co_funder_id: int | None) -> CoFunder | None:
    """The co-funder of the agreement whose terms ask for the report (None: the agreement's)."""
    if not co_funder_id:
        return None
    found = next((c for c in getattr(subject, "co_funders", []) if c.id == co_funder_id), None)
    if found is None:
        problems.add("co_funder_id", _("Choose one of the agreement's co-funders, or none."))
    return found


# A report may fall due up to this long after the end of what owes it (the project's end, or an
# agreement's conversion deadline if later): the final report goes in after the work ends.
AFTER_END = timedelta(days=366)


def latest_due(subject: Subject) -> date:
    """The last day a report owed under `subject` may fall due."""
    ends = [subject.project.end_date]
    if isinstance(subject, FundingAgreement):
        ends.append(subject.conversion_deadline)
    return max(ends) + AFTER_END


def _same_subject(subject: Subject, co_funder: CoFunder | None,
                  obligation: ReportObligation | None) -> list:
    """The conditions of the other live obligations owed to the same funder under `subject`."""
    column = (ReportObligation.funding_agreement_id if isinstance(subject, FundingAgreement)
              else ReportObligation.contract_id)
    return [column == subject.id, ReportObligation.withdrawn_at.is_(None),
            ReportObligation.co_funder_id == co_funder.id if co_funder
            else ReportObligation.co_funder_id.is_(None),
            ReportObligation.id != (obligation.id if obligation else -1)]


def _recipient(problems: Problems, subject: Subject, goes_to: str, recipient: str,
               co_funder: CoFunder | None) -> Recipient | None:
    """Who the report goes to: the organisation chosen (`goes_to`, a key of
    `recipients.offered`), else the one whose name is typed, else the name as typed; with
    neither, a co-funder's report goes to the co-funder."""
    typed = (recipient or "").strip()
    if goes_to:
        if typed:
            problems.add("recipient", _("Either choose who receives it from the list or type "
                                        "a name, not both."))
        found = recipients.chosen(goes_to, subject)
        if found is None:
            problems.add("goes_to", _("Choose one of the organisations offered, or type a "
                                      "name."))
        return found
    if typed:
        return recipients.named(typed)
    if co_funder is not None:
        return Recipient(recipient_partner_id=co_funder.partner_id)
    problems.add("recipient", _("Name who receives the report (required)."))
    return None


def _check(problems: Problems, subject: Subject, kind: ReportKind, due_on: date,
           co_funder: CoFunder | None, obligation: ReportObligation | None = None) -> None:
    if due_on < subject.signed_on:
        problems.add("due_on", _("A report falls due once the agreement or contract is signed "
                                 "(%(date)s).", date=day(subject.signed_on)))
    elif due_on > latest_due(subject):
        problems.add("due_on", _("A report falls due at most a year after the project ends "
                                 "(or the agreement's conversion deadline): by %(date)s.",
                                 date=day(latest_due(subject))))
    others = _same_subject(subject, co_funder, obligation)
    if kind is ReportKind.FINAL:
        other = db.session.scalar(select(ReportObligation.id).where(
            *others, ReportObligation.kind == ReportKind.FINAL).limit(1))
        if other is not None:
            problems.add("kind", _("A final report is already owed to this funder under this "
                                   "one: correct its due date instead."))
            return
    twin = db.session.scalar(select(ReportObligation.id).where(
        *others, ReportObligation.kind == kind, ReportObligation.due_on == due_on).limit(1))
    if twin is not None:
        problems.add("due_on", _("This report is already owed to this funder on this date: "
                                 "one obligation is enough."))


def add_refusal(actor: User, subject: Subject) -> str | None:
    """Why `actor`, who may add what `subject` owes (`ReportObligation.can_add`), can't now:
    it was voided, or its project closed (`ReportObligation.closed_to`); None when they can."""
    if not ReportObligation.closed_to(actor, subject):
        return None
    return voids.refusal(subject) or closed(subject.project)


def owed_refusal(obligation: ReportObligation) -> str | None:
    """Why nothing more is done under `obligation`: it was cancelled; None while it is owed."""
    if obligation.withdrawn_at is None:
        return None
    return _("This report obligation was cancelled (%(when)s): nothing more is done under it.",
             when=instant(obligation.withdrawn_at))


def manage_refusal(actor: User, obligation: ReportObligation) -> str | None:
    """Why who may correct or cancel `obligation` (`can_manage`, `holds_terms`) can't now, by
    its state or its subject's: cancelled, or its agreement or contract voided or its project
    closed (`add_refusal`); None when they can."""
    return owed_refusal(obligation) or add_refusal(actor, obligation.subject)


def _reported(obligation: ReportObligation, then: str) -> str | None:
    """A report on record under `obligation` freezes its terms: when it was submitted, and
    `then`, what to do instead; None while none is."""
    if not obligation.submissions:
        return None
    return _("A report was submitted under this obligation on %(date)s: %(then)s",
             date=day(obligation.submissions[0].submitted_on), then=then)


def terms_refusal(actor: User, obligation: ReportObligation) -> str | None:
    """Why who holds the terms (`can_change_terms`) can't move its due date or kind now: as
    `manage_refusal`, or a report is on record (its terms say whether it went in late)."""
    return manage_refusal(actor, obligation) or _reported(obligation, _(
        "its due date and kind stay as they were, as they say whether it went in late."))


def withdraw_refusal(actor: User, obligation: ReportObligation) -> str | None:
    """Why who holds the terms (`can_withdraw`) can't cancel it now: as `manage_refusal`, or a
    report is on record (it stays)."""
    return manage_refusal(actor, obligation) or _reported(obligation, _(
        "it stays on record. Submit a corrected file instead."))


def restore_refusal(actor: User, obligation: ReportObligation) -> str | None:
    """Why who holds the terms (`can_restore`) can't undo its cancellation now: it was not
    cancelled, or its subject takes nothing more (`add_refusal`)."""
    if obligation.withdrawn_at is None:
        return _("This report is owed (due %(date)s), not cancelled: there is no cancellation "
                 "to undo.", date=day(obligation.due_on))
    return add_refusal(actor, obligation.subject)


def add_obligation(actor: User, subject: Subject, *, kind: ReportKind, due_on: date,
                   goes_to: str = "", recipient: str = "", note: str = "",
                   co_funder_id: int | None = None) -> ReportObligation:
    """Who it goes to: an organisation chosen (`goes_to`) or a name typed (`recipient`); both
    may be left empty for a co-funder's report: it goes to the co-funder."""
    require(ReportObligation.can_add(actor, subject), lambda: add_refusal(actor, subject))
    problems = Problems()
    co_funder = _co_funder(problems, subject, co_funder_id)
    goes = _recipient(problems, subject, goes_to, recipient, co_funder)
    _check(problems, subject, kind, due_on, co_funder)
    problems.raise_any()
    obligation = ReportObligation(
        kind=kind, due_on=due_on, **vars(goes), note=(note or "").strip(),
        co_funder_id=co_funder.id if co_funder else None,
        recorded_by_id=actor.id,
        funding_agreement_id=subject.id if isinstance(subject, FundingAgreement) else None,
        contract_id=subject.id if isinstance(subject, ResearchContract) else None)
    audit.record(actor, "report_obligation.create", obligation)  # adds, flushes, its values
    return obligation


def save_obligation(actor: User, obligation: ReportObligation, *, goes_to: str = "",
                    recipient: str = "", note: str = "", co_funder_id: int | None = None,
                    kind: ReportKind | None = None, due_on: date | None = None,
                    why_changed: str = "") -> ReportObligation:
    """Its recipient, co-funder or note corrected; its kind or due date (None: unchanged) only
    by who holds the terms, with the reason, and never once a report is on record."""
    require(obligation.can_manage(actor), lambda: manage_refusal(actor, obligation))
    kind = kind or obligation.kind
    due_on = due_on or obligation.due_on
    moves = (kind, due_on) != (obligation.kind, obligation.due_on)
    if moves and (said := terms_refusal(actor, obligation)) is not None:
        raise Refused(said)
    if moves and not obligation.can_change_terms(actor):
        raise Refused(_("The due date and the kind are the funder's terms: HQ changes them "
                        "(the investment committee too, for an agreement), with a reason."))
    problems = Problems()
    co_funder = _co_funder(problems, obligation.subject, co_funder_id)
    goes = _recipient(problems, obligation.subject, goes_to, recipient, co_funder)
    _check(problems, obligation.subject, kind, due_on, co_funder, obligation)
    if moves and not (why_changed or "").strip():
        problems.add("why_changed", _("Say why the due date or the kind changes (required)."))
    problems.raise_any()
    if (due_on != obligation.due_on and obligation.missed_due_on is None
            and today() > obligation.due_on):
        # Late already: the date it missed stays on record (the state, the late list, the
        # history), whatever date is granted now.
        obligation.missed_due_on = obligation.due_on
    obligation.kind, obligation.due_on = kind, due_on
    obligation.co_funder_id = co_funder.id if co_funder else None
    for column, value in vars(goes).items():
        setattr(obligation, column, value)
    obligation.note = (note or "").strip()
    changes = audit.pending_changes(obligation)
    if changes and moves:
        changes["reason"] = [None, why_changed.strip()]
    audit.record_if_changed(actor, "report_obligation.update", obligation, changes)
    db.session.flush()
    return obligation


def _reason(problems: Problems, field: str, reason: str, message: str) -> str:
    if not (reason or "").strip():
        problems.add(field, message)
    return (reason or "").strip()


def withdraw_obligation(actor: User, obligation: ReportObligation,
                        reason: str) -> ReportObligation:
    """An obligation recorded by mistake (the funder asks for no such report): it stays, marked
    cancelled with the reason, and its reminders stop. HQ's (the committee's too for an
    agreement), never the PM who owes it."""
    require(obligation.can_withdraw(actor), lambda: withdraw_refusal(actor, obligation))
    problems = Problems()
    reason = _reason(problems, "why_withdrawn", reason,
                     _("Say why it is cancelled (required)."))
    problems.raise_any()
    obligation.withdrawn_at, obligation.withdrawn_reason = utcnow(), reason
    audit.record(actor, "report_obligation.withdraw", obligation)
    db.session.flush()
    return obligation


def _live_twin(obligation: ReportObligation) -> ReportObligation | None:
    """A live obligation that restoring `obligation` would duplicate: the final report owed to
    the same funder under the same subject, or a report of its kind due the same day (the
    rules `_check` applies to a new one)."""
    same = _same_subject(obligation.subject, obligation.co_funder, obligation)
    kind = ReportObligation.kind == obligation.kind
    clash = kind if obligation.kind is ReportKind.FINAL else (
        kind & (ReportObligation.due_on == obligation.due_on))
    return db.session.scalars(select(ReportObligation).where(*same, clash)
                              .order_by(ReportObligation.id).limit(1)).first()


def _final_before(obligation: ReportObligation, submitted_on: date) -> ReportSubmission | None:
    """The final report to the same funder under the same subject, first submitted on or
    before `submitted_on`, if any: a progress report does not follow it."""
    same = _same_subject(obligation.subject, obligation.co_funder, obligation)
    return db.session.scalars(
        select(ReportSubmission).join(ReportObligation).where(
            *same, ReportObligation.kind == ReportKind.FINAL,
            ReportSubmission.submitted_on <= submitted_on)
        .order_by(ReportSubmission.submitted_on, ReportSubmission.id).limit(1)).first()


def restore_obligation(actor: User, obligation: ReportObligation,
                       reason: str) -> ReportObligation:
    """A cancellation made by mistake undone: the report is owed again (late, if its date has
    passed) and its reminders resume. The cancellation stays in the history."""
    require(obligation.can_restore(actor), lambda: restore_refusal(actor, obligation))
    problems = Problems()
    reason = _reason(problems, "why_restored", reason,
                     _("Say why it is owed again (required)."))
    problems.raise_any()
    if (live := _live_twin(obligation)) is not None:
        raise Refused(_("An equivalent report, %(name)s, is owed already (due %(date)s): "
                        "restoring this one would owe it twice. Correct that one instead.",
                        name=live.name, date=day(live.due_on)))
    cancelled = obligation.withdrawn_reason
    obligation.withdrawn_at, obligation.withdrawn_reason = None, None
    changes = audit.pending_changes(obligation)
    changes["withdrawn_reason"] = [cancelled, None]
    changes["reason"] = [None, reason]
    audit.record(actor, "report_obligation.restore", obligation, changes)
    db.session.flush()
    return obligation


def submitting_said(obligation: ReportObligation) -> str:
    """What the report's form, sent now, will have done once saved: the report recorded (its
    reminders stop) or, one on record already, a corrected one replacing it. Asked before it is
    saved, as `submit_report` asks whether it replaces one."""
    if obligation.submissions:
        return _("Corrected report recorded: it replaces the one before, which stays on record.")
    return _("Report recorded as submitted: its reminders stop.")


def submit_report(actor: User, obligation: ReportObligation, *, submitted_on: date,
                  upload: tuple[IO[bytes], str] | None, reason: str = "") -> ReportSubmission:
    """The report as sent to its recipient; once one is on record, a corrected file replaces
    it with the reason (both stay)."""
    require(obligation.writes_report(actor), lambda: owed_refusal(obligation))
    problems = Problems()
    if upload is None:
        problems.add("file", _("Choose the report's file (required)."))
    if submitted_on < obligation.subject.signed_on:
        problems.add("submitted_on", _("A report is submitted once the agreement or contract "
                                       "is signed (%(date)s).",
                                       date=day(obligation.subject.signed_on)))
    replacing = bool(obligation.submissions)
    if (obligation.kind is ReportKind.PROGRESS and not replacing and submitted_on is not None
            and (final := _final_before(obligation, submitted_on)) is not None):
        problems.add("submitted_on", _("The final report to this funder went in on %(date)s: "
                                       "a progress report is not submitted after it. If the "
                                       "funder no longer asks for this one, HQ cancels it.",
                                       date=day(final.submitted_on)))
    if replacing and submitted_on < obligation.current.submitted_on:
        problems.add("submitted_on", _("A corrected report goes out after the one it replaces "
                                       "(submitted on %(date)s).",
                                       date=day(obligation.current.submitted_on)))
    if replacing and not (reason or "").strip():
        problems.add("reason", _("A report is on record already: say why this file replaces "
                                 "it (required)."))
    stored = problems.collect(files.store, actor, upload[0], upload[1], "file",
                              obligation.project.id) if upload is not None else None
    problems.raise_any()
    submission = ReportSubmission(
        file_id=stored.id, submitted_on=submitted_on,
        reason=reason.strip() if replacing else None, submitted_by_id=actor.id)
    # Through the collection: the obligation's version moves, so a form filled before this
    # report was on record is refused as stale (409), not taken for a correction.
    obligation.submissions.append(submission)
    db.session.flush()
    audit.record(actor, "report_obligation.replace" if replacing else
                 "report_obligation.submit", obligation, {
                     "submitted_on": [None, submitted_on.isoformat()],
                     "file": [None, stored.original_name],
                     **({"reason": [None, submission.reason]} if replacing else {})})
    return submission
