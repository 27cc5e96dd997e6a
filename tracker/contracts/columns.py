"""The contract research page's two tables, as its page shows them and its files hold them:
the roll-up (by project, institute or year, with its total) and the contracts."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from tracker.display.paths import id_path
from tracker.export.columns import Column, Kind

_TOTALS = [
    Column(_l("Contracts"), lambda r: r["contracts"], Kind.INT, 10),
    Column(_l("Value"), lambda r: r["value"], Kind.MONEY, 18),
    Column(_l("Received"), lambda r: r["received"], Kind.MONEY, 18),
]


def rollup_columns(by: str) -> list[Column]:
    """The roll-up's columns: what it is grouped by, then the totals. A total row has no key."""
    if by == "year":
        return [Column(_l("Year signed"),
                       lambda r: int(r["key"][0]) if r["key"] else _l("Total"), Kind.YEAR, 12),
                *_TOTALS]
    return [Column(_l("Code"), lambda r: r["key"][1] if r["key"] else _l("Total"),
                   width=18),
            Column(_l("Project") if by == "project" else _l("Institute"),
                   lambda r: r["key"][2] if r["key"] else None, width=36),
            *_TOTALS]


CONTRACT_COLUMNS = [
    Column(_l("Signed"), lambda r: r.signed_on, Kind.DATE, 12),
    Column(_l("Contract"), lambda r: r.title, width=36,
           link=lambda r: id_path("contracts.show", "contract_id", r.id)),
    Column(_l("Type"), lambda r: r.type, Kind.LABEL, 16),
    Column(_l("Project"), lambda r: r.project_code, Kind.CODE, 18,
           link=lambda r: id_path("projects.show", "project_id", r.project_id)),
    Column(_l("Enterprise"), lambda r: r.enterprise, width=28),
    Column(_l("Amount"), lambda r: r.amount, Kind.MONEY, 16),
    Column(_l("Received"), lambda r: r.received, Kind.MONEY, 16),
]


def _total(r: dict, value):
    return value(r) if r["key"] else None


REGISTERED_COLUMNS = [
    Column(_l("Year registered"),
           lambda r: int(r["key"][3]) if r["key"] else _l("Total"), Kind.YEAR, 14),
    Column(_l("Code"), lambda r: _total(r, lambda r: r["key"][1]), width=18),
    Column(_l("Institute"), lambda r: _total(r, lambda r: r["key"][2]), width=36),
    Column(_l("Contracts registered"), lambda r: r["contracts"], Kind.INT, 12),
    Column(_l("Contract amount"), lambda r: r["value"], Kind.MONEY, 18),
    Column(_l("Technology transaction value"), lambda r: r["registered"], Kind.MONEY, 20),
]
