"""Correcting what the investment committee recorded wrong on an allocation-investment
agreement (issue 9 point 5): its terms and its co-funders, a tranche, and the outcome recorded
after the deadline. Each is the committee's, with a reason, on the agreement's version (a stale
save is refused with what changed, `tracker.web.actions.submit`), audited before and after.

A correction meets every rule the record met when it was recorded, by the same checks
(`tracker.funding.terms`), and leaves true what is recorded under it:
the money is a ledger (a disbursement or a co-funder's payment is never edited, it is
reversed: `tracker.funding.corrections`, `tracker.partners.co_funding`), so HQ's commitment
stays at least what its tranches plan, the signing on or before the first payment, each
co-funder's commitment at least what it paid, a tranche's amount as it was once money is paid
on it, and a standing conversion's terms (its discount, the round it qualified as) as they
were when it converted; the conversion is reversed first to change them.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select

from tracker import corrections, db, money, reversals, voids
from tracker.audit import services as audit
from tracker.display.formatting import day, pct
from tracker.display.formatting import money as cny
from tracker.errors import Problems
from tracker.funding import services, terms
from tracker.funding.models import (
    DEADLINE_OUTCOMES,
    AgreementOutcome,
    CoFunder,
    ConditionKind,
    FundingAgreement,
    Tranche,
)
from tracker.obligations.models import ReportObligation
from tracker.partners import services as partners

if TYPE_CHECKING:
    from tracker.accounts.models import User
    from tracker.projects.models import Project

RATIO_PLACES = Decimal("0.000001")  # a ratio as its column keeps it (`tracker.db.Ratio`)

# --- the agreement's terms and its co-funders ---------------------------------------------------


def agreement_refusal(agreement: FundingAgreement) -> str | None:
    """Why the agreement's terms are not corrected: it was voided (corrected by no one; its
    form refused before it is drawn); None while it stands."""
    return voids.refusal(agreement)


def save_agreement(actor: User, agreement: FundingAgreement, *, committed: Decimal | None,
                   qualifying_round_min: Decimal | None, conversion_deadline: date | None,
                   signed_on: date | None, discount_pct: Decimal | None,
                   hq_ratio: Decimal | None, co_funders: list[tuple[str, Decimal | None]],
                   reason: str) -> FundingAgreement:
    """The agreement's terms and co-funders corrected; every problem at once, each beside its
    field. A co-funder is matched to the line naming its partner: its ratio changes, a line
    naming another partner adds one, and one no line names is removed (if nothing was paid or
    is owed to it)."""
    services.require_committee(actor, lambda: agreement_refusal(agreement),
                               lock=lambda: services.lock(agreement))
    if discount_pct is None:  # left empty: as it was
        discount_pct = agreement.discount_pct
    problems = Problems()
    terms.check_terms(problems, agreement.project, committed=committed, discount_pct=discount_pct,
                         qualifying_round_min=qualifying_round_min, signed_on=signed_on,
                         conversion_deadline=conversion_deadline, hq_ratio=hq_ratio,
                         co_funders=co_funders, recorded=agreement.signed_on)
    reason = reversals.stated(problems, reason)
    lines = _lines(problems, agreement, co_funders)
    if "committed" not in problems and "hq_ratio" not in problems:
        _each_commitment_covers_its_payments(problems, lines, committed, hq_ratio)
    _keeps_what_was_recorded(problems, agreement, committed=committed, signed_on=signed_on,
                             conversion_deadline=conversion_deadline, discount_pct=discount_pct,
                             qualifying_round_min=qualifying_round_min)
    problems.raise_any()
    agreement.committed, agreement.hq_ratio = committed, hq_ratio
    agreement.discount_pct, agreement.qualifying_round_min = discount_pct, qualifying_round_min
    agreement.signed_on, agreement.conversion_deadline = signed_on, conversion_deadline
    changes = audit.pending_changes(agreement)
    before = _listed(agreement.co_funders)
    staying = [current for current, _name, _ratio in lines if current is not None]
    for co_funder in [c for c in agreement.co_funders if c not in staying]:
        agreement.co_funders.remove(co_funder)
    for current, name, ratio in lines:
        if current is None:
            agreement.co_funders.append(
                CoFunder(partner=partners.co_funder_named(actor, name), ratio=ratio))
        else:
            current.ratio = ratio
    after = _listed(agreement.co_funders)
    if before != after:
        changes["co_funders"] = [before, after]
        if not audit.pending_changes(agreement):
            # Only its co-funders' rows changed: the agreement's version moves all the same,
            # so a tab showing the old co-funders is refused its save.
            agreement.version = agreement.version + 1
    corrections.corrected(actor, "funding.update", agreement, reason, changes=changes)
    db.session.flush()
    db.session.expire(agreement, ["co_funders"])
    return agreement


def _listed(co_funders: list[CoFunder]) -> list[list[str]]:
    """The co-funders as the trail keeps them (`funding.agree`): name and ratio."""
    return [[c.partner.name, str(Decimal(c.ratio).quantize(RATIO_PLACES))] for c in co_funders]


def _lines(problems: Problems, agreement: FundingAgreement,
           lines: list[tuple[str, Decimal | None]]) -> list[tuple[CoFunder | None, str, Decimal]]:
    """Each line with the co-funder it corrects (None: a new one); a co-funder no line names
    is removed, unless money or a report stands under it."""
    matched: list[tuple[CoFunder | None, str, Decimal]] = []
    partner_ids = []
    for name, ratio in lines:
        partner = partners.named(name) if name.strip() else None
        partner_ids += [partner.id] if partner is not None else []
        current = next((c for c in agreement.co_funders
                        if partner is not None and c.partner_id == partner.id), None)
        matched.append((current, name.strip(), ratio))
    if len(set(partner_ids)) < len(partner_ids) and "co_funders" not in problems:
        problems.add("co_funders", _("Each co-funder is named once."))
    staying = {id(current) for current, _name, _ratio in matched}
    for co_funder in agreement.co_funders:
        if id(co_funder) in staying:
            continue
        name = co_funder.partner.shown("name")
        if co_funder.payments:
            problems.add("co_funders", ngettext(
                "%(name)s has a payment recorded under this agreement (a reversed one "
                "counts too): it stays a co-funder. Correct its ratio instead.",
                "%(name)s has %(num)d payments recorded under this agreement (reversed ones "
                "count too): it stays a co-funder. Correct its ratio instead.",
                len(co_funder.payments), name=name))
        elif db.session.scalar(select(func.count(ReportObligation.id)).where(
                ReportObligation.co_funder_id == co_funder.id)):
            problems.add("co_funders", _(
                "A report owed to %(name)s is recorded under this agreement: it stays a "
                "co-funder.", name=name))
    return matched


def _each_commitment_covers_its_payments(
        problems: Problems, lines: list[tuple[CoFunder | None, str, Decimal]],
        committed: Decimal, hq_ratio: Decimal) -> None:
    for current, _name, ratio in lines:
        if current is None or ratio is None or ratio <= 0:
            continue
        commitment = money.pro_rata(committed, ratio, hq_ratio)
        if commitment < current.paid:
            problems.add("co_funders", _(
                "%(name)s has paid %(paid)s: by these terms it would commit %(commitment)s, "
                "less than that.", name=current.partner.shown("name"), paid=cny(current.paid),
                commitment=cny(commitment)))


def _keeps_what_was_recorded(problems: Problems, agreement: FundingAgreement, *,
                             committed: Decimal | None, signed_on: date | None,
                             conversion_deadline: date | None, discount_pct: Decimal,
                             qualifying_round_min: Decimal | None) -> None:
    """The rules that tie the terms to what is recorded under them."""
    if committed is not None and "committed" not in problems and committed < agreement.planned:
        problems.add("committed", _(
            "The tranches add up to %(planned)s (%(disbursed)s of it paid): HQ's commitment "
            "is at least that.", planned=cny(agreement.planned),
            disbursed=cny(agreement.disbursed)))
    paid = [d.paid_on for t in agreement.tranches for d in t.disbursements if not d.is_reversal]
    paid += [p.paid_on for c in agreement.co_funders for p in c.payments if not p.is_reversal]
    if signed_on is not None and paid and signed_on > min(paid):
        problems.add("signed_on", _("A payment was recorded on %(date)s: the agreement was "
                                    "signed by then.", date=day(min(paid))))
    if (conversion := agreement.conversion) is not None:
        financing = conversion.round
        reverse_first = _("Reverse the conversion first to correct it.")
        if discount_pct != conversion.discount_pct:
            problems.add("discount_pct", " ".join((_(
                "The money converted at the round %(round)s with a discount of %(discount)s.",
                round=financing.name, discount=pct(conversion.discount_pct)), reverse_first)))
        if qualifying_round_min is not None and (
                qualifying_round_min > financing.external_amount):
            problems.add("qualifying_round_min", " ".join((_(
                "The money converted at the round %(round)s, which raised %(amount)s from "
                "external investors: a round qualifies with at most that.",
                round=financing.name, amount=cny(financing.external_amount)), reverse_first)))
        if signed_on is not None and signed_on > financing.on_date:
            problems.add("signed_on", " ".join((_(
                "The money converted at the round of %(date)s: the agreement was signed by "
                "then.", date=day(financing.on_date)), reverse_first)))
        if conversion_deadline is not None and conversion_deadline < financing.on_date:
            problems.add("conversion_deadline", " ".join((_(
                "The money converted at the round of %(date)s: the deadline is no earlier.",
                date=day(financing.on_date)), reverse_first)))
    elif agreement.outcome in DEADLINE_OUTCOMES and conversion_deadline is not None and (
            conversion_deadline >= agreement.outcome_on):
        problems.add("conversion_deadline", _(
            "The outcome was recorded on %(date)s, once the deadline had passed: the deadline "
            "is before it. Correct the outcome first if it was recorded too early.",
            date=day(agreement.outcome_on)))


def corrected_of(agreement: FundingAgreement) -> dict:
    """The agreement's latest corrections, shown beside what they corrected (its page): its
    terms, its outcome while the corrected one stands (none withdrawn or recorded since), and
    under `tranches` each tranche's own, by the tranche's id. Two statements."""
    found = corrections.last_corrected(
        FundingAgreement.__tablename__, [agreement.id],
        ("funding.update", "outcome.update", "outcome.withdraw", "funding.outcome"),
        key=lambda r: "terms" if r.action == "funding.update" else "outcome")
    if "outcome" in found and found["outcome"].action != "outcome.update":
        del found["outcome"]
    found["tranches"] = corrections.last_corrected(
        Tranche.__tablename__, [t.id for t in agreement.tranches], ("tranche.update",))
    return found


# --- a tranche ----------------------------------------------------------------------------------


def tranche_refusal(tranche: Tranche) -> str | None:
    """Why the tranche can't be corrected (the service refuses, the page offers no link);
    None when it can. Money paid on it stands as paid: reversed first, then the tranche
    corrected."""
    agreement = tranche.agreement
    if (said := voids.refusal(agreement) or voids.refusal(tranche)) is not None:
        return said
    if not agreement.is_open:
        return services.agreement_closed(agreement, _("Its tranches stand as they were when "
                                                      "it closed."))
    standing = [d for d in tranche.disbursements if not reversals.undone(d)]
    if standing:
        return ngettext(
            "%(amount)s was paid on tranche %(n)s: it stands as paid. To correct the tranche, "
            "reverse the disbursement first (on the funding page, with the reason).",
            "%(amount)s was paid on tranche %(n)s in %(num)d disbursements: it stands as paid. "
            "To correct the tranche, reverse them first (on the funding page, with the reason).",
            len(standing), n=tranche.number,
            amount=cny(sum((d.amount for d in standing), Decimal("0"))))
    return None


def save_tranche(actor: User, tranche: Tranche, *, amount: Decimal | None,
                 milestone_id: int | None, gate: int | None, reason: str) -> Tranche:
    """A tranche's amount or condition corrected while nothing stands paid on it; every
    problem at once, each beside its field."""
    services.require_committee(actor, lambda: tranche_refusal(tranche),
                               lock=lambda: services.lock_tranche(tranche))
    problems = Problems()
    terms.check_tranche(problems, tranche.agreement, amount=amount, milestone_id=milestone_id,
                        gate=gate, tranche=tranche)
    reason = reversals.stated(problems, reason)
    problems.raise_any()
    tranche.amount, tranche.milestone_id, tranche.gate = amount, milestone_id, gate
    tranche.condition = (ConditionKind.MILESTONE if milestone_id is not None
                         else ConditionKind.GATE)
    corrections.corrected(actor, "tranche.update", tranche, reason)
    db.session.flush()
    db.session.expire(tranche, ["milestone"])
    return tranche


# --- the outcome after the deadline -------------------------------------------------------------


def outcome_refusal(agreement: FundingAgreement) -> str | None:
    """Why the agreement has no outcome to correct here; None when it has one. A conversion
    is corrected by reversing it (`corrections.reverse_conversion`)."""
    if (said := voids.refusal(agreement)) is not None:
        return said
    if agreement.conversion is not None:
        return _("The money was converted to equity: a conversion recorded by mistake is "
                 "reversed on the funding page, not corrected.")
    if agreement.outcome not in DEADLINE_OUTCOMES:
        return _("No outcome is recorded on this agreement yet: it is recorded once the "
                 "conversion deadline has passed.")
    return None


def save_outcome(actor: User, agreement: FundingAgreement, *, outcome: AgreementOutcome | None,
                 on: date | None, repaid_amount: Decimal | None, substitute: Project | None,
                 note: str, reason: str) -> FundingAgreement:
    """The outcome recorded after the deadline corrected (another of them, its date, the
    amount repaid, the substitute, the note) by the committee, which records it."""
    services.require_committee(actor, lambda: outcome_refusal(agreement),
                               lock=lambda: services.lock(agreement))
    problems = Problems()
    repaid_amount, substitute = terms.check_outcome(
        problems, agreement, outcome=outcome, on=on, repaid_amount=repaid_amount,
        substitute=substitute)
    reason = reversals.stated(problems, reason)
    problems.raise_any()
    agreement.outcome, agreement.outcome_on = outcome, on
    agreement.repaid_amount = repaid_amount
    agreement.substitute_project_id = substitute.id if substitute else None
    agreement.outcome_note = (note or "").strip()
    corrections.corrected(actor, "outcome.update", agreement, reason)
    agreement.outcome_by_id = actor.id  # who corrected it last: not a change of the outcome
    db.session.flush()
    return agreement


def withdraw_outcome(actor: User, agreement: FundingAgreement, reason: str) -> FundingAgreement:
    """An outcome recorded by mistake (the committee had not decided, or a round that
    qualifies was found afterwards) withdrawn with the reason: the agreement runs again, its
    reminders with it, until the committee records the outcome or converts the money."""
    services.require_committee(actor, lambda: outcome_refusal(agreement),
                               lock=lambda: services.lock(agreement))
    problems = Problems()
    reason = reversals.stated(problems, reason)
    problems.raise_any()
    agreement.outcome = agreement.outcome_on = agreement.repaid_amount = None
    agreement.substitute_project_id = agreement.outcome_by_id = None
    agreement.outcome_note = ""
    audit.record(actor, "outcome.withdraw", agreement,
                 {**audit.pending_changes(agreement), "reason": [None, reason]})
    db.session.flush()
    return agreement
