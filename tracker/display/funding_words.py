"""The words of the audit trail for allocation-investment (tracker/funding): the agreement,
its tranches, disbursements, conversion and outcome, each recorded, corrected, reversed or voided.
`tracker.display.words` merges them in."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ACTIONS = {
    "disbursement.reverse": _l("Disbursement reversed"),
    "funding.agree": _l("Funding agreement recorded"),
    "funding.convert": _l("Conversion recorded"),
    "conversion.reverse": _l("Conversion reversed"),
    "funding.disburse": _l("Disbursement recorded"),
    "funding.outcome": _l("Outcome recorded"),
    "funding.tranche": _l("Tranche added"),
    "funding.update": _l("Funding agreement corrected"),
    "funding.void": _l("Funding agreement voided"),
    "tranche.update": _l("Tranche corrected"),
    "tranche.void": _l("Tranche voided"),
    "outcome.update": _l("Outcome corrected"),
    "outcome.withdraw": _l("Outcome withdrawn"),
}
