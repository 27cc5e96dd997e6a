"""Projects: the proposal, its team and budget, and the history of its phases."""

from __future__ import annotations

import enum
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    CheckConstraint,
    ColumnElement,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    or_,
    select,
    text,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.accounts.models import Role
from tracker.budgets.models import BudgetLine
from tracker.db import Base, Money, UTCDateTime, str_enum, utcnow
from tracker.gates.condition_models import TO_CLEAR
from tracker.gates.models import Declaration, GateReview, ReviewState
from tracker.projects.funding import FundedBy
from tracker.projects.history_models import PhaseChange, PmHandover  # noqa: F401 (PhaseChange: its home was here)
from tracker.projects.lifecycle import ACTIVE, FINAL, Phase

if TYPE_CHECKING:
    from tracker.accounts.models import User
    from tracker.approvals.models import ApprovalRequest
    from tracker.budgets.models import BudgetTemplate
    from tracker.organisations.models import Enterprise, Headquarters, Institute, TechnologyNeed
    from tracker.projects.history_models import TrlRecord
    from tracker.techfields.models import TechnicalField


class ProjectType(enum.StrEnum):
    CONTRACT_RESEARCH = "contract_research"
    PM_MAJOR = "pm_major"  # 项目经理制重大项目
    ALLOCATION_INVESTMENT = "allocation_investment"  # 拨投结合
    INTERNAL = "internal"


PROJECT_TYPE_LABELS = {
    ProjectType.CONTRACT_RESEARCH: _l("Contract research"),
    ProjectType.PM_MAJOR: _l("PM major project"),
    ProjectType.ALLOCATION_INVESTMENT: _l("Allocation-investment"),
    ProjectType.INTERNAL: _l("Internal"),
}

# The labels of the phases live here, not beside Phase: lifecycle.py stays free of Flask.
PHASE_LABELS = {
    Phase.DRAFT: _l("Draft"),
    Phase.PROPOSAL_REVIEW: _l("Proposal review"),
    Phase.CONTRACT_RESEARCH: _l("Contract research"),
    Phase.INVESTMENT_DECISION: _l("Investment decision"),
    Phase.SPIN_OFF: _l("Spin-off"),
    Phase.SPUN_OFF: _l("Spun off"),
    Phase.ON_HOLD: _l("On hold"),
    Phase.COMPLETED: _l("Completed"),
    Phase.TERMINATED: _l("Terminated"),
    Phase.REJECTED: _l("Rejected"),
}


class Project(FundedBy, Base):
    __tablename__ = "projects"
    __table_args__ = (
        UniqueConstraint("hq_id", "year", "seq"),
        CheckConstraint("trl_now BETWEEN 1 AND 9", name="trl_now_range"),
        CheckConstraint("trl_target BETWEEN 1 AND 9", name="trl_target_range"),
        CheckConstraint("budget_total >= 0", name="budget_not_negative"),
        CheckConstraint("end_date >= start_date", name="dates_in_order"),
        # A PM's projects (their list, home page, overdue milestones, reminder recipients).
        Index("ix_projects_pm_id", "pm_id"),
        # A director's projects, and the institute filter of every list.
        Index("ix_projects_institute_id", "institute_id"),
        # The project list, newest first: read backwards, a page at a time.
        Index("ix_projects_year_seq", "year", "seq"),
        Index("ix_projects_phase", "phase"),  # the phase filter; rules on held or active ones
        # A need's projects (its page), the needs contracted (dashboard, annual report).
        Index("ix_projects_need_id", "need_id"),
        # A PM's drafts have each their own number (tracker/projects/drafts.py); a project
        # under way handed to another PM keeps its own, which the new PM may have too.
        Index("uq_projects_draft_of_pm", "pm_id", "draft_number", unique=True,
              postgresql_where=text("code IS NULL"), sqlite_where=text("code IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    hq_id: Mapped[int] = mapped_column(ForeignKey("headquarters.id"))
    # JITRI-2026-0042, given on submission (a withdrawn draft wastes none); till then `reference`.
    year: Mapped[int | None]
    seq: Mapped[int | None]
    code: Mapped[str | None] = mapped_column(String(40), unique=True)
    draft_number: Mapped[int | None]  # the PM's n-th draft: its reference till then (drafts.py)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    field: Mapped[str] = mapped_column(String(100))  # as written; counted by field_id (techfields)
    field_id: Mapped[int | None] = mapped_column(ForeignKey("technical_fields.id"))
    type: Mapped[ProjectType] = mapped_column(str_enum(ProjectType, "project_type"))
    institute_id: Mapped[int] = mapped_column(ForeignKey("institutes.id"))
    pm_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    partner_enterprise_id: Mapped[int | None] = mapped_column(ForeignKey("enterprises.id"))
    need_id: Mapped[int | None] = mapped_column(ForeignKey("technology_needs.id"))
    trl_now: Mapped[int] = mapped_column(Integer)
    trl_target: Mapped[int] = mapped_column(Integer)
    budget_total: Mapped[Decimal] = mapped_column(Money)
    start_date: Mapped[date]
    end_date: Mapped[date]
    technical_route: Mapped[str] = mapped_column(Text, default="", server_default="")  # PM's
    # The funder's budget form its lines follow (one line per category); None for a project
    # recorded before templates, which keeps the lines it had (migration 0045).
    budget_template_id: Mapped[int | None] = mapped_column(ForeignKey("budget_templates.id"))
    phase: Mapped[Phase] = mapped_column(str_enum(Phase, "phase"), default=Phase.DRAFT)
    # The phase a held project returns to when HQ resumes it.
    held_phase: Mapped[Phase | None] = mapped_column(str_enum(Phase, "held_phase"))
    revisit_date: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Bumped on every change, so a decision taken on a stale page is refused.
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    hq: Mapped[Headquarters] = relationship()
    institute: Mapped[Institute] = relationship()
    pm: Mapped[User] = relationship(foreign_keys=[pm_id])
    partner_enterprise: Mapped[Enterprise | None] = relationship()
    need: Mapped[TechnologyNeed | None] = relationship()
    technical_field: Mapped[TechnicalField | None] = relationship()
    budget_template: Mapped[BudgetTemplate | None] = relationship()
    members: Mapped[list[ProjectMember]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="ProjectMember.id"
    )
    budget_lines: Mapped[list[BudgetLine]] = relationship(
        back_populates="project", cascade="all, delete-orphan", order_by="BudgetLine.id"
    )
    phase_changes: Mapped[list[PhaseChange]] = relationship(
        back_populates="project", order_by="PhaseChange.id"
    )
    gate_reviews: Mapped[list[GateReview]] = relationship(
        back_populates="project", order_by="GateReview.id"
    )
    trl_records: Mapped[list[TrlRecord]] = relationship(
        back_populates="project", order_by="TrlRecord.id", cascade="all, delete-orphan"
    )
    handovers: Mapped[list[PmHandover]] = relationship(
        back_populates="project", order_by="PmHandover.id", cascade="all, delete-orphan"
    )
    approvals: Mapped[list[ApprovalRequest]] = relationship(  # tracker/approvals: all subjects
        viewonly=True, order_by="ApprovalRequest.id")

    def __repr__(self) -> str:
        return f"<Project {self.code} {self.phase}>"

    @staticmethod
    def in_code_order(newest_first: bool = True) -> tuple:
        """The one order of projects by their code, for every list and report: by year, then
        number; a code kept from before the tracker (no number) after the numbered ones of its
        year, by code; a draft (no year) last; then by id. NULLs last on both databases (by
        default PostgreSQL puts them first in a descending order, SQLite in an ascending one)."""
        columns = (Project.year, Project.seq, Project.code, Project.id)
        if newest_first:
            return tuple(c.desc().nulls_last() for c in columns)
        return tuple(c.asc().nulls_last() for c in columns)

    @property
    def reference(self) -> str:
        """The official code, or a draft's provisional reference until it is submitted."""
        return Project.reference_of(self.code, self.draft_number)

    @staticmethod
    def reference_of(code: str | None, draft_number: int | None) -> str:
        """`reference` from the two columns (for lists that read columns, not projects)."""
        return code or gettext("Draft %(number)d", number=draft_number or 0)

    @property
    def name(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def is_read_only(self) -> bool:
        return self.phase in FINAL

    @property
    def is_draft(self) -> bool:
        """Not submitted yet: the PM's proposal, nobody's decision."""
        return self.phase is Phase.DRAFT

    @property
    def is_under_way(self) -> bool:
        """Approved at the proposal gate and not ended: its plan is the PM's to run."""
        return self.phase not in (Phase.DRAFT, Phase.PROPOSAL_REVIEW) and not self.is_read_only

    @property
    def is_active(self) -> bool:
        return self.phase in ACTIVE

    @property
    def member_ids(self) -> set[int]:
        """The team as it counts (access, a stake): members who confirmed (`ProjectMember`)."""
        return {m.user_id for m in self.members if m.confirmed}

    @property
    def team_ids(self) -> set[int]:
        """Everyone the PM put on the team, confirmed or not: what the proposal form shows."""
        return {m.user_id for m in self.members}

    @property
    def current_trl(self) -> int:
        """The latest TRL the PM recorded and did not withdraw, else the proposal's: what
        gates check. A correction of the latest record moves it with the record."""
        standing = [r for r in self.trl_records if not r.is_void]
        return standing[-1].level if standing else self.trl_now

    @property
    def budget_allocated(self) -> Decimal:
        return sum((line.amount for line in self.budget_lines), Decimal("0"))

    # Stakes and permissions --------------------------------------------------------------------

    def stake_of(self, user: User) -> str | None:
        """Why `user` has a stake in this project (and so may never review it), or None."""
        if user.id == self.pm_id:
            return "pm"
        if user.id in self.member_ids:
            return "team"
        partner = self.partner_enterprise_id
        if partner is not None and user.enterprise_id == partner:
            return "partner"
        return None

    def has_stake(self, users: type[User]) -> ColumnElement[bool]:
        """The SQL form of `stake_of` over the users table, for lists of people who may review
        this project; a test checks the two agree."""
        clauses = [users.id == self.pm_id, users.id.in_(select(ProjectMember.user_id).where(
            ProjectMember.project_id == self.id, ProjectMember.confirmed))]
        if self.partner_enterprise_id is not None:
            clauses.append(users.enterprise_id.is_not_distinct_from(self.partner_enterprise_id))
        return or_(*clauses)

    def can_view(self, user: User) -> bool:
        if user.sees_whole_portfolio:
            return True
        if self.institute_id in user.directed_institute_ids:
            return True
        if user.id == self.pm_id or user.id in self.member_ids:
            return True
        if any(h.from_pm_id == user.id for h in self.handovers):
            return True  # a former PM keeps read access to what they did
        return self.can_review_material(user)

    def can_review_material(self, user: User) -> bool:
        """An evaluator sees the project's material while a review of it they sit on is open,
        once they have declared no conflict; never with a stake, even one gained since (it
        ends the access at once). After the decision they keep the review's record only
        (`GateReview.can_view`), except the chair, who confirms the decision's conditions on
        the project page until none is left to clear; before declaring, only what they need
        to declare."""
        if not user.has_role(Role.EVALUATOR) or self.stake_of(user) is not None:
            return False
        return any(
            (review.state is ReviewState.OPEN and any(
                m.user_id == user.id and m.declaration is Declaration.NONE
                for m in review.panel))
            or (review.chair_id == user.id and any(
                c.state in TO_CLEAR for d in review.decisions for c in d.conditions))
            for review in self.gate_reviews
        )

    @property
    def proposal_at_institute(self) -> ApprovalRequest | None:
        """The proposal's submission waiting at the institute's approval levels, if any."""
        return next((a for a in self.approvals if a.is_pending and a.subject == "proposal"), None)

    def can_edit_proposal(self, user: User) -> bool:
        """The PM edits their proposal (while its state allows: `closed.proposal_refusal`)."""
        return user.id == self.pm_id

    def can_withdraw(self, user: User) -> bool:
        """A draft is withdrawn (deleted) by its PM, or by HQ for any draft (a draft, back
        from the institute, nothing recorded against it: `services.withdrawal_refusal`)."""
        return user.id == self.pm_id or user.is_hq_admin

    def can_request_gate(self, user: User) -> bool:
        """The PM asks for the gate (in an active phase: `closed.gate_refusal`)."""
        return user.id == self.pm_id

    def can_manage_plan(self, user: User) -> bool:
        """Under the PM system the PM runs the project: records its TRL and its spending, and
        changes its plan (within limits, or asking HQ), once its phase lets them
        (`tracker.projects.closed.plan_refusal`: under way)."""
        return user.id == self.pm_id

    def can_hand_over(self, user: User) -> bool:
        """HQ, or the project's institute's director, hands it to another PM (`plan_refusal`)."""
        return user.is_hq_admin or self.institute_id in user.directed_institute_ids

    def can_prepare(self, user: User) -> bool:
        """The PM prepares the next gate (deliverables, submission) while the project is open
        (`tracker.projects.closed.open_refusal`)."""
        return user.id == self.pm_id

    @staticmethod
    def can_decide_hold(user: User) -> bool:
        """Resuming or ending a held project is an HQ decision."""
        return user.has_role(Role.HQ_ADMIN)

    @staticmethod
    def can_create(user: User) -> bool:
        return user.has_role(Role.PROJECT_MANAGER)

    @staticmethod
    def can_view_dashboard(user: User) -> bool:
        """The portfolio's figures (dashboard, annual report): HQ-wide roles for the network,
        a director for the institutes they direct."""
        return user.sees_whole_portfolio or bool(user.directed_institute_ids)


class ProjectMember(Base):
    """A place on a project's team. The PM proposes it; it counts (access to the project, a
    stake that bars its holder from reviewing it) only once the person, or the director of the
    project's institute, confirms: otherwise a PM could name chosen evaluators to the team and
    so keep them off the project's panels. Until then it is pending and gives nothing."""

    __tablename__ = "project_members"
    __table_args__ = (
        UniqueConstraint("project_id", "user_id"),
        # The projects a user is on: `visibility.visible_to` for every list they open.
        Index("ix_project_members_user_id", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    role: Mapped[str] = mapped_column(String(100), default="")
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    project: Mapped[Project] = relationship(back_populates="members")
    user: Mapped[User] = relationship(foreign_keys=[user_id])
    confirmed_by: Mapped[User | None] = relationship(foreign_keys=[confirmed_by_id])

    @hybrid_property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None

    @confirmed.expression
    def confirmed(cls) -> ColumnElement[bool]:  # noqa: N805
        return cls.confirmed_at.is_not(None)

    def can_see(self, user: User) -> bool:
        """Who sees its project, and who answers the place (`can_answer`).
        (Not `can_view`, which would also open its history to them:
        `AuditRecord.can_view_history`.)"""
        return self.can_answer(user) or self.project.can_view(user)

    def can_answer(self, user: User) -> bool:
        """The person named, or their institute's director, answers a place on the team (while
        it is pending: `team.answer_refusal`)."""
        return user.id == self.user_id or self.project.institute_id in user.directed_institute_ids


class ProjectCodeCounter(Base):
    """The last sequence number used for project codes of one HQ and year."""

    __tablename__ = "project_code_counters"

    hq_id: Mapped[int] = mapped_column(ForeignKey("headquarters.id"), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer, default=0)
