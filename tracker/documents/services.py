"""Issuing official documents and keeping HQ's wording of them.

`issue` builds a document's content from its record (`content.build`), renders it
(`render.render`), stores the PDF as a file of the project and records the document with its
content, so `regenerate` makes the same bytes from the record at any later time. Issuing again
what was issued already (same record, same language, nothing changed in the record or the
wording) gives back the document issued, under its number: a number names one content.
"""

from __future__ import annotations

import hashlib
import io
from datetime import date
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from sqlalchemy import func, select

from tracker import db
from tracker.audit import services as audit
from tracker.dates import today
from tracker.documents import content as contents
from tracker.documents.models import (
    DOCUMENT_LANGUAGES,
    NUMBER_CODES,
    WORDING_LIMITS,
    DocumentKind,
    DocumentTemplate,
    OfficialDocument,
    may_issue,
)
from tracker.documents.render import FontMissing, render
from tracker.documents.wording import default_template
from tracker.errors import Forbidden, Invalid, Problems, Refused
from tracker.files import services as files
from tracker.organisations.models import Headquarters

if TYPE_CHECKING:
    from tracker.accounts.models import User
    from tracker.gates.models import GateDecision
    from tracker.projects.models import Project

WORDING_FIELDS = ("letterhead", "title", "opening", "closing", "issuer")


def template_for(kind: DocumentKind, hq: Headquarters | None = None) -> DocumentTemplate:
    """HQ's wording of `kind`, or the default one (unsaved) until HQ saves it, headed with
    the names of `hq` (a project's), else of the headquarters when there is only one (the
    wording pages, which no project names)."""
    saved = db.session.scalar(select(DocumentTemplate).where(DocumentTemplate.kind == kind))
    if saved is not None:
        return saved
    if hq is None:
        found = db.session.scalars(select(Headquarters).order_by(Headquarters.id).limit(2)).all()
        hq = found[0] if len(found) == 1 else None
    return default_template(kind, hq)


def none_called_for(project: Project) -> str:
    """Why no document is issued for `project` yet: none of its records calls for one."""
    return _("%(project)s calls for no document yet: the approval notice follows a GO at "
             "gate 1, the other documents the decisions and the plan they come from.",
             project=project.reference)


def issue(actor: User, kind: DocumentKind, project: Project, decision: GateDecision | None,
          language: str) -> OfficialDocument:
    """Issue the document of `kind` for `project` (and `decision`) in `language`."""
    if not may_issue(actor, kind, project, decision):
        raise Forbidden()
    if language not in DOCUMENT_LANGUAGES:
        raise Invalid("language", _("Choose Chinese or English."))
    if (kind, decision) not in contents.documents_of(project):
        raise Refused(_("This record does not call for that document (yet)."))
    db.lock(project)  # numbers are given one at a time
    wording = template_for(kind, project.hq).in_language(language)
    issued_on = today()
    same = _latest(kind, project, decision, language)
    if same is not None and same.content == contents.build(
            kind, project, decision, language, wording, same.number, issued_on=_issued_on(same)):
        return same
    sequence = 1 + (db.session.scalar(select(func.max(OfficialDocument.sequence)).where(
        OfficialDocument.project_id == project.id, OfficialDocument.kind == kind)) or 0)
    number = f"{project.code}-{NUMBER_CODES[kind]}-{sequence:02d}"
    content = contents.build(kind, project, decision, language, wording, number, issued_on)
    pdf = _render(content)
    stored = files.store(actor, io.BytesIO(pdf), f"{number}.pdf", project_id=project.id)
    document = OfficialDocument(
        kind=kind, project_id=project.id, decision_id=decision.id if decision else None,
        number=number, sequence=sequence, language=language, content=content,
        file_id=stored.id, sha256=hashlib.sha256(pdf).hexdigest(), issued_by_id=actor.id)
    db.session.add(document)
    audit.record(actor, "document.issue", document, {
        "kind": [None, kind.value], "number": [None, number], "language": [None, language],
        "decision_id": [None, document.decision_id], "sha256": [None, document.sha256]})
    db.session.flush()
    return document


def _issued_on(document: OfficialDocument) -> date:
    """The day the document is dated (its decision's, or the day a task agreement was
    issued): kept in its content, so comparing it with the record again does not depend on
    today."""
    return date.fromisoformat(document.content["dated"])


def _latest(kind: DocumentKind, project: Project, decision: GateDecision | None,
            language: str) -> OfficialDocument | None:
    of_record = (OfficialDocument.decision_id == decision.id if decision is not None
                 else OfficialDocument.decision_id.is_(None))
    return db.session.scalar(select(OfficialDocument).where(
        OfficialDocument.project_id == project.id, OfficialDocument.kind == kind, of_record,
        OfficialDocument.language == language).order_by(OfficialDocument.id.desc()).limit(1))


def _render(content: dict) -> bytes:
    try:
        return render(content)
    except FontMissing as missing:
        # The administrator's fix (the fonts-wqy-microhei package, or DOCUMENT_FONT) is in
        # the README; the page says what is missing and whom to tell.
        raise Refused(_("The Chinese font of the official documents (%(path)s) is not "
                        "installed on the server: nothing was issued. Tell the server's "
                        "administrator.", path=str(missing))) from None


def regenerate(document: OfficialDocument) -> bytes:
    """The document's PDF made again from its record: the stored bytes, byte for byte."""
    return _render(document.content)


def save_template(actor: User, template: DocumentTemplate, values: dict[str, str]) -> \
        DocumentTemplate:
    """Replace HQ's wording of one kind of document (both languages); audited. Letterhead,
    title and issuer are required in each language; the opening and closing may be empty."""
    if not DocumentTemplate.can_edit(actor):
        raise Forbidden()
    problems = Problems()
    cleaned = {}
    for name in WORDING_FIELDS:
        for key in (name, f"{name}_en"):
            value = (values.get(key) or "").strip()
            if name in ("letterhead", "title", "issuer") and not value:
                problems.add(key, _("Required in both languages."))
            if len(value) > WORDING_LIMITS[name]:
                problems.add(key, _("At most %(max)d characters: this has %(length)d.",
                                    max=WORDING_LIMITS[name], length=len(value)))
            cleaned[key] = value
    problems.raise_any()
    creating = template.id is None
    for key, value in cleaned.items():
        setattr(template, key, value)
    db.session.add(template)
    audit.saved(actor, "document_template", template, creating)
    db.session.flush()
    return template
