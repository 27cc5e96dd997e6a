"""The words of the audit trail for partners (tracker/partners): universities, research
institutes, government bodies, investors and banks, their agreements, and what they pay as
co-funders of an allocation-investment agreement. `tracker.display.words` merges them in."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ACTIONS = {
    "partner.create": _l("Partner recorded"),
    "partner.update": _l("Partner changed"),
    "partner.merge": _l("Partner merged into another (entered twice)"),
    "partner.absorb": _l("Partner entered twice merged into this one"),
    "partner_agreement.create": _l("Agreement with a partner recorded"),
    "partner_agreement.update": _l("Agreement with a partner corrected"),
    "co_funder.payment": _l("Payment by a co-funder recorded"),
    "co_funder.reverse": _l("Payment by a co-funder reversed"),
}

OBJECTS = {
    "partners": _l("Partner"),
    "co_funder_payments": _l("Payment by a co-funder"),
    "partner_agreements": _l("Agreement with a partner"),
    "partner_agreement_documents": _l("Signed document of an agreement with a partner"),
}

FIELDS = {
    "partner_id": _l("Partner"),
    "co_funder_id": _l("Co-funder"),
    "merged_into_id": _l("Merged into"),
    "merged_partner": _l("Partner merged into it"),
    "moved_agreements": _l("Agreements moved to it"),
    "moved_co_funding": _l("Co-funding lines moved to it"),
    "moved_reports": _l("Reports owed moved to it"),
    "moved_institutes": _l("Institutes moved to it"),
}

# A key that means something else on a partner than FIELDS says (an approval's "level").
FIELDS_OF = {
    ("partners", "level"): _l("Government level"),
}
