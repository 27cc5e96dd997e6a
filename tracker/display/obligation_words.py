"""The words of the audit trail for the reports owed to funders (tracker/obligations).
`tracker.display.words` merges them into its tables."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ACTIONS = {
    "report_obligation.create": _l("Report owed recorded"),
    "report_obligation.update": _l("Report owed corrected"),
    "report_obligation.withdraw": _l("Report owed cancelled"),
    "report_obligation.restore": _l("Report owed restored"),
    "report_obligation.submit": _l("Report submitted"),
    "report_obligation.replace": _l("Corrected report submitted"),
}

OBJECTS = {
    "report_obligations": _l("Report owed to a funder"),
    "report_submissions": _l("Report submitted"),
}

FIELDS = {
    "recipient": _l("Goes to (a name typed)"),
    "recipient_enterprise_id": _l("Goes to (enterprise)"),
    "recipient_partner_id": _l("Goes to (partner)"),
    "recipient_hq_id": _l("Goes to (HQ)"),
    "withdrawn_at": _l("Cancelled on"),
    "withdrawn_reason": _l("Why it was cancelled"),
    "missed_due_on": _l("Late since the due date of"),
    "submitted_on": _l("Submitted on"),
    "funding_agreement_id": _l("Allocation-investment agreement"),
    "obligation_id": _l("Report owed"),
    "co_funder_id": _l("Asked for by"),
}
