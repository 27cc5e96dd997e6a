"""HQ's list of spending against budget across projects, as its page and its files show it."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from tracker.display.paths import id_path
from tracker.export.columns import Column, Kind

# A project's budget against actual by category (`tracker.budgets.queries.CategoryRow`), as a
# file: the table of the project's spending page.
CATEGORY_COLUMNS = [
    Column(_l("Category"), lambda r: r.name, width=30),
    Column(_l("Cost type"), lambda r: r.kind, Kind.LABEL, 16),
    Column(_l("Budget"), lambda r: r.budget, Kind.MONEY, 16),
    Column(_l("Spent"), lambda r: r.spent, Kind.MONEY, 16),
    Column(_l("Remaining"), lambda r: r.remaining, Kind.MONEY, 16),
    Column(_l("Used"), lambda r: r.used_pct, Kind.PCT, 10),
]

SPENDING_COLUMNS = [
    Column(_l("Code"), lambda r: r.code, Kind.CODE, 18,
           link=lambda r: id_path("spending.project", "project_id", r.id)),
    Column(_l("Project"), lambda r: r.title, width=36),
    Column(_l("Institute"), lambda r: r.institute, width=28),
    Column(_l("Budget"), lambda r: r.budget, Kind.MONEY, 16),
    Column(_l("Spent in the period"), lambda r: r.spent, Kind.MONEY, 16),
    Column(_l("Spent to date"), lambda r: r.to_date, Kind.MONEY, 16),
    Column(_l("Remaining"), lambda r: r.remaining, Kind.MONEY, 16),
    Column(_l("Lines over budget beyond the threshold"), lambda r: r.warned, Kind.INT, 12,
           tone=lambda r: "bad" if r.warned else None),
]
