"""Files people upload: kept outside static/ under generated names."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.db import Base, UTCDateTime, utcnow

if TYPE_CHECKING:
    from tracker.accounts.models import User
    from tracker.documents.models import OfficialDocument
    from tracker.gates.models import Deliverable
    from tracker.milestones.models import Evidence
    from tracker.obligations.models import ReportSubmission
    from tracker.partners.agreement_models import PartnerAgreement
    from tracker.projects.models import Project


class StoredFile(Base):
    __tablename__ = "stored_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Relative path under UPLOAD_DIR, generated; never derived from what the user sent.
    storage_name: Mapped[str] = mapped_column(String(100), unique=True)
    # As the user named it (Chinese included): given back on download.
    original_name: Mapped[str] = mapped_column(String(255))
    extension: Mapped[str] = mapped_column(String(10))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    project_id: Mapped[int | None] = mapped_column(ForeignKey("projects.id"), index=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    project: Mapped[Project | None] = relationship(viewonly=True)
    evidence: Mapped[list[Evidence]] = relationship(viewonly=True)
    official_document: Mapped[OfficialDocument | None] = relationship(
        back_populates="file", viewonly=True)
    deliverables: Mapped[list[Deliverable]] = relationship(
        primaryjoin="StoredFile.id == foreign(Deliverable.file_id)", viewonly=True)
    report_submissions: Mapped[list[ReportSubmission]] = relationship(
        primaryjoin="StoredFile.id == foreign(ReportSubmission.file_id)", viewonly=True)
    # The agreements it is or was the signed document of (replaced, it stays theirs).
    partner_agreements: Mapped[list[PartnerAgreement]] = relationship(
        secondary="partner_agreement_documents", viewonly=True)

    def can_download(self, user: User) -> bool:
        """Those who may see its project, and the reviewer of the milestone it is evidence for
        while it waits for their review (they may not see the rest of the project). An official
        document's PDF follows the document's own rule (a review opinion form names every
        expert's scores: not for the whole project)."""
        if self.project is None:  # a partner's agreement: who may read the partner
            return bool(self.partner_agreements) and all(
                a.can_view(user) for a in self.partner_agreements)
        if user.is_external_expert:  # the material of a review they score, nothing else
            return any(d.review is not None and d.review.can_see_material(user)
                       for d in self.deliverables)
        if self.official_document is not None:
            return self.official_document.can_view(user)
        if self.report_submissions:  # a report owed to a funder: who may see what owes it
            return all(s.obligation.can_view(user) for s in self.report_submissions)
        return self.project.can_view(user) or any(
            e.update.milestone.reads_evidence(user) for e in self.evidence)
