"""The project-manager register (项目经理制): one record per person HQ considers, from candidate
through interviews to appointment (a term at an institute, renewed by a new term naming the one
it renews) or not, the PM teams, and the technical fields each PM works in. The state moves
only by the table in tracker/pms/register.py; the account the PM signs in with is linked once
they are appointed (tracker/pms/services.py)."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.dates import PAST
from tracker.db import Base, UTCDateTime, Versioned, str_enum, utcnow
from tracker.organisations.models import Institute
from tracker.pms.register import PmState
from tracker.techfields.models import TechnicalField
from tracker.voids import Voidable, void_whole

if TYPE_CHECKING:
    from tracker.accounts.models import User


class Origin(enum.StrEnum):
    """Where the PM was recruited from: the figure HQ reports its recruitment by."""

    OVERSEAS = "overseas"
    DOMESTIC = "domestic"
    ENTERPRISE = "enterprise"


ORIGIN_LABELS = {
    Origin.OVERSEAS: _l("Overseas"),
    Origin.DOMESTIC: _l("Domestic university or institute"),
    Origin.ENTERPRISE: _l("Enterprise"),
}


class InterviewOutcome(enum.StrEnum):
    RECOMMENDED = "recommended"
    NOT_RECOMMENDED = "not_recommended"
    ANOTHER_ROUND = "another_round"


INTERVIEW_OUTCOME_LABELS = {
    InterviewOutcome.RECOMMENDED: _l("Recommended for appointment"),
    InterviewOutcome.NOT_RECOMMENDED: _l("Not recommended"),
    InterviewOutcome.ANOTHER_ROUND: _l("Another round needed"),
}


pm_record_fields = Table(
    "pm_record_fields", Base.metadata,
    Column("record_id", ForeignKey("pm_records.id", ondelete="CASCADE"), primary_key=True),
    Column("field_id", ForeignKey("technical_fields.id"), primary_key=True),
)

pm_interview_panel = Table(
    "pm_interview_panel", Base.metadata,
    Column("interview_id", ForeignKey("pm_interviews.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("users.id"), primary_key=True),
)

pm_team_members = Table(
    "pm_team_members", Base.metadata,
    Column("team_id", ForeignKey("pm_teams.id", ondelete="CASCADE"), primary_key=True),
    Column("record_id", ForeignKey("pm_records.id"), primary_key=True),
)


class PmRecord(Versioned, Base):
    __tablename__ = "pm_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(254))
    origin: Mapped[Origin] = mapped_column(str_enum(Origin, "pm_origin"))
    # The institute the candidate is considered for; an appointment's term names its own and
    # sets this one to it, so a director finds their institute's PMs here.
    institute_id: Mapped[int | None] = mapped_column(ForeignKey("institutes.id"), index=True)
    # The account the PM signs in with: linked or made at appointment, never two records.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), unique=True)
    state: Mapped[PmState] = mapped_column(str_enum(PmState, "pm_state"),
                                           default=PmState.CANDIDATE)
    # Why not appointed, or why the appointment ended.
    reason: Mapped[str] = mapped_column(Text, default="")
    note: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    institute: Mapped[Institute | None] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    fields: Mapped[list[TechnicalField]] = relationship(secondary=pm_record_fields,
                                                        order_by=TechnicalField.code)
    interviews: Mapped[list[PmInterview]] = relationship(
        back_populates="record", order_by="(PmInterview.held_on, PmInterview.id)",
        cascade="all, delete-orphan")
    terms: Mapped[list[PmTerm]] = relationship(
        back_populates="record", order_by="(PmTerm.starts_on, PmTerm.id)",
        cascade="all, delete-orphan")

    @property
    def current_term(self) -> PmTerm | None:
        """The latest term (the one a renewal renews), once appointed."""
        return self.terms[-1] if self.terms else None

    # Permissions -------------------------------------------------------------------------
    @staticmethod
    def can_see_register(user: User) -> bool:
        """The whole register and HQ's figures: HQ-wide roles."""
        return user.sees_whole_portfolio

    @staticmethod
    def can_open_register(user: User) -> bool:
        """The register's page: HQ-wide roles (the whole register), a director (their
        institutes' records)."""
        return PmRecord.can_see_register(user) or bool(user.directed_institute_ids)

    @staticmethod
    def can_manage(user: User) -> bool:
        """Candidates, interviews, appointments and teams are recorded by HQ admins."""
        return user.is_hq_admin

    def can_view(self, user: User) -> bool:
        """HQ-wide roles; the director of the record's institute; the PM themself."""
        return (user.sees_whole_portfolio
                or (self.institute_id is not None
                    and self.institute_id in user.directed_institute_ids)
                or (self.user_id is not None and self.user_id == user.id))

    def can_edit(self, user: User) -> bool:
        return PmRecord.can_manage(user)

    def can_view_history(self, user: User) -> bool:
        return user.sees_whole_portfolio


class PmInterview(Voidable, Versioned, Base):
    """An interview of a candidate: when, who sat on the panel, what it concluded. Recorded
    wrong, HQ corrects or withdraws it, with the reason, until the candidate is appointed or
    declined on it (`tracker.pms.interviews`)."""

    __tablename__ = "pm_interviews"
    __table_args__ = (void_whole(),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("pm_records.id", ondelete="CASCADE"),
                                           index=True)
    held_on: Mapped[date] = mapped_column(info={PAST: True})
    outcome: Mapped[InterviewOutcome] = mapped_column(
        str_enum(InterviewOutcome, "pm_interview_outcome"))
    notes: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    record: Mapped[PmRecord] = relationship(back_populates="interviews")
    panel: Mapped[list[User]] = relationship(secondary=pm_interview_panel, order_by="User.name")

    @property
    def name(self) -> str:
        return self.record.name

    def can_view(self, user: User) -> bool:
        return self.record.can_view(user)

    def can_view_history(self, user: User) -> bool:
        return self.record.can_view_history(user)

    def can_correct(self, user: User) -> bool:
        """HQ admins, who record interviews."""
        return PmRecord.can_manage(user)

    def can_withdraw(self, user: User) -> bool:
        return self.can_correct(user)


class PmTerm(Base):
    """One term of appointment at an institute. A renewal is a new term naming the one it
    renews; an appointment ended early keeps its term with the day and reason it ended."""

    __tablename__ = "pm_terms"
    __table_args__ = (
        CheckConstraint("ends_on > starts_on", name="term_in_order"),
        CheckConstraint("ended_on IS NULL OR ended_on >= starts_on", name="ended_in_term"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("pm_records.id", ondelete="CASCADE"),
                                           index=True)
    institute_id: Mapped[int] = mapped_column(ForeignKey("institutes.id"), index=True)
    starts_on: Mapped[date]
    # The reminder reads it: a term ending soon, not renewed and not ended.
    ends_on: Mapped[date] = mapped_column(index=True)
    # When HQ recorded the appointment: "new PMs" of a year count first terms by its local date.
    appointed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    renews_id: Mapped[int | None] = mapped_column(ForeignKey("pm_terms.id"), unique=True)
    ended_on: Mapped[date | None] = mapped_column(info={PAST: True})
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))

    record: Mapped[PmRecord] = relationship(back_populates="terms")
    institute: Mapped[Institute] = relationship()
    renews: Mapped[PmTerm | None] = relationship(remote_side=[id], foreign_keys=[renews_id])

    @property
    def name(self) -> str:
        return self.record.name

    def covers(self, on: date) -> bool:
        return self.starts_on <= on <= (self.ended_on or self.ends_on)


class PmTeam(Versioned, Base):
    """A PM team (项目经理团队): a lead PM and the PMs who work with them."""

    __tablename__ = "pm_teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    lead_id: Mapped[int] = mapped_column(ForeignKey("pm_records.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    lead: Mapped[PmRecord] = relationship(foreign_keys=[lead_id])
    members: Mapped[list[PmRecord]] = relationship(secondary=pm_team_members,
                                                   order_by=PmRecord.name)

    def can_view(self, user: User) -> bool:
        return self.lead.can_view(user)

    def can_edit(self, user: User) -> bool:
        return PmRecord.can_manage(user)

    def can_view_history(self, user: User) -> bool:
        return user.sees_whole_portfolio
