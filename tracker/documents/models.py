"""Official documents (公文): the wording HQ keeps for each kind, and every document issued,
kept as a PDF with the record it belongs to."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db import Base, UTCDateTime, Versioned, str_enum, utcnow
from tracker.display.bilingual import Bilingual
from tracker.gates import scorecards

if TYPE_CHECKING:
    from tracker.accounts.models import User
    from tracker.files.models import StoredFile
    from tracker.gates.models import GateDecision
    from tracker.projects.models import Project


class DocumentKind(enum.StrEnum):
    APPROVAL_NOTICE = "approval_notice"  # 立项通知书: gate 1 approved the proposal
    REVIEW_OPINION = "review_opinion"  # 评审意见表: a decided gate review, every expert's scores
    ACCEPTANCE_CERTIFICATE = "acceptance_certificate"  # 验收证书: gate 2's conclusion
    TASK_AGREEMENT = "task_agreement"  # 任务书: the plan (objectives, milestones, budget)


DOCUMENT_KIND_LABELS = {
    DocumentKind.APPROVAL_NOTICE: _l("Approval notice"),
    DocumentKind.REVIEW_OPINION: _l("Review opinion form"),
    DocumentKind.ACCEPTANCE_CERTIFICATE: _l("Acceptance certificate"),
    DocumentKind.TASK_AGREEMENT: _l("Task agreement"),
}

# The kind's part of a document number (JITRI-2026-0042-LX-01): the pinyin initials of its
# Chinese name, as institutes number their papers.
NUMBER_CODES = {
    DocumentKind.APPROVAL_NOTICE: "LX",
    DocumentKind.REVIEW_OPINION: "PS",
    DocumentKind.ACCEPTANCE_CERTIFICATE: "YS",
    DocumentKind.TASK_AGREEMENT: "RW",
}

# The languages a document is issued in (codes of config.LANGUAGES).
DOCUMENT_LANGUAGES = ("zh_CN", "en")


# How long each wording may be, in characters, in either language: what the A4 page holds
# (the letterhead on at most two lines at its size, the title likewise, the opening and closing
# well inside a page). The form says so beside each field and the service refuses beyond.
WORDING_LIMITS = {"letterhead": 60, "title": 80, "opening": 1500, "closing": 300,
                  "issuer": 100}


class DocumentTemplate(Bilingual, Versioned, Base):
    """HQ's letterhead and wording of one kind of document, in both languages. A kind never
    saved reads its defaults (`tracker.documents.wording`). Each document copies the wording
    it was issued with, so an edit changes the next document, never one already issued."""

    __tablename__ = "document_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[DocumentKind] = mapped_column(str_enum(DocumentKind, "document_kind"),
                                               unique=True)
    letterhead: Mapped[str] = mapped_column(String(200))
    letterhead_en: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(100))
    title_en: Mapped[str] = mapped_column(String(100))
    opening: Mapped[str] = mapped_column(Text, default="")
    opening_en: Mapped[str] = mapped_column(Text, default="")
    closing: Mapped[str] = mapped_column(Text, default="")
    closing_en: Mapped[str] = mapped_column(Text, default="")
    issuer: Mapped[str] = mapped_column(String(200))
    issuer_en: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def in_language(self, language: str) -> dict[str, str]:
        """The wording of `language` (a code of DOCUMENT_LANGUAGES)."""
        suffix = "_en" if language == "en" else ""
        return {name: getattr(self, name + suffix) or ""
                for name in ("letterhead", "title", "opening", "closing", "issuer")}

    @staticmethod
    def can_edit(user: User) -> bool:
        return user.is_hq_admin


class OfficialDocument(Base):
    """One document as issued: its number, language and what it printed (`content`: the
    record's facts and HQ's wording at the time), and the PDF made from that content, stored
    as a file of the project. Rendering `content` again gives the same bytes
    (`tracker.documents.services.regenerate`). Never edited; issuing again after the record or
    the wording changed makes a new document with the next number."""

    __tablename__ = "official_documents"
    __table_args__ = (
        UniqueConstraint("number"),
        CheckConstraint("language IN ('zh_CN', 'en')", name="language_known"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[DocumentKind] = mapped_column(str_enum(DocumentKind, "official_document_kind"))
    project_id: Mapped[int] = mapped_column(ForeignKey("projects.id"), index=True)
    # The gate decision it documents; none for a task agreement (the project's plan).
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("gate_decisions.id"), index=True)
    number: Mapped[str] = mapped_column(String(60))
    sequence: Mapped[int] = mapped_column(Integer)
    language: Mapped[str] = mapped_column(String(10))
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    file_id: Mapped[int] = mapped_column(ForeignKey("stored_files.id"), unique=True)
    sha256: Mapped[str] = mapped_column(String(64))
    issued_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    project: Mapped[Project] = relationship()
    decision: Mapped[GateDecision | None] = relationship()
    file: Mapped[StoredFile] = relationship(back_populates="official_document")
    issued_by: Mapped[User] = relationship()

    @staticmethod
    def can_issue(user: User) -> bool:
        """HQ admins issue the official documents (`may_issue`: of records they may see)."""
        return user.is_hq_admin

    def can_view(self, user: User) -> bool:
        """Whoever may see the record: the project for a notice, a certificate or a task
        agreement; the named scorecards for a review opinion form (the panel who scored and
        HQ-wide roles: `tracker.gates.scorecards.may_read`)."""
        return may_see(user, self.kind, self.project, self.decision)


def may_see(user: User, kind: DocumentKind, project: Project,
            decision: GateDecision | None) -> bool:
    """Who may see a document of `kind` about `project` (and `decision`): the rule of the
    record it comes from."""
    if kind is DocumentKind.REVIEW_OPINION:
        return (decision is not None and decision.review.can_view(user)
                and scorecards.may_read(user, decision.review))
    return project.can_view(user)


def may_issue(user: User, kind: DocumentKind, project: Project,
              decision: GateDecision | None) -> bool:
    """HQ admins issue the official documents, of records they may see."""
    return OfficialDocument.can_issue(user) and may_see(user, kind, project, decision)
