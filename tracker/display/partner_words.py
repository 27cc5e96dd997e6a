"""The words of the audit trail for partners (tracker/partners): universities, research
institutes, government bodies, investors and banks, their agreements, and what they pay as
co-funders of an allocation-investment agreement. `tracker.display.words` merges them in."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ACTIONS = {
    "partner.create": _l("Partner recorded"),
    "partner.update": _l("Partner changed"),
    "partner_agreement.create": _l("Agreement with a partner recorded"),
    "partner_agreement.update": _l("Agreement with a partner corrected"),
    "co_funder.payment": _l("Payment by a co-funder recorded"),
    "co_funder.reverse": _l("Payment by a co-funder reversed"),
}

OBJECTS = {
    "partners": _l("Partner"),
    "co_funder_payments": _l("Payment by a co-funder"),
    "partner_agreements": _l("Agreement with a partner"),
}

FIELDS = {
    "partner_id": _l("Partner"),
    "co_funder_id": _l("Co-funder"),
}
