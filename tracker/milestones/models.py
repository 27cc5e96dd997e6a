"""Milestones: the plan of each phase, progress with evidence, review, waivers, re-baselines."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    CheckConstraint,
    ColumnElement,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    and_,
    text,
)
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.accounts.models import Role
from tracker.db import Base, UTCDateTime, Versioned, inline, str_enum, utcnow
from tracker.decision_corrections import DecisionCorrection
from tracker.projects.lifecycle import Phase
from tracker.voids import Voidable, void_whole

if TYPE_CHECKING:
    from tracker.accounts.models import User
    from tracker.files.models import StoredFile
    from tracker.projects.models import Project


class MilestoneState(enum.StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    WAIVED = "waived"


MILESTONE_STATE_LABELS = {
    MilestoneState.PLANNED: _l("Planned"),
    MilestoneState.IN_PROGRESS: _l("In progress"),
    MilestoneState.SUBMITTED: _l("Submitted"),
    MilestoneState.ACCEPTED: _l("Accepted"),
    MilestoneState.WAIVED: _l("Waived"),
}


# States in which a milestone no longer blocks its gate and is never overdue.
DONE = (MilestoneState.ACCEPTED, MilestoneState.WAIVED)
# A milestone's weight: its share of the project's progress beside the project's other
# milestones (2 counts twice as much as 1), not an amount. What its column holds: Numeric(6, 2),
# from 0 to 9,999.99, two decimal places at most; the form checks the same bounds.
WEIGHT_PLACES = 2
MAX_WEIGHT = Decimal("9999.99")
# The same as SQL, for partial indexes: most milestones are done, and lists read the others.
_NOT_DONE = text("state NOT IN ('accepted', 'waived')")
_UNASSIGNED = text("state = 'submitted' AND reviewer_id IS NULL")
_SUBMITTED = text("state = 'submitted'")


class Milestone(Base):
    __tablename__ = "milestones"
    __table_args__ = (
        CheckConstraint("weight >= 0", name="weight_not_negative"),
        CheckConstraint("percent_complete BETWEEN 0 AND 100", name="percent_range"),
        # The scans of due and overdue milestones read only the unfinished ones.
        Index("ix_milestones_open_due", "due_date", "state"),
        # Overdue and open milestones across projects (the overdue list), oldest due first.
        Index("ix_milestones_not_done_due", "due_date", "project_id",
              sqlite_where=_NOT_DONE, postgresql_where=_NOT_DONE),
        # HQ's home page: submitted milestones without a reviewer, oldest first.
        Index("ix_milestones_unassigned", "submitted_at",
              sqlite_where=_UNASSIGNED, postgresql_where=_UNASSIGNED),
        # The milestone_review rule: submitted milestones by submission time.
        Index("ix_milestones_submitted", "submitted_at",
              sqlite_where=_SUBMITTED, postgresql_where=_SUBMITTED),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    phase: Mapped[Phase] = mapped_column(str_enum(Phase, "milestone_phase"))
    title: Mapped[str] = mapped_column(String(200))
    deliverable: Mapped[str] = mapped_column(Text, default="")
    due_date: Mapped[date]
    weight: Mapped[Decimal] = mapped_column(Numeric(6, 2), default=Decimal("1"))
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    state: Mapped[MilestoneState] = mapped_column(
        str_enum(MilestoneState, "milestone_state"), default=MilestoneState.PLANNED)
    percent_complete: Mapped[int] = mapped_column(Integer, default=0)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Submission date plus the review period in business days (mainland-China calendar).
    review_due: Mapped[date | None]
    waiver_reason: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    project: Mapped[Project] = relationship()
    reviewer: Mapped[User | None] = relationship()
    events: Mapped[list[MilestoneEvent]] = relationship(
        back_populates="milestone", order_by="MilestoneEvent.id", cascade="all, delete-orphan")
    updates: Mapped[list[ProgressUpdate]] = relationship(
        back_populates="milestone", order_by="ProgressUpdate.id", cascade="all, delete-orphan")
    rebaselines: Mapped[list[Rebaseline]] = relationship(
        back_populates="milestone", order_by="Rebaseline.id", cascade="all, delete-orphan")

    @property
    def name(self) -> str:
        return self.title

    @hybrid_method
    def is_overdue(self, on: date) -> bool:
        """Past its due date and not accepted or waived: derived, never stored."""
        return self.due_date < on and self.state not in DONE

    @is_overdue.expression
    def is_overdue(cls, on: date) -> ColumnElement[bool]:  # noqa: N805
        return and_(cls.due_date < on, cls.not_done())

    # The SQL of the partial indexes above, written as they are (db.inline), so that the
    # lists they serve use them.

    @classmethod
    def not_done(cls) -> ColumnElement[bool]:
        return cls.state.not_in(inline(cls.state, DONE))

    @classmethod
    def submitted(cls) -> ColumnElement[bool]:
        return cls.state == inline(cls.state, MilestoneState.SUBMITTED)

    @classmethod
    def unassigned(cls) -> ColumnElement[bool]:
        return and_(cls.submitted(), cls.reviewer_id.is_(None))

    # Permissions -------------------------------------------------------------------------------

    @staticmethod
    def can_plan(user: User, project: Project) -> bool:
        """The PM plans the project's milestones, and submits and re-baselines them, while
        the project is open (`tracker.projects.closed.open_refusal`)."""
        return user.id == project.pm_id

    def can_manage(self, user: User) -> bool:
        return Milestone.can_plan(user, self.project)

    def can_post(self, user: User) -> bool:
        """The PM and the project's confirmed team post progress, with evidence, while the
        milestone is in work (`tracker.milestones.refusals.progress_refusal`)."""
        return Milestone.can_plan(user, self.project) or user.id in self.project.member_ids

    @staticmethod
    def can_administer(user: User) -> bool:
        """HQ's decisions on a milestone: a waiver, a long re-baseline."""
        return user.is_hq_admin

    def can_view(self, user: User) -> bool:
        """Those who may see the project; and its reviewer: the milestone they review or
        reviewed (its evidence only while it waits for them: `reads_evidence`)."""
        return self.project.can_view(user) or self.can_review(user)

    def reads_evidence(self, user: User) -> bool:
        """Who opens its evidence: whoever sees the project; its reviewer while it waits for
        their answer (the material of a review, as a gate's panel reads it while the review
        is open), not after."""
        return self.project.can_view(user) or (
            self.state is MilestoneState.SUBMITTED and self.can_review(user))

    def can_review(self, user: User) -> bool:
        """The reviewer HQ assigned, never with a stake (gained since the assignment, it ends
        the access at once); while it is submitted
        (`tracker.milestones.services.review_refusal`)."""
        return user.id == self.reviewer_id and self.project.stake_of(user) is None

    def can_edit(self, user: User) -> bool:
        """The PM edits the plan (its fields, its date) until the milestone is submitted: from
        then on nothing of it, its reviewer included, changes until the reviewer answers
        (`services.edit_refusal`)."""
        return Milestone.can_plan(user, self.project)

    @staticmethod
    def can_assign_reviewer(user: User) -> bool:
        """Only HQ assigns or changes a reviewer (and never to someone with a stake:
        `services.assign_reviewer`)."""
        return user.is_hq_admin

    @staticmethod
    def can_list_overdue(user: User) -> bool:
        """The overdue list across projects: HQ-wide roles, directors and PMs (each sees the
        projects they may see)."""
        return user.sees_whole_portfolio or user.has_role(Role.INSTITUTE_DIRECTOR,
                                                          Role.PROJECT_MANAGER)


class MilestoneEvent(Base):
    """Every step of a milestone, kept on its history."""

    __tablename__ = "milestone_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    milestone_id: Mapped[int] = mapped_column(ForeignKey("milestones.id", ondelete="CASCADE"),
                                              index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    from_state: Mapped[MilestoneState] = mapped_column(
        str_enum(MilestoneState, "event_from_state"))
    to_state: Mapped[MilestoneState] = mapped_column(str_enum(MilestoneState, "event_to_state"))
    comment: Mapped[str] = mapped_column(Text, default="")
    # The import that brought the milestone in this state (the page says so in the reader's
    # language); None for a step taken in the tracker.
    imported_in_id: Mapped[int | None] = mapped_column(ForeignKey("import_runs.id"))

    milestone: Mapped[Milestone] = relationship(back_populates="events")
    actor: Mapped[User] = relationship()


class ProgressUpdate(Voidable, Versioned, Base):
    """A post of progress on a milestone, with its evidence files. Posted wrong, its author
    corrects it (the percentage, the note, files added or withdrawn) or withdraws it, with the
    reason, until the milestone goes under review (`tracker.milestones.posts`)."""

    __tablename__ = "progress_updates"
    __table_args__ = (CheckConstraint("percent BETWEEN 0 AND 100", name="percent_range"),
                      void_whole())

    id: Mapped[int] = mapped_column(primary_key=True)
    milestone_id: Mapped[int] = mapped_column(ForeignKey("milestones.id", ondelete="CASCADE"),
                                              index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    percent: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")
    # The milestone's percentage before this post: what it returns to when the post is
    # withdrawn with none standing before it (None for posts made before it was kept: 0).
    percent_before: Mapped[int | None] = mapped_column(Integer)

    milestone: Mapped[Milestone] = relationship(back_populates="updates")
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    evidence: Mapped[list[Evidence]] = relationship(order_by="Evidence.id",
                                                    cascade="all, delete-orphan")

    @property
    def standing_evidence(self) -> list[Evidence]:
        return [e for e in self.evidence if not e.is_void]

    def can_view(self, user: User) -> bool:
        return self.milestone.can_view(user)

    def can_correct(self, user: User) -> bool:
        """Its author, while they may still post on the milestone (the PM or on the team)."""
        project = self.milestone.project
        return user.id == self.author_id and (user.id == project.pm_id
                                              or user.id in project.member_ids)

    def can_withdraw(self, user: User) -> bool:
        return self.can_correct(user)


class Evidence(Voidable, Base):
    """A file of a progress post. Withdrawn from its post by a correction, it stays on the
    milestone's page, marked so, downloadable by whoever could before."""

    __tablename__ = "evidence"
    __table_args__ = (void_whole(),)

    id: Mapped[int] = mapped_column(primary_key=True)
    update_id: Mapped[int] = mapped_column(ForeignKey("progress_updates.id", ondelete="CASCADE"),
                                           index=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"))

    file: Mapped[StoredFile] = relationship()
    update: Mapped[ProgressUpdate] = relationship(viewonly=True)


class RebaselineState(enum.StrEnum):
    APPROVED = "approved"
    PENDING = "pending"  # a move longer than the setting waits for HQ
    REJECTED = "rejected"


REBASELINE_STATE_LABELS = {
    RebaselineState.APPROVED: _l("Approved"),
    RebaselineState.PENDING: _l("Awaiting HQ"),
    RebaselineState.REJECTED: _l("Not approved"),
}


class Rebaseline(Base):
    """A move of a due date after the proposal gate: old date, new date, reason, approver."""

    __tablename__ = "rebaselines"
    __table_args__ = (
        # HQ's home page: re-baselines waiting for a decision, oldest first.
        Index("ix_rebaselines_pending", "requested_at", sqlite_where=text("state = 'pending'"),
              postgresql_where=text("state = 'pending'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    milestone_id: Mapped[int] = mapped_column(ForeignKey("milestones.id", ondelete="CASCADE"),
                                              index=True)
    old_date: Mapped[date]
    new_date: Mapped[date]
    reason: Mapped[str] = mapped_column(Text)
    requested_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    state: Mapped[RebaselineState] = mapped_column(str_enum(RebaselineState, "rebaseline_state"))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    milestone: Mapped[Milestone] = relationship(back_populates="rebaselines")
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])
    approved_by: Mapped[User | None] = relationship(foreign_keys=[approved_by_id])
    correction: Mapped[RebaselineCorrection | None] = relationship(cascade="all, delete-orphan")

    def can_view(self, user: User) -> bool:
        return self.milestone.can_view(user)

    @property
    def is_decided(self) -> bool:
        """Approved or rejected by HQ: not a move within the PM's limit, approved on their
        own word when asked."""
        return self.state is RebaselineState.REJECTED or (
            self.state is RebaselineState.APPROVED and self.approved_by_id != self.requested_by_id)

    @property
    def correction_approves(self) -> bool:
        """What a correction of HQ's decision does: approve the new date rejected, or (this
        False) undo the approval. The correction (`tracker.milestones.corrections`) and its page
        both ask this."""
        return self.state is RebaselineState.REJECTED

    @property
    def in_effect(self) -> RebaselineState:
        """The decision that stands: the correction's when one superseded it."""
        if self.correction is None:
            return self.state
        return RebaselineState.APPROVED if self.correction.approved else RebaselineState.REJECTED

    def can_correct(self, user: User) -> bool:
        """HQ, who decides a long move, corrects its decision taken by mistake (once, where
        nothing later depends on it: `tracker.milestones.corrections.correction_refusal`)."""
        return Milestone.can_administer(user)


class RebaselineCorrection(DecisionCorrection, Base):
    """HQ's decision on a re-baseline recorded by mistake, corrected (`DecisionCorrection`)."""

    __tablename__ = "rebaseline_corrections"

    rebaseline_id: Mapped[int] = mapped_column(
        ForeignKey("rebaselines.id", ondelete="CASCADE"), unique=True)


class DraftEvidence(Base):
    """A file accepted for a progress post that has not been posted yet: the post was refused
    (a wrong percentage, another file refused), so the files already accepted wait here for
    the author's next post on the milestone, and nothing is chosen twice on a phone."""

    __tablename__ = "draft_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    milestone_id: Mapped[int] = mapped_column(ForeignKey("milestones.id", ondelete="CASCADE"),
                                              index=True)
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"), unique=True)

    file: Mapped[StoredFile] = relationship()
