"""The words of the audit trail for research contracts (tracker/contracts): recorded,
registered, corrected, their schedules and the money received. `tracker.display.words` merges
them in."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

ACTIONS = {
    "contract.payment": _l("Payment recorded"),
    "contract.record": _l("Contract recorded"),
    "contract.register": _l("Contract registration recorded"),
    "contract.registration_correct": _l("Contract registration corrected"),
    "contract.update": _l("Contract corrected"),
    "contract.void": _l("Contract voided"),
    "instalment.create": _l("Instalment added"),
    "instalment.update": _l("Instalment corrected"),
    "instalment.remove": _l("Instalment removed"),
    "payment.reverse": _l("Payment reversed"),
}

FIELDS = {
    "voided_at": _l("Voided"),
    "void_reason": _l("Why it was voided"),
    "voided_by_id": _l("Voided by"),
}

# The instalment a record on its contract is about (a correction, a removal), by its id: how
# the contract's page finds the record, never shown.
HIDDEN = {"instalment_id", "removed_instalment_id"}
