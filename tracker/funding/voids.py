"""An allocation-investment agreement or a tranche recorded entirely by mistake is voided by
the investment committee, with the reason (issue 9 point 5), the way a contract is
(`tracker.voids`): it stays on the funding page and in the history, marked voided, and counts
in no list, figure, dashboard, annual report, reminder or export of running agreements.

Only while nothing depends on it: money paid under it and not reversed, a conversion that
stands, an outcome recorded, a report owed to a funder. Each `..._void_refusal` names the first
such thing and links to where it is reversed (a `Blocker`); the service refuses by it and the
funding page reads it to offer the form, or say what to reverse first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from tracker import voids
from tracker.display.labels import label
from tracker.funding import amendments, services
from tracker.funding.models import FundingAgreement, Tranche
from tracker.obligations import queries as obligations
from tracker.voids import Blocker

if TYPE_CHECKING:
    from tracker.accounts.models import User


# Where a disbursement that stands is reversed first, and what the link says.
_DISBURSEMENT = ("funding.reverse_disbursement", "disbursement_id",
                 _l("Reverse the disbursement"))


def tranche_void_refusal(tranche: Tranche) -> Blocker | None:
    """Why the tranche can't be voided (voided already, or of a voided agreement; the
    agreement closed, converted or with an outcome; money paid on it and not reversed); None
    when it can."""
    agreement = tranche.agreement
    if (said := voids.refusal(tranche) or voids.refusal(agreement)) is not None:
        return Blocker(said)
    if not agreement.is_open:
        return Blocker(amendments.tranche_refusal(tranche))
    return voids.standing_first(tranche.disbursements, lambda num, amount: ngettext(
        "%(amount)s was paid on tranche %(n)s and stands: reverse the disbursement first "
        "(with the reason), then void the tranche.",
        "%(amount)s was paid on tranche %(n)s in %(num)d disbursements that stand: "
        "reverse them first (with the reason), then void the tranche.",
        num, n=tranche.number, amount=amount), *_DISBURSEMENT)


def agreement_void_refusal(agreement: FundingAgreement) -> Blocker | None:
    """Why the agreement can't be voided: voided already, or what stands under it, the
    furthest first (a conversion, an outcome, HQ's money paid, a co-funder's, a report owed);
    None when nothing does."""
    if (said := voids.refusal(agreement)) is not None:
        return Blocker(said)
    if (conversion := agreement.conversion) is not None:
        return Blocker(_(
            "The money disbursed under this agreement was converted to HQ's shares at the "
            "round %(round)s: reverse the conversion first (with the reason), then void the "
            "agreement.", round=conversion.round.name),
            "funding.reverse_conversion", {"conversion_id": conversion.id},
            _("Reverse the conversion"))
    if not agreement.is_open:
        return Blocker(_(
            "An outcome is recorded on this agreement (%(outcome)s): withdraw it first (with "
            "the reason), then void the agreement.", outcome=label(agreement.outcome)),
            "funding.withdraw_outcome", {"agreement_id": agreement.id},
            _("Withdraw the outcome"))
    hq_paid = voids.standing_first(
        [d for t in agreement.tranches for d in t.disbursements], lambda num, amount: ngettext(
            "HQ paid %(amount)s under this agreement and it stands: reverse the disbursement "
            "first (with the reason), then void the agreement.",
            "HQ paid %(amount)s under this agreement in %(num)d disbursements that stand: "
            "reverse them first (with the reason), then void the agreement.",
            num, amount=amount), *_DISBURSEMENT)
    co_paid = voids.standing_first(
        [p for c in agreement.co_funders for p in c.payments], lambda num, amount: ngettext(
            "A co-funder's payment of %(amount)s stands under this agreement: reverse it first "
            "(with the reason), then void the agreement.",
            "%(num)d co-funders' payments adding up to %(amount)s stand under this agreement: "
            "reverse them first (with the reason), then void the agreement.",
            num, amount=amount), "co_funding.reverse", "payment_id", _("Reverse the payment"))
    if hq_paid or co_paid:
        return hq_paid or co_paid
    return voids.owed_first(obligations.under(agreement, standing=True), lambda num: ngettext(
        "A report owed to a funder is recorded under this agreement: cancel it first (or, if "
        "one was submitted, the agreement was no mistake).",
        "%(num)d reports owed to funders are recorded under this agreement: cancel them first "
        "(or, if one was submitted, the agreement was no mistake).", num))


def void_tranche(actor: User, tranche: Tranche, reason: str) -> Tranche:
    """A tranche recorded by mistake plans nothing more: it stays on the funding page,
    marked voided with the reason, and is no longer paid, reminded of or counted."""
    services.require_committee(actor)
    services.lock_tranche(tranche)
    return voids.void(actor, tranche, reason, "tranche.void", _("Say why the tranche is voided."),
                      refusal=tranche_void_refusal)


def void_agreement(actor: User, agreement: FundingAgreement, reason: str) -> FundingAgreement:
    """An agreement recorded by mistake (the wrong project, entered twice, never signed) no
    longer counts: it stays, marked voided with the reason, and the project may be funded by
    another agreement."""
    services.require_committee(actor)
    services.lock(agreement)
    return voids.void(actor, agreement, reason, "funding.void",
                      _("Say why the agreement is voided."), refusal=agreement_void_refusal,
                      stale=[*(d for t in agreement.tranches for d in t.disbursements),
                             *(p for c in agreement.co_funders for p in c.payments)])


def offered(user: User, agreement: FundingAgreement | None) -> dict:
    """What the funding page offers the user to void: the agreement (`may_void_agreement`,
    and what keeps it from being voided, `agreement_blocker`), and each tranche they may void
    with what keeps it (`tranche_blockers`, None: the form is offered), while the agreement
    runs (closed, its tranches stand as they were: the agreement's own line says why; a
    voided tranche's line says it was)."""
    if agreement is None:
        return {"may_void_agreement": False, "agreement_blocker": None, "tranche_blockers": {}}
    may = agreement.can_void(user)
    return {"may_void_agreement": may,
            "agreement_blocker": agreement_void_refusal(agreement) if may else None,
            "tranche_blockers": {t.id: tranche_void_refusal(t) for t in agreement.tranches
                                 if t.can_void(user) and agreement.is_open and not t.is_void}}
