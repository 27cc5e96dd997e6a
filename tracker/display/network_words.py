"""The words of the audit trail for the institute network: joint innovation centres' agreements
(tracker/centres) and partners (tracker/partners). `tracker.display.words` merges them into its
tables."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ACTIONS = {
    "centre_agreement.create": _l("Centre agreement recorded"),
    "centre_agreement.renew": _l("Centre agreement renewed"),
    "centre_agreement.update": _l("Centre agreement corrected"),
    "centre_agreement.payment": _l("Payment by the enterprise recorded"),
}

OBJECTS = {
    "centre_agreements": _l("Centre agreement"),
    "centre_payments": _l("Payment by the enterprise"),
}

FIELDS = {
    "renews_id": _l("Renews"),
    "liaison_id": _l("Liaison"),
}
