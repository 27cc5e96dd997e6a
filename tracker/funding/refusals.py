"""Why an action on an allocation-investment agreement is not possible now, in the sentence
its service refuses with and its page says in place of the form: a closed agreement, a tranche
not payable or not to be added, an outcome before its deadline, a new agreement where one
stands."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from sqlalchemy import select

from tracker import db, voids
from tracker.dates import today
from tracker.display.formatting import day
from tracker.display.formatting import money as cny
from tracker.display.labels import label
from tracker.funding.models import AgreementOutcome, ConditionKind, FundingAgreement, Tranche
from tracker.projects import life
from tracker.projects.closed import open_refusal
from tracker.projects.lifecycle import Phase

if TYPE_CHECKING:
    from tracker.projects.models import Project


def agreement_closed(agreement: FundingAgreement, then: str = "") -> str:
    """Why nothing more is done on an agreement whose outcome is recorded: which, and the day
    it took effect; `then`, what that means for what was asked."""
    facts = {"outcome": label(agreement.outcome),
             "date": day(agreement.outcome_on) if agreement.outcome_on else "—"}
    if not then:
        return _("The agreement closed on %(date)s (%(outcome)s).", **facts)
    return _("The agreement closed on %(date)s (%(outcome)s). %(then)s", then=then, **facts)


def not_payable(tranche: Tranche, history: date | None = None) -> str | None:
    """Why nothing can be paid on `tranche` now, or None when it is payable. `history`: the
    day of a disbursement the import brings in as the project's history, which a project
    ended takes when paid by the day it ended (`closed.open_refusal`)."""
    agreement = tranche.agreement
    if (said := voids.refusal(agreement) or voids.refusal(tranche)) is not None:
        return said
    if not agreement.is_open:
        return agreement_closed(agreement)
    project = agreement.project
    if project.phase in (Phase.TERMINATED, Phase.REJECTED):
        if history is None or open_refusal(project, history=True) is not None:
            return _("The project was ended (%(phase)s): only the settlement of what was paid "
                     "remains.", phase=label(project.phase))
        if (said := life.closing_refusal(project, history)) is not None:
            return said
    if not tranche.condition_holds:
        if tranche.condition is ConditionKind.MILESTONE:
            return _("Tranche %(n)d is released when milestone “%(title)s” is accepted; it is "
                     "%(state)s.", n=tranche.number, title=tranche.milestone.title,
                     state=label(tranche.milestone.state))
        return _("Tranche %(n)d is released when gate %(gate)d is passed with GO or CONDITIONAL "
                 "GO; it has not been.", n=tranche.number, gate=tranche.gate)
    if tranche.remaining <= 0:
        return _("Tranche %(n)d is paid in full.", n=tranche.number)
    return None


def new_tranche_refusal(agreement: FundingAgreement, history: bool = False) -> str | None:
    """Why no tranche can be added to `agreement` now (its form is refused before it is drawn,
    409, and the funding page offers no link): voided, closed (its outcome recorded), its
    project closed (but to its `history`, which an import brings in: a tranche of the
    agreement decided by the day it closed), or the commitment already all in tranches; None
    otherwise."""
    if (said := voids.refusal(agreement)) is not None:
        return said
    if not agreement.is_open:
        return agreement_closed(agreement, _("Nothing more can be paid or decided on it."))
    if (said := open_refusal(agreement.project, history)) is not None:
        return said
    return tranches_full(agreement)


def tranches_full(agreement: FundingAgreement) -> str | None:
    """Why a new tranche would only be refused: the tranches already hold all HQ committed
    (a tranche is more than zero and the tranches stay within the commitment); None while
    part of it is free."""
    if agreement.planned < agreement.committed:
        return None
    return _("The tranches already hold all %(committed)s committed, so a new tranche would be "
             "more than HQ committed: correct a tranche or the agreement's commitment first.",
             committed=cny(agreement.committed))


def outcome_refusal(agreement: FundingAgreement) -> str | None:
    """Why no outcome can be recorded under `agreement` now (its form is refused before it is
    drawn, 409): voided, closed (converted, or another outcome: where it is reversed or
    corrected instead), or its conversion deadline not passed yet; None once the deadline
    has passed with the agreement open."""
    if (said := voids.refusal(agreement)) is not None:
        return said
    if not agreement.is_open:
        # The way on from a closed agreement: its outcome is corrected, not recorded again.
        return agreement_closed(agreement, _(
            "A conversion recorded by mistake is reversed on the funding page.")
            if agreement.conversion is not None else _(
            "An outcome recorded by mistake is corrected or withdrawn on the funding page."))
    if not agreement.deadline_passed(today()):
        return _("The conversion deadline is %(deadline)s: the outcome is recorded once it has "
                 "passed with no conversion.", deadline=day(agreement.conversion_deadline))
    return None


def agreement_refusal(agreement: FundingAgreement) -> str | None:
    """Why nothing converts under `agreement` now, whatever the round (its conversion's form
    is refused before it is drawn, 409): voided, converted already, closed by another
    outcome; None while it is open."""
    if (said := voids.refusal(agreement)) is not None:
        return said
    if agreement.outcome is AgreementOutcome.CONVERTED:
        return _("This agreement was converted already, on %(date)s: the money disbursed is "
                 "HQ's shares. A conversion recorded by mistake is reversed from the funding "
                 "page.", date=day(agreement.outcome_on))
    if not agreement.is_open:
        return agreement_closed(agreement)
    return None


def agreement_of(project: Project) -> FundingAgreement | None:
    """The project's agreement that stands (one voided by mistake is history)."""
    return db.session.scalar(select(FundingAgreement).where(
        FundingAgreement.project_id == project.id, FundingAgreement.standing()))


def draft_not_funded() -> str:
    """Why a draft has no agreement (the service refuses it, the funding page says it)."""
    return _("The project is still a draft: the committee funds a project once its PM has "
             "submitted it.")


def new_agreement_refusal(project: Project, standing: bool | None = None,
                          history: bool = False) -> str | None:
    """Why no agreement can be recorded for `project` (it has one, it is closed, or a draft),
    said before its form is offered; None when one can. `standing`: whether it has one, when
    the caller read it already (the bulk import, for every project at once). `history`: the
    import brings it in as the project's history, which a closed project takes when decided
    by the day it closed (`closed.open_refusal`; the signing date says beside it)."""
    if standing is None:
        standing = agreement_of(project) is not None
    if standing:
        return _("%(project)s already has an allocation-investment agreement.",
                 project=project.code)
    if (said := open_refusal(project, history)) is not None:
        return said
    if project.is_draft:
        return draft_not_funded()
    return None
