"""What must exist before a company's record may grow: said in one place, so that the pages
offer an action only when it is possible and say what is missing instead, and the services
refuse with the same sentence."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import gettext as _

from tracker.display.labels import label
from tracker.projects.lifecycle import SPIN_OFF_PHASES

if TYPE_CHECKING:
    from tracker.companies.models import Company
    from tracker.funding.models import Conversion
    from tracker.projects.models import Project


def not_registered(company: Company) -> str | None:
    """Why nothing can be dated in the company's life yet (its ledger, rounds, IP deals and
    exits start at its registration), or None once it is registered."""
    if company.is_registered:
        return None
    return _("%(name)s is not registered yet: record its unified social credit code and "
             "registration date first.", name=company.name)


def no_achievement(company: Company, achievements: list) -> str | None:
    """Why no IP deal can be recorded for the company: the register has no achievement of its
    projects or their institutes to license or assign (F38); None when it has."""
    if achievements:
        return None
    return _("The register has no achievement of the projects of %(name)s or of their "
             "institutes: record the achievement and its rights first (Achievements and IP).",
             name=company.name)


def not_a_spin_off_source(project: Project) -> str | None:
    """Why a company cannot come from the project yet: HQ decides to invest first (gate 2 GO
    opens the investment decision), or None when it can."""
    if project.phase in SPIN_OFF_PHASES:
        return None
    return _("%(project)s is in the phase %(phase)s: a company is recorded only for a "
             "project HQ has decided to invest in.", project=project.reference,
             phase=label(project.phase))


def conversion_first(conversion: Conversion, what: str) -> str:
    """What to do before reversing `what` (a disbursement, a round) while money stands
    converted at the round: reverse the conversion, on the project's funding page (the pages
    link there from the row that can't be reversed yet)."""
    return _("The money disbursed under %(project)s was converted to HQ's shares at the round "
             "%(round)s. Reverse that conversion first (Reverse the conversion, under "
             "Conversion to equity on the project's funding page), then %(what)s.",
             project=conversion.agreement.project.code, round=conversion.round.name, what=what)
