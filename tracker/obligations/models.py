"""Reports owed to funders: a funding agreement (allocation-investment) or a research contract
carries reporting obligations (progress, financial, final), each due on a date to a named
recipient. The PM submits the report as a file; a corrected file replaces it with a reason, and
both stay. An obligation recorded by mistake is cancelled with a reason, never deleted, and can
be restored.

Who may change what: the terms are the funder's (when the report is due, what kind, whether it
is owed at all), so HQ changes them with a reason (the investment committee too, for an
agreement), never the project manager who owes the report: a PM moving the due date of their
own late report would empty HQ's late list. Once a report is on record its due date and kind
are frozen: they decide whether it went in late.

The subject is one of the two, a foreign key each with a CHECK that exactly one is set. A
co-funder's terms (a city matching HQ's money asks for its own reports) are an agreement's
obligation naming the co-funder (`co_funder_id`): its report goes to the co-funder.

Who the report goes to is the organisation it is, when the app knows it (an enterprise, a
partner such as a co-funding city, HQ), so that each reader reads its name in their language;
only a recipient the app does not know (a city's science bureau) is kept as typed
(`recipient`). Exactly one of the four is set (tracker/obligations/recipients.py).
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.accounts.models import Role
from tracker.contracts.models import ResearchContract
from tracker.dates import PAST
from tracker.db import Base, UTCDateTime, Versioned, str_enum, utcnow
from tracker.display.bilingual import Bilingual
from tracker.display.formatting import day
from tracker.funding.models import CoFunder, FundingAgreement
from tracker.organisations.models import Enterprise, Headquarters
from tracker.partners.models import Partner

if TYPE_CHECKING:
    from tracker.accounts.models import User
    from tracker.files.models import StoredFile
    from tracker.projects.models import Project


class ReportKind(enum.StrEnum):
    PROGRESS = "progress"  # 进展报告
    FINANCIAL = "financial"  # 财务报告
    FINAL = "final"  # 结题报告


REPORT_KIND_LABELS = {
    ReportKind.PROGRESS: _l("Progress report"),
    ReportKind.FINANCIAL: _l("Financial report"),
    ReportKind.FINAL: _l("Final report"),
}


class ObligationState(enum.StrEnum):
    """Derived, never stored: from the submissions, the withdrawal and the date."""

    DUE = "due"
    LATE = "late"
    SUBMITTED = "submitted"
    SUBMITTED_LATE = "submitted_late"
    WITHDRAWN = "withdrawn"


OBLIGATION_STATE_LABELS = {
    ObligationState.DUE: _l("Not due yet"),
    ObligationState.LATE: _l("Late"),
    ObligationState.SUBMITTED: _l("Submitted"),
    ObligationState.SUBMITTED_LATE: _l("Submitted late"),
    # "Cancelled", not "Withdrawn": in Chinese 撤回 is an applicant's withdrawal of a submission.
    ObligationState.WITHDRAWN: _l("Cancelled"),
}


# The kinds of organisation a report goes to, each with its column: the form's keys say
# "enterprise-3", "partner-7", "hq-1".
RECIPIENT_COLUMNS = {"enterprise": "recipient_enterprise_id", "partner": "recipient_partner_id",
                     "hq": "recipient_hq_id"}


class ReportObligation(Versioned, Base):
    __tablename__ = "report_obligations"
    __table_args__ = (
        CheckConstraint("(funding_agreement_id IS NULL) <> (contract_id IS NULL)",
                        name="one_subject"),
        # A co-funder's report is owed under the agreement the co-funder matches.
        CheckConstraint("co_funder_id IS NULL OR funding_agreement_id IS NOT NULL",
                        name="co_funder_of_an_agreement"),
        CheckConstraint(
            "(CASE WHEN recipient_enterprise_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN recipient_partner_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN recipient_hq_id IS NULL THEN 0 ELSE 1 END)"
            " + (CASE WHEN recipient IS NULL THEN 0 ELSE 1 END) = 1",
            name="one_recipient"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    funding_agreement_id: Mapped[int | None] = mapped_column(
        ForeignKey("funding_agreements.id"), index=True)
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("research_contracts.id"),
                                                    index=True)
    # The co-funder (a city, a district) whose commitment under the agreement asks for the
    # report: its own terms, beside HQ's. None: HQ's agreement itself asks for it.
    co_funder_id: Mapped[int | None] = mapped_column(ForeignKey("co_funders.id"), index=True)
    kind: Mapped[ReportKind] = mapped_column(str_enum(ReportKind, "report_kind"))
    # The reminders and HQ's late list read it.
    due_on: Mapped[date] = mapped_column(index=True)
    # The first due date the report missed, kept when HQ moves the due date after it passed:
    # it was late as of that date, and a later date granted does not unsay it (`state`).
    missed_due_on: Mapped[date | None]
    # Who the report goes to: the enterprise, the partner (a co-funding city) or HQ it is, or,
    # only for a recipient the app does not know ("苏州市科学技术局"), the name as typed.
    recipient_enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"),
                                                                index=True)
    recipient_partner_id: Mapped[int | None] = mapped_column(ForeignKey("partners.id"),
                                                             index=True)
    recipient_hq_id: Mapped[int | None] = mapped_column(ForeignKey("headquarters.id"))
    recipient: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(Text, default="")
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_reason: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    funding_agreement: Mapped[FundingAgreement | None] = relationship()
    contract: Mapped[ResearchContract | None] = relationship()
    co_funder: Mapped[CoFunder | None] = relationship()
    recipient_enterprise: Mapped[Enterprise | None] = relationship()
    recipient_partner: Mapped[Partner | None] = relationship()
    recipient_hq: Mapped[Headquarters | None] = relationship()
    recorded_by: Mapped[User] = relationship()
    submissions: Mapped[list[ReportSubmission]] = relationship(
        back_populates="obligation", order_by="ReportSubmission.id")

    @property
    def subject(self) -> FundingAgreement | ResearchContract:
        return self.funding_agreement or self.contract

    @property
    def project(self) -> Project:
        return self.subject.project

    @property
    def recipient_organisation(self) -> Bilingual | None:
        """The enterprise, partner or HQ it goes to (a partner merged into another is
        re-pointed by the merge); None for a recipient the app does not know."""
        return self.recipient_enterprise or self.recipient_partner or self.recipient_hq

    @property
    def recipient_name(self) -> str:
        """Who it goes to, in the reader's language (a recipient typed: as typed)."""
        found = self.recipient_organisation
        return found.shown("name") if found is not None else (self.recipient or "")

    @property
    def goes_to(self) -> str:
        """The organisation it goes to as the form chooses it, "enterprise-3" (tracker/
        obligations/recipients.py); "" for a name typed."""
        for kind, column in RECIPIENT_COLUMNS.items():
            if (found := getattr(self, column)) is not None:
                return f"{kind}-{found}"
        return ""

    @property
    def name(self) -> str:
        """How the audit trail and history name it."""
        return f"{self.subject.name} · {self.recipient_name} {day(self.due_on)}"

    @property
    def current(self) -> ReportSubmission | None:
        """The report in force: the latest submission (a correction replaces the one before)."""
        return self.submissions[-1] if self.submissions else None

    @property
    def late_after(self) -> date:
        """The date after which the report is late: its due date, or the one it missed before
        HQ moved it (`missed_due_on`), whichever is earlier."""
        return min(self.due_on, self.missed_due_on or self.due_on)

    def state(self, on: date) -> ObligationState:
        if self.withdrawn_at is not None:
            return ObligationState.WITHDRAWN
        first = self.submissions[0] if self.submissions else None
        if first is not None:
            return (ObligationState.SUBMITTED_LATE if first.submitted_on > self.late_after
                    else ObligationState.SUBMITTED)
        return ObligationState.LATE if on > self.late_after else ObligationState.DUE

    def can_view(self, user: User) -> bool:
        """Who sees the subject sees what it owes its funder."""
        return self.subject.can_view(user)

    @staticmethod
    def can_add(user: User, subject: FundingAgreement | ResearchContract) -> bool:
        """Who records the agreement or contract records what it owes: the investment
        committee an agreement's, the PM and HQ admins a contract's; HQ admins both. Whether
        its state lets them: `closed_to`."""
        if isinstance(subject, FundingAgreement):
            return user.is_hq_admin or FundingAgreement.can_decide(user)
        return (isinstance(subject, ResearchContract)
                and ResearchContract.can_record(user, subject.project))

    @staticmethod
    def closed_to(user: User, subject: FundingAgreement | ResearchContract) -> bool:
        """Whether `subject` takes nothing more it owes (from `user`): voided, or its project
        closed (HQ admins still record what a closed project owes). Said by
        `tracker.obligations.services.add_refusal`."""
        return subject.is_void or (subject.project.is_read_only and not user.is_hq_admin)

    def holds_terms(self, user: User) -> bool:
        """HQ admins, and for an agreement the investment committee: who sets what the funder
        asks for. Never the PM who owes the report. (When: `services.manage_refusal`.)"""
        return ReportObligation.can_add(user, self.subject) and (
            user.is_hq_admin or self.funding_agreement_id is not None)

    def can_manage(self, user: User) -> bool:
        """Correct the recipient or the note: who may add it (when: `manage_refusal`)."""
        return ReportObligation.can_add(user, self.subject)

    def can_change_terms(self, user: User) -> bool:
        """Move the due date or change the kind (with a reason): who holds the terms (while no
        report is on record, which they decide went in late or not: `services.terms_refusal`)."""
        return self.holds_terms(user)

    def can_withdraw(self, user: User) -> bool:
        """Cancel it (recorded by mistake, or the funder asks for it no more): who holds the
        terms (while no report is on record: `services.withdraw_refusal`)."""
        return self.holds_terms(user)

    def can_restore(self, user: User) -> bool:
        """Undo a cancellation made by mistake: who holds the terms
        (`services.restore_refusal`)."""
        return self.holds_terms(user)

    def writes_report(self, user: User) -> bool:
        """The project's PM writes the report; HQ admins may file one they received, whatever
        its state (when: `services.owed_refusal`)."""
        return user.id == self.project.pm_id or user.is_hq_admin

    def can_submit(self, user: User) -> bool:
        """Who writes the report (`writes_report`; while it is owed: `services.owed_refusal`)."""
        return self.writes_report(user)

    @staticmethod
    def can_list(user: User) -> bool:
        """The list of reports owed: HQ-wide roles the network's; a director their institutes';
        a project manager their projects' (they are the ones reminded)."""
        from_role = user.sees_whole_portfolio or bool(user.directed_institute_ids)
        return from_role or user.has_role(Role.PROJECT_MANAGER)


class ReportSubmission(Base):
    """A report as submitted: the first, or a corrected file replacing the one before with a
    reason. Never changed nor deleted."""

    __tablename__ = "report_submissions"

    id: Mapped[int] = mapped_column(primary_key=True)
    obligation_id: Mapped[int] = mapped_column(ForeignKey("report_obligations.id"),
                                               index=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"))
    # When it went to the recipient (the PM may record it a few days later).
    submitted_on: Mapped[date] = mapped_column(info={PAST: True})
    # Why this file replaces the one before (None on the first).
    reason: Mapped[str | None] = mapped_column(Text)
    submitted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    obligation: Mapped[ReportObligation] = relationship(back_populates="submissions")
    file: Mapped[StoredFile] = relationship()
    submitted_by: Mapped[User] = relationship()

    @property
    def name(self) -> str:
        return self.obligation.name
