"""The words of the audit trail for the official documents (tracker/documents).
`tracker.display.words` merges them into its tables."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ACTIONS = {
    "document.issue": _l("Official document issued"),
    "document_template.create": _l("Document wording saved"),
    "document_template.update": _l("Document wording changed"),
}

OBJECTS = {
    "document_templates": _l("Document template"),
    "official_documents": _l("Official document"),
}

FIELDS = {
    "letterhead": _l("Letterhead"),
    "opening": _l("Opening paragraph"),
    "closing": _l("Closing sentence"),
    "issuer": _l("Issued by"),
    "sequence": _l("Sequence"),
    "language": _l("Language"),
    "content": _l("Content"),
    "issued_by_id": _l("Issued by"),
    "issued_at": _l("Date issued"),
}
