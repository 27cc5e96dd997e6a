"""The span of a project's life that its contracts and agreements are signed in (issue 9
point 3: nothing is dated before the thing it belongs to existed or after it ended).

A research contract or an allocation-investment agreement of a project is signed no earlier
than the project existed: the earlier of its planned start date and the day it was created
(a contract is often signed before the work formally starts; a project imported with its
history was created on the day of the import, and its start date dates that history). It is
signed no later than the day the project closed, when it has (a closed project takes no new
contract or agreement but its history, dated by then, from an import: `closed.open_refusal`;
this bounds that history, and the correction of one recorded before). Everything dated under
the contract or the agreement (instalments, payments, disbursements, co-funders' payments, a
conversion's round) is bounded by its signing in turn; a disbursement an import brings in for
a project ended (terminated, rejected), by the day it ended (`closing_refusal`). One check,
asked by every way in: the form, its correction, the import.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from flask_babel import gettext as _

from tracker.dates import local_date, out_of_range, today
from tracker.display.formatting import day

if TYPE_CHECKING:
    from tracker.projects.models import Project


def began(project: Project) -> date:
    """The first day a contract or agreement of `project` can be signed: its planned start,
    or the first day of its record when that came first: the day it was created, or its
    first recorded change of phase (its submission). For a project made in the tracker the
    change comes after the creation; one imported as history was created on the day of the
    import, and its record begins as the file dates it (a gate-1 GO of 2019 before a start
    of 2019-08-01 takes the contract signed between them, as the tracker would have then:
    issue 13)."""
    created = local_date(project.created_at) if project.created_at is not None else today()
    return min(project.start_date, created, *(local_date(c.at) for c in project.phase_changes))


def closed_on(project: Project) -> date | None:
    """The day `project` closed (its last change of phase, into the final one), or None while
    it is open (or closed with no change of phase recorded)."""
    if not project.is_read_only:
        return None
    into = [c for c in project.phase_changes if c.to_phase is project.phase]
    return local_date(into[-1].at) if into else None


def signing_refusal(project: Project, signed_on: date) -> str | None:
    """Why a contract or agreement of `project` can't be signed on `signed_on`, naming both
    dates; None when it can. A date out of every business date's range says so first."""
    if (said := out_of_range(signed_on)) is not None:
        return said
    if signed_on < (earliest := began(project)):
        return _("%(date)s is before the project began: its contracts and agreements are "
                 "signed on or after %(earliest)s (its planned start, or the day it was created or "
                 "submitted when that came first).", date=day(signed_on), earliest=day(earliest))
    if (ended := closed_on(project)) is not None and signed_on > ended:
        return _("%(date)s is after the project closed on %(closed)s: its contracts and "
                 "agreements are signed by then.", date=day(signed_on), closed=day(ended))
    return None


def closing_refusal(project: Project, on: date) -> str | None:
    """Why a record of `project` dated `on` is not its history: the project closed before
    that day (naming both days); None while it is open, and for a day on or before it closed
    (`closed.open_refusal` says what a closed project takes)."""
    if (ended := closed_on(project)) is not None and on > ended:
        return _("%(date)s is after the project closed on %(closed)s: a closed project takes "
                 "only what happened by then.", date=day(on), closed=day(ended))
    return None
