"""What the investment committee does with allocation-investment money: the agreement, its
tranches, disbursements, conversion to equity at a qualifying round, and the outcome when the
deadline passes without one.

Each function takes the acting user, validates, changes, audits and flushes; the view commits.
A refusal says which rule and what the numbers were, and nothing is changed. `history`: the
import brings the record in as its project's history (`tracker.projects.closed.open_refusal`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from tracker import db, money, voids
from tracker.audit import services as audit
from tracker.companies import services as companies
from tracker.companies.models import (
    Acquisition,
    Company,
    FinancingRound,
    HolderType,
    RoundInvestment,
    ShareEntry,
)
from tracker.dates import today
from tracker.display.formatting import day
from tracker.display.formatting import money as cny
from tracker.display.formatting import price as price_text
from tracker.errors import Invalid, Problems, Refused, require
from tracker.funding import terms
from tracker.funding.models import (
    AgreementOutcome,
    CoFunder,
    ConditionKind,
    Conversion,
    Disbursement,
    FundingAgreement,
    Tranche,
)
from tracker.funding.refusals import (
    agreement_closed,
    agreement_refusal,
    new_agreement_refusal,
    new_tranche_refusal,
    not_payable,
    outcome_refusal,
)
from tracker.notifications.services import emit
from tracker.partners import services as partners
from tracker.projects.models import Project
from tracker.settings import catalogue
from tracker.settings import services as settings

if TYPE_CHECKING:
    from tracker.accounts.models import User


def committee_only() -> str:
    """Why whoever is not on the investment committee is refused (403)."""
    return _("Only the investment committee decides allocation-investment funding.")


def require_committee(actor: User, refusal: Callable[[], str | None] = lambda: None, *,
                      lock: Callable[[], object] | None = None) -> None:
    """The investment committee's, then (under `lock`) when: `tracker.errors.require`."""
    require(FundingAgreement.can_decide(actor), refusal, committee_only(), lock=lock)


def require_open(agreement: FundingAgreement) -> None:
    if (said := voids.refusal(agreement)) is not None:
        raise Refused(said)
    if not agreement.is_open:
        raise Refused(agreement_closed(agreement,
                                      _("Nothing more can be paid or decided on it.")))


def lock(agreement: FundingAgreement) -> None:
    """Serialise the money decisions on one agreement: two payments at once would each see
    the other's tranche as unpaid. PostgreSQL locks the row (SQLite serialises writers), and
    what was paid (by HQ and by the co-funders) and converted is read again after the lock."""
    db.lock(agreement, "conversions", "tranches", "co_funders")
    for tranche in agreement.tranches:
        db.session.expire(tranche, ["disbursements"])
    for co_funder in agreement.co_funders:
        db.session.expire(co_funder, ["payments"])


def lock_tranche(tranche: Tranche) -> None:
    """`lock`, then the tranche read again with its disbursements' reversals (its refusals')."""
    lock(tranche.agreement)
    db.session.refresh(tranche)
    for paid in tranche.disbursements:
        db.session.expire(paid, ["reversed_by"])


def _positive(field: str, amount: Decimal | None) -> Decimal:
    if amount is None or amount <= 0:
        raise Invalid(field, _("The amount must be more than zero: %(amount)s was given.",
                               amount=cny(amount or Decimal("0"))))
    return amount


# --- the agreement -------------------------------------------------------------------------------


def check_agreement(actor: User, project: Project, *, committed: Decimal,
                    qualifying_round_min: Decimal, conversion_deadline: date, signed_on: date,
                    discount_pct: Decimal | None, hq_ratio: Decimal,
                    co_funders: list[tuple[str, Decimal]], standing: bool | None = None,
                    history: bool = False, named: bool = False) -> Decimal:
    """What `record_agreement` refuses (whichever path records it: the form, the import's
    rows, its bulk path), raised; the discount the agreement takes (the setting's when none
    is given). `named`: the import's row names the committee member (`Problems.who`): one
    who is not of the committee is told with the terms' problems."""
    # Every problem at once (`Problems`): the form shows each beside its field in one answer.
    problems = Problems()
    problems.who(FundingAgreement.can_decide(actor), committee_only(), named)
    if (said := new_agreement_refusal(project, standing, history)) is not None:
        raise Refused(said)
    if discount_pct is None:
        discount_pct = Decimal(settings.get(catalogue.CONVERSION_DISCOUNT_PCT))
    terms.check_terms(problems, project, committed=committed, discount_pct=discount_pct,
                      qualifying_round_min=qualifying_round_min, signed_on=signed_on,
                      conversion_deadline=conversion_deadline, hq_ratio=hq_ratio,
                      co_funders=co_funders)
    problems.raise_any()
    return discount_pct


def new_agreement(actor: User, project: Project, *, co_funders: list[tuple[str, Decimal]],
                  **agreed: Decimal | date) -> tuple[FundingAgreement, dict[str, list]]:
    """The agreement `check_agreement` let pass (not added to the session) and what its audit
    record says of it: its terms, and its co-funders (each the partner its name means, one
    recorded for a new name: `partners.co_funder_named`)."""
    agreement = FundingAgreement(project_id=project.id, decided_by_id=actor.id, **agreed)
    changes = audit.pending_changes(agreement)
    agreement.co_funders = [CoFunder(partner=partners.co_funder_named(actor, name), ratio=ratio)
                            for name, ratio in co_funders]
    if agreement.co_funders:
        changes["co_funders"] = [None, [[c.name, str(c.ratio)] for c in agreement.co_funders]]
    return agreement, changes


def record_agreement(actor: User, project: Project, *, committed: Decimal,
                     qualifying_round_min: Decimal, conversion_deadline: date, signed_on: date,
                     discount_pct: Decimal | None = None, hq_ratio: Decimal = Decimal("1"),
                     co_funders: list[tuple[str, Decimal]] | None = None,
                     history: bool = False, named: bool = False) -> FundingAgreement:
    """The committee's allocation-investment decision for `project`. The discount defaults to
    the setting; co-funders match HQ's money in the ratio hq_ratio : ratio. `named`: as
    `check_agreement` says."""
    agreed = {"committed": committed, "qualifying_round_min": qualifying_round_min,
              "conversion_deadline": conversion_deadline, "signed_on": signed_on,
              "hq_ratio": hq_ratio}
    discount_pct = check_agreement(actor, project, **agreed, discount_pct=discount_pct,
                                   co_funders=co_funders or [], history=history, named=named)
    agreement, changes = new_agreement(actor, project, **agreed, discount_pct=discount_pct,
                                       co_funders=co_funders or [])
    audit.record(actor, "funding.agree", agreement, changes)
    db.session.flush()
    return agreement


def matched_amount(agreement: FundingAgreement, co_funder: CoFunder) -> Decimal:
    """What a co-funder puts in beside HQ's commitment, by the ratio."""
    return co_funder.commitment


# --- tranches ------------------------------------------------------------------------------------


def add_tranche(actor: User, agreement: FundingAgreement, *, amount: Decimal,
                milestone_id: int | None = None, gate: int | None = None, history: bool = False
                ) -> Tranche:
    """A tranche released when a named milestone is accepted or a named gate passed with GO."""
    require_committee(actor)
    lock(agreement)
    check_tranche(agreement, amount=amount, milestone_id=milestone_id, gate=gate, history=history)
    tranche = new_tranche(agreement, amount=amount, milestone_id=milestone_id, gate=gate)
    audit.record(actor, "funding.tranche", tranche)
    db.session.flush()
    return tranche


def check_tranche(agreement: FundingAgreement, *, amount: Decimal, milestone_id: int | None,
                  gate: int | None, history: bool = False) -> None:
    """What `add_tranche` refuses, raised (whichever path adds it)."""
    if (said := new_tranche_refusal(agreement, history)) is not None:
        raise Refused(said)
    problems = Problems()  # every problem at once, each beside its field
    terms.check_tranche(problems, agreement, amount=amount, milestone_id=milestone_id, gate=gate)
    problems.raise_any()


def new_tranche(agreement: FundingAgreement, *, amount: Decimal, milestone_id: int | None,
                gate: int | None) -> Tranche:
    """The tranche `check_tranche` let pass, the agreement's next."""
    tranche = Tranche(
        number=len(agreement.tranches) + 1, amount=amount, milestone_id=milestone_id, gate=gate,
        condition=ConditionKind.MILESTONE if milestone_id is not None else ConditionKind.GATE)
    agreement.tranches.append(tranche)
    return tranche


def condition_text(tranche: Tranche) -> str:
    if tranche.condition is ConditionKind.MILESTONE:
        return _("Milestone “%(title)s” accepted", title=tranche.milestone.title)
    return _("Gate %(n)d passed with GO or CONDITIONAL GO", n=tranche.gate)


def record_disbursement(actor: User, tranche: Tranche, *, amount: Decimal, paid_on: date,
                        reference: str = "", history: bool = False) -> Disbursement:
    """Money paid on a payable tranche: never more than the tranche, nor than the commitment."""
    require_committee(actor)
    lock(tranche.agreement)
    check_disbursement(tranche, amount=amount, paid_on=paid_on, history=history)
    disbursement = new_disbursement(actor, tranche, amount=amount, paid_on=paid_on,
                                    reference=reference)
    audit.record(actor, "funding.disburse", disbursement)
    db.session.flush()
    return disbursement


def check_disbursement(tranche: Tranche, *, amount: Decimal, paid_on: date,
                       history: bool = False) -> None:
    """What `record_disbursement` refuses, raised (whichever path records it)."""
    reason = not_payable(tranche, paid_on if history else None)
    if reason:
        raise Refused(reason)
    agreement = tranche.agreement
    problems = Problems()  # every problem at once, each beside its field
    problems.collect(_positive, "amount", amount)
    if paid_on is None:
        pass  # the form said so beside the field
    elif paid_on > today():
        problems.add("paid_on", _("%(date)s is in the future.", date=day(paid_on)))
    elif paid_on < agreement.signed_on:
        problems.add("paid_on", _("%(date)s is before the agreement was signed (%(signed)s).",
                                  date=day(paid_on), signed=day(agreement.signed_on)))
    elif (since := tranche.payable_since) is not None and paid_on < since:
        problems.add("paid_on", _("%(date)s is before tranche %(n)d became payable "
                                  "(%(since)s).", date=day(paid_on), n=tranche.number,
                                  since=day(since)))
    if "amount" not in problems and amount > tranche.remaining:
        problems.add("amount", _(
            "Tranche %(n)d is %(amount)s, of which %(paid)s is paid: %(asked)s more would exceed "
            "it by %(over)s.", n=tranche.number, amount=cny(tranche.amount),
            paid=cny(tranche.disbursed), asked=cny(amount), over=cny(amount - tranche.remaining)))
    elif "amount" not in problems and agreement.disbursed + amount > agreement.committed:
        problems.add("amount", _(
            "%(disbursed)s of the %(committed)s committed is paid: %(asked)s more would exceed "
            "the commitment by %(over)s.", disbursed=cny(agreement.disbursed),
            committed=cny(agreement.committed), asked=cny(amount),
            over=cny(agreement.disbursed + amount - agreement.committed)))
    problems.raise_any()


def new_disbursement(actor: User, tranche: Tranche, *, amount: Decimal, paid_on: date,
                     reference: str) -> Disbursement:
    """The disbursement `check_disbursement` let pass, on `tranche`."""
    disbursement = Disbursement(amount=amount, paid_on=paid_on, reference=reference.strip(),
                                recorded_by_id=actor.id)
    tranche.disbursements.append(disbursement)
    return disbursement


# --- conversion and the deadline's outcome ------------------------------------------------------


def round_refusal(agreement: FundingAgreement, financing: FinancingRound,
                  company: Company | None = None) -> str | None:
    """Why `financing` is no qualifying round for `agreement`, or None: a round of the
    project's company, dated from the signing to the conversion deadline, with at least the
    threshold from external investors."""
    company = company or companies.company_of(agreement.project)
    if company is None or financing.company_id != company.id:
        return _("The round is not one of this project's spin-off company.")
    if financing.reversal is not None:
        return _("The round %(name)s was reversed: it was recorded by mistake.",
                 name=financing.name)
    if financing.on_date < agreement.signed_on:
        return _("The round of %(date)s came before the agreement was signed (%(signed)s): only "
                 "a later round converts its money.", date=day(financing.on_date),
                 signed=day(agreement.signed_on))
    if financing.on_date > agreement.conversion_deadline:
        return _("The conversion deadline was %(deadline)s; the round of %(date)s came after it.",
                 deadline=day(agreement.conversion_deadline), date=day(financing.on_date))
    if financing.external_amount < agreement.qualifying_round_min:
        return _("The round raised %(amount)s from external investors, below the %(minimum)s a "
                 "round needs to qualify for conversion.", amount=cny(financing.external_amount),
                 minimum=cny(agreement.qualifying_round_min))
    return None


def conversion_refusal(agreement: FundingAgreement, financing: FinancingRound) -> str | None:
    """Why the disbursed money may not convert at `financing`, or None."""
    if (said := agreement_refusal(agreement)) is not None:
        return said
    reason = round_refusal(agreement, financing)
    if reason:
        return reason
    if agreement.disbursed <= 0:
        return _("Nothing has been disbursed: there is nothing to convert.")
    return None


def qualifying_rounds(agreement: FundingAgreement) -> list[FinancingRound]:
    """The rounds of the project's company the money may convert at now."""

    company = companies.company_of(agreement.project)
    if company is None:
        return []
    rounds = db.session.scalars(
        select(FinancingRound).where(FinancingRound.company_id == company.id)
        .options(selectinload(FinancingRound.reversal),
                 selectinload(FinancingRound.investments).selectinload(RoundInvestment.entry)
                 .selectinload(ShareEntry.to_holder))
        .order_by(FinancingRound.on_date, FinancingRound.id))
    return [r for r in rounds if round_refusal(agreement, r, company) is None]


def preview(agreement: FundingAgreement, financing: FinancingRound) -> money.Conversion:
    return money.convert(agreement.disbursed, financing.price_per_share, agreement.discount_pct)


def convert(actor: User, agreement: FundingAgreement, financing: FinancingRound) -> Conversion:
    """The money disbursed converts to HQ's shares at the round's price less the discount,
    issued in that round; the computation is kept with the record."""
    require_committee(actor, lambda: conversion_refusal(agreement, financing),
                      lock=lambda: lock(agreement))
    computed = preview(agreement, financing)
    if computed.shares < 1:
        raise Refused(_("%(amount)s buys no whole share at %(price)s.",
                        amount=cny(computed.disbursed), price=price_text(computed.price)))
    company = financing.company
    # HQ's holding, referring to HQ (named in the reader's language), not its name copied.
    hq = next((h for h in company.holders if h.kind is HolderType.HQ), None)
    hq_name = hq.name if hq is not None else agreement.project.hq.name
    companies.check_holders(company, [(hq_name, HolderType.HQ, "round_id")])
    holder = companies.holder_for(company, hq_name, HolderType.HQ, agreement.project.hq)
    entry = companies.issue_entry(
        actor, company, holder, computed.shares,
        financing.on_date, Acquisition.CONVERSION, round_id=financing.id,
        note=agreement.project.code)
    db.session.flush()
    conversion = Conversion(
        round_id=financing.id, disbursed=computed.disbursed, round_price=computed.round_price,
        discount_pct=computed.discount_pct, conversion_price=computed.price,
        shares=computed.shares, entry_id=entry.id, decided_by_id=actor.id)
    agreement.conversions.append(conversion)
    agreement.outcome = AgreementOutcome.CONVERTED
    agreement.outcome_on = financing.on_date
    agreement.outcome_by_id = actor.id
    audit.record(actor, "funding.outcome", agreement)
    audit.record(actor, "funding.convert", conversion)
    db.session.flush()
    emit(actor, "conversion_recorded", conversion)
    return conversion


def record_outcome(actor: User, agreement: FundingAgreement, *, outcome: AgreementOutcome,
                   on: date, repaid_amount: Decimal | None = None,
                   substitute: Project | None = None, note: str = "") -> None:
    """Once the deadline has passed with no conversion: closed as a grant, repaid (with the
    amount) or substituted by another project."""
    require_committee(actor, lambda: outcome_refusal(agreement), lock=lambda: lock(agreement))
    problems = Problems()  # every problem at once, each beside its field
    repaid_amount, substitute = terms.check_outcome(problems, agreement, outcome=outcome, on=on,
                                                    repaid_amount=repaid_amount,
                                                    substitute=substitute)
    problems.raise_any()
    agreement.outcome = outcome
    agreement.outcome_on = on
    agreement.repaid_amount = repaid_amount
    agreement.substitute_project_id = substitute.id if substitute else None
    agreement.outcome_note = note.strip()
    agreement.outcome_by_id = actor.id
    audit.record(actor, "funding.outcome", agreement)
    db.session.flush()
