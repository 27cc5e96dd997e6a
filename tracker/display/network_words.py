"""The words of the audit trail for the institute network: joint innovation centres' agreements
(tracker/centres), partners (tracker/partners) and enterprise needs (tracker/needs).
`tracker.display.words` merges them into its tables."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ACTIONS = {
    "centre_agreement.create": _l("Centre agreement recorded"),
    "centre_agreement.renew": _l("Centre agreement renewed"),
    "centre_agreement.update": _l("Centre agreement corrected"),
    "centre_agreement.payment": _l("Payment by the enterprise recorded"),
    "centre_agreement.reverse": _l("Payment by the enterprise reversed"),
    # Enterprise needs from intake to contract (tracker/needs).
    "need.submit": _l("Need submitted"),
    "need.analyse": _l("Need analysed"),
    "need.candidate": _l("Candidate proposed"),
    "need.match": _l("Match decided"),
    "need.project": _l("Need made a project"),
    "need.move": _l("Need moved"),
    # A headquarters' list of regions (tracker/regions).
    "region.create": _l("Region added"),
    "region.update": _l("Region changed"),
    "region.delete": _l("Region deleted"),
}

OBJECTS = {
    "enterprise_recognitions": _l("Year of a recognition"),
    "centre_agreements": _l("Centre agreement"),
    "centre_payments": _l("Payment by the enterprise"),
    "need_candidates": _l("Candidate for a need"),
    "regions": _l("Region"),
}

FIELDS = {
    "recognition": _l("Recognition"),
    # What organisations carry for the reports (issue 15): an institute's region, one of its
    # headquarters' since migration 0112 (`region` in the records before it: its code).
    "region_id": _l("Region"),
    "region": _l("Region"),
    "legal_entity": _l("A legal entity of its own"),
    "partner_ids": _l("Co-building partners"),
    "size": _l("Enterprise size"),
    "specialised_since": _l("Specialised, refined, distinctive and innovative SME"),
    "little_giant_since": _l("Little giant (national specialised SME)"),
    "high_tech_since": _l("High-tech enterprise"),
    "tech_sme_since": _l("Technology-based SME"),
    "renews_id": _l("Renews"),
    "liaison_id": _l("Liaison"),
    # A need's analysis, its steps and its candidates (tracker/needs).
    "budget_min": _l("Budget from"),
    "budget_max": _l("Budget up to"),
    "urgency": _l("Urgency"),
    "state_since": _l("In this state since"),
    "analysed_at": _l("Analysed on"),
    "matched_at": _l("Matched on"),
    "matched_by_id": _l("Match decided by"),
    "contracted_at": _l("Contracted on"),
    "close_reason": _l("Why it was closed"),
    "proposed_at": _l("Proposed on"),
    "proposed_by_id": _l("Proposed by"),
    "chosen_at": _l("Chosen on"),
    "chosen_by_id": _l("Chosen by"),
}
