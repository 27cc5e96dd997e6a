"""The columns of the achievement and IP register's imports: achievements with their
contributors, rights and annuities, then the transfers and licences of achievements with their
royalty reports and income (a module of its own so that `columns.py` stays readable)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from tracker.achievements.deal_models import RoyaltyBase, TransferKind
from tracker.imports.column_types import DATE_NOTE, Column, Kind, Ref

ACHIEVEMENTS = Kind("achievements", _l("Achievements and IP rights"), (
    Column("project_id", _l("Project code"), True, ref=Ref.PROJECT,
           note=_l("An approved project (past gate 1): a second import finds the achievement "
                   "by its project and title, however spaced or cased (a title is listed once "
                   "in a project).")),
    Column("title", _l("Title"), True, synonyms=(_l("Achievement name"),)),
    Column("description", _l("Description")),
    Column("contributors", _l("Contributors"), True,
           note=_l("Each a user's e-mail (of the project's institute, its PM or its team) or "
                   "a person's name, and their share in per cent, separated by semicolons, "
                   "e.g. li@example.cn: 60; Wang Wu: 40; the shares add up to 100.")),
    Column("rights", _l("IP rights"),
           note=_l("Kind | title | number | status | filed on | granted on | patent type | "
                   "jurisdiction | attorney costs (CNY), the last five if any, separated by "
                   "semicolons, e.g. patent | Sensor housing | CN202410123456.7 | granted | "
                   "2024-03-01 | 2025-06-30 | invention; know_how | Curing recipe | | filed. "
                   "A right is found again by its kind, number and jurisdiction (know-how by "
                   "its title)."), amounts=True),
    Column("annuities", _l("Patent annuities"),
           note=_l("Patent number | patent year | due on | fee (CNY) | paid on | amount paid "
                   "| surcharge reason, separated by semicolons: paid on and amount paid once "
                   "paid, and the reason only when more than the fee was paid late (the "
                   "office's surcharge, up to a quarter of the fee, as the right's page "
                   "accepts it), e.g. CN202410123456.7 | 3 | 2026-03-01 | 900 | 2026-02-20 | "
                   "900; "
                   "CN202410123456.7 | 4 | 2027-03-01 | 1200 | 2027-05-10 | 1260 | paid late. "
                   "The patent is named by its number as the register compares it: spaces, "
                   "full-width characters and the office's prefix (CN, ZL) aside."),
           amounts=True),
), key=("project_id", "title"))

IP_DEALS = Kind("ip_deals", _l("Transfers and licences"), (
    Column("project_id", _l("Project code"), True, ref=Ref.PROJECT),
    Column("achievement", _l("Achievement"), True,
           note=_l("The title of one of the project's achievements (import achievements "
                   "first).")),
    Column("enterprise_id", _l("Licensee or assignee"), True, ref=Ref.ENTERPRISE,
           note=_l("The enterprise's credit code or name.")),
    Column("kind", _l("Kind of deal"), True, choices=TransferKind),
    Column("signed_on", _l("Signed on"), True, note=DATE_NOTE, is_date=True),
    Column("ends_on", _l("Ends on"), note=DATE_NOTE, is_date=True),
    Column("upfront", _l("Upfront payment (CNY)")),
    Column("upfront_due_on", _l("Upfront payment due on"), note=DATE_NOTE, is_date=True),
    Column("royalty_pct", _l("Royalty rate (%)")),
    Column("royalty_base", _l("Royalty base"), choices=RoyaltyBase),
    Column("minimum_royalty", _l("Minimum royalty per period (CNY)")),
    Column("reporting_months", _l("Reporting period"),
           note=_l("Months: 1, 3, 6 or 12; empty or 0: no royalty reports.")),
    Column("report_days", _l("Report due, days after the period"), note=_l("Empty: 30.")),
    Column("payment_days", _l("Royalty due, days after the report"), note=_l("Empty: 30.")),
    Column("contributor_pct", _l("Contributors' share of the net income (%)"), True),
    Column("override_reason", _l("Reason for a share below the minimum")),
    Column("reports", _l("Royalty reports"),
           note=_l("Each period's report from the signing on, in order: date received: base "
                   "reported, separated by semicolons, e.g. 2024-04-10: 1200000; 2024-07-08: "
                   "900000. A report reversed is followed by its period's report again, e.g. "
                   "2024-04-10: 1200000; reversal | 1 | 2024-04-20 | VAT included; 2024-04-25: "
                   "1100000."), reversible=True, amounts=True),
    Column("receipts", _l("Income received"),
           note=_l("Date received | amount | what it pays (upfront, royalty or other) | the "
                   "report's number in Royalty reports (for a royalty) | costs deducted | "
                   "note | the contributors' shares that day, the last four if any, "
                   "separated by semicolons, e.g. 2024-02-01 | 500000 | upfront; 2024-05-02 | "
                   "60000 | royalty | 1 | 2000. Each receipt is split among the contributors by "
                   "the achievement's shares, or, for income received before they changed, by "
                   "the shares then in force, written as in Contributors and separated by "
                   "commas, e.g. 2022-05-02 | 60000 | royalty | 1 | 2000 | | li@example.cn: "
                   "70, Wang Wu: 30 (checked as the contributors' table is: they add up to "
                   "100). The export writes a receipt's shares when they are not the "
                   "achievement's today."), reversible=True, amounts=True),
), key=("project_id", "achievement", "enterprise_id", "kind", "signed_on"))
