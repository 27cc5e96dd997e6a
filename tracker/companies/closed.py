"""Why nothing more is written in an exited company's ledger, said in one place: the company's
pages, its services, its funding's corrections and its incentive grants (whose models the
companies' labels read, hence a module that imports only the companies' models) all refuse
with this sentence, naming the exit and its date."""

from __future__ import annotations

from flask_babel import gettext as _

from tracker.companies.models import EXIT_KIND_LABELS, Company
from tracker.display.formatting import day


def exited(company: Company) -> str | None:
    """Why nothing more is recorded in the company's life (its ledger, rounds, IP deals,
    grants): the first exit that stands closed it on its date; None while none stands (never
    recorded, or reversed)."""
    if not company.standing_exits:
        return None
    exit_ = company.standing_exits[0]
    return _("%(name)s exited on %(date)s (%(kind)s): its ledger is closed. If the exit was "
             "recorded by mistake, reverse it first, with the reason (“Reverse”, in its row under "
             "the company's Exits).",
             name=company.name, date=day(exit_.on_date), kind=EXIT_KIND_LABELS[exit_.kind])
