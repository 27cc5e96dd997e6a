"""The rules on what the committee records on an allocation-investment agreement (its terms,
a tranche, the outcome after the deadline), checked when it is recorded (`services`) and when
it is corrected (`amendments`), so a corrected record is held to every rule a new one is."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from flask_babel import gettext as _

from tracker import db
from tracker.dates import today
from tracker.display.formatting import day
from tracker.display.formatting import money as cny
from tracker.errors import Problems
from tracker.funding.models import DEADLINE_OUTCOMES, AgreementOutcome
from tracker.milestones.models import Milestone
from tracker.partners import services as partners
from tracker.projects import life

if TYPE_CHECKING:
    from tracker.funding.models import FundingAgreement, Tranche
    from tracker.projects.models import Project


def check_terms(problems: Problems, project: Project, *, committed: Decimal | None,
                discount_pct: Decimal | None, qualifying_round_min: Decimal | None,
                signed_on: date | None,
                conversion_deadline: date | None, hq_ratio: Decimal | None,
                co_funders: list[tuple[str, Decimal | None]],
                recorded: date | None = None) -> None:
    """The rules on an agreement's own terms, for a new agreement of `project` and a corrected
    one (`tracker.funding.amendments`); its signing in the project's life
    (`tracker.projects.life`; a correction keeping the date `recorded` is not refused for it:
    signed before the rule, or before a later start date). A value None is one its field has
    refused already."""
    if committed is None or committed <= 0:
        problems.add("committed", _("The amount must be more than zero: %(amount)s was given.",
                                    amount=cny(committed or Decimal("0"))))
    if discount_pct is not None and not 0 <= discount_pct < 100:
        problems.add("discount_pct", _("A discount is from 0 up to (not including) 100%%; "
                                       "%(n)s was given.", n=discount_pct))
    if qualifying_round_min is None or qualifying_round_min < 0:
        problems.add("qualifying_round_min", _("The amount cannot be negative."))
    if signed_on is not None and signed_on > today():
        problems.add("signed_on", _("%(date)s is in the future.", date=day(signed_on)))
    elif (signed_on is not None and signed_on != recorded
          and (said := life.signing_refusal(project, signed_on))):
        problems.add("signed_on", said)
    if (signed_on is not None and conversion_deadline is not None
            and conversion_deadline <= signed_on):
        problems.add("conversion_deadline", _("The conversion deadline comes after the "
                                              "signing date."))
    if hq_ratio is None or hq_ratio <= 0:
        problems.add("hq_ratio", _("A ratio is more than zero."))
    partners.check_co_funders(problems, co_funders)


def check_tranche(problems: Problems, agreement: FundingAgreement, *, amount: Decimal | None,
                  milestone_id: int | None, gate: int | None,
                  tranche: Tranche | None = None) -> None:
    """A tranche's amount and condition, added or corrected (`tranche`): more than zero, one
    condition of this project, and the tranches within HQ's commitment."""
    if amount is None or amount <= 0:
        problems.add("amount", _("The amount must be more than zero: %(amount)s was given.",
                                 amount=cny(amount or Decimal("0"))))
    if (milestone_id is None) == (gate is None):
        problems.add("condition", _("Name one condition: a milestone, or a gate."))
    elif milestone_id is not None:
        milestone = db.session.get(Milestone, milestone_id)
        if milestone is None or milestone.project_id != agreement.project_id:
            problems.add("milestone_id", _("Choose a milestone of this project."))
    elif gate not in (1, 2, 3, 4):
        problems.add("gate", _("Choose a gate from 1 to 4."))
    if "amount" not in problems:
        planned = agreement.planned - (tranche.amount if tranche else 0) + amount
        if planned > agreement.committed:
            problems.add("amount", _(
                "The tranches would add up to %(planned)s, more than the %(committed)s "
                "committed (%(over)s over).", planned=cny(planned),
                committed=cny(agreement.committed), over=cny(planned - agreement.committed)))


def check_outcome(problems: Problems, agreement: FundingAgreement, *,
                  outcome: AgreementOutcome | None, on: date | None,
                  repaid_amount: Decimal | None,
                  substitute: Project | None) -> tuple[Decimal | None, Project | None]:
    """The outcome after the deadline, recorded or corrected: one of the deadline's outcomes,
    dated after it and not in the future, a repayment of more than zero and no more than was
    disbursed, a substitute that is another project. Returns the repaid amount and the
    substitute as kept (None where the outcome has none)."""
    if outcome not in DEADLINE_OUTCOMES:
        problems.add("outcome", _("Choose: closed as a grant, repaid, or substituted."))
    if on is None or not agreement.conversion_deadline < on <= today():
        problems.add("outcome_on", _("The outcome is dated after the deadline (%(deadline)s) "
                                     "and not in the future.",
                                     deadline=day(agreement.conversion_deadline)))
    if outcome is AgreementOutcome.REPAID:
        if repaid_amount is None or repaid_amount <= 0:
            problems.add("repaid_amount", _(
                "The amount must be more than zero: %(amount)s was given.",
                amount=cny(repaid_amount or Decimal("0"))))
        elif repaid_amount > agreement.disbursed:
            problems.add("repaid_amount", _(
                "%(amount)s is more than was disbursed (%(disbursed)s).",
                amount=cny(repaid_amount), disbursed=cny(agreement.disbursed)))
    else:
        repaid_amount = None
    if outcome is AgreementOutcome.SUBSTITUTED:
        if substitute is None or substitute.id == agreement.project_id:
            problems.add("substitute", _("Give the code of the project that substitutes this "
                                         "one."))
    else:
        substitute = None
    return repaid_amount, substitute
