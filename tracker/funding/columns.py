"""The allocation-investment list's columns: what its page shows and its files hold."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

from flask import url_for
from flask_babel import lazy_gettext as _l

from tracker.dates import today
from tracker.export.columns import Column, Kind


def _passed(agreement) -> bool:
    return agreement.is_open and agreement.deadline_passed(today())


def _status(agreement):
    """Its outcome, or whether its deadline passed while it runs; none for the total."""
    if agreement.outcome:
        return agreement.outcome
    if not agreement.is_open:
        return None
    return _l("Passed") if _passed(agreement) else _l("Running")


def converted(agreement) -> Decimal | None:
    """The disbursed money its conversion turned into equity, if it converted."""
    return agreement.conversion.disbursed if agreement.conversion else None


AGREEMENT_COLUMNS = [
    Column(_l("Project"), lambda a: a.project.name, width=44,
           link=lambda a: url_for("funding.show", project_id=a.project_id)),
    Column(_l("Committed"), lambda a: a.committed, Kind.MONEY, 16),
    Column(_l("Disbursed"), lambda a: a.disbursed, Kind.MONEY, 16),
    Column(_l("Converted to equity"), converted, Kind.MONEY, 16),
    Column(_l("Conversion deadline"), lambda a: a.conversion_deadline, Kind.DATE, 14,
           tone=lambda a: "bad" if _passed(a) else None),
    Column(_l("Status"), _status, Kind.LABEL, 18),
]


def agreements_total(agreements) -> SimpleNamespace:
    """The list's last row: what its agreements committed, disbursed and converted."""
    zero = Decimal("0")
    return SimpleNamespace(
        project=SimpleNamespace(name=_l("Total")), project_id=None, outcome=None, is_open=False,
        committed=sum((a.committed for a in agreements), zero),
        disbursed=sum((a.disbursed for a in agreements), zero),
        conversion=SimpleNamespace(disbursed=sum((converted(a) or zero for a in agreements),
                                                 zero)),
        conversion_deadline=None)
