"""The allocation-investment list's columns: what its page shows and its files hold."""

from __future__ import annotations

from flask import url_for
from flask_babel import lazy_gettext as _l

from tracker.dates import today
from tracker.export.columns import Column, Kind


def _passed(agreement) -> bool:
    return agreement.is_open and agreement.deadline_passed(today())


AGREEMENT_COLUMNS = [
    Column(_l("Project"), lambda a: a.project.name, width=44,
           link=lambda a: url_for("funding.show", project_id=a.project_id)),
    Column(_l("Committed"), lambda a: a.committed, Kind.MONEY, 16),
    Column(_l("Disbursed"), lambda a: a.disbursed, Kind.MONEY, 16),
    Column(_l("Conversion deadline"), lambda a: a.conversion_deadline, Kind.DATE, 14,
           tone=lambda a: "bad" if _passed(a) else None),
    Column(_l("Status"), lambda a: a.outcome or (_l("Passed") if _passed(a) else _l("Running")),
           Kind.LABEL, 18),
]
