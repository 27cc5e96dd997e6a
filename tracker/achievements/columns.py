"""The columns of the register's lists: the achievements (`/achievements/`) and every transfer
and licence across the portfolio (`/transfers/`), what their pages show and their files hold."""

from __future__ import annotations

from types import SimpleNamespace

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from tracker.achievements.models import Achievement
from tracker.display.formatting import day, pct
from tracker.display.labels import label
from tracker.display.paths import id_path
from tracker.display.said import listed
from tracker.export.columns import Column, Kind


def _contributors(achievement: Achievement) -> str:
    return listed(f"{c.name} {pct(c.share_pct)}" for c in achievement.contributors)


def _rights(achievement: Achievement) -> str:
    """One line per right in force or on its way (a withdrawn one is not the register's)."""
    return "\n".join(" · ".join(filter(None, (label(r.kind), r.number, r.status_label)))
                     for r in achievement.standing_rights)


ACHIEVEMENT_COLUMNS = [
    Column(_l("Achievement"), lambda a: a.title, width=36,
           link=lambda a: id_path("achievements.show", "achievement_id", a.id)),
    Column(_l("Project"), lambda a: a.project.reference, Kind.CODE, 18,
           link=lambda a: id_path("projects.show", "project_id", a.project_id)),
    Column(_l("Project title"), lambda a: a.project.title, width=32),
    Column(_l("Institute"), lambda a: a.project.institute.shown("name"), width=24),
    Column(_l("Contributors"), _contributors, width=32),
    Column(_l("Rights"), _rights, width=40, css="text-cell"),
]

DEAL_COLUMNS = [
    Column(_l("Licensee or assignee"), lambda d: d.licensee, width=28,
           link=lambda d: d.id and id_path("transfers.show", "transfer_id", d.id)),
    Column(_l("Kind"), lambda d: d.kind, Kind.LABEL, 18),
    # The total row says how many achievements its deals are of (the annual report's count).
    Column(_l("Achievement"), lambda d: d.achievement, width=32,
           link=lambda d: d.achievement_id and id_path("achievements.show", "achievement_id",
                                                       d.achievement_id),
           blank=lambda d: d.achievements is not None and ngettext(
               "%(num)d achievement", "%(num)d achievements", d.achievements)),
    Column(_l("Project"), lambda d: d.project, Kind.CODE, 18,
           link=lambda d: d.project_id and id_path("projects.show", "project_id", d.project_id)),
    Column(_l("Institute"), lambda d: d.institute, width=24),
    Column(_l("Signed on"), lambda d: d.signed_on, Kind.DATE, 12),
    Column(_l("Ends on"), lambda d: d.ends_on, Kind.DATE, 12),
    Column(_l("Upfront payment"), lambda d: d.upfront, Kind.MONEY, 16),
    Column(_l("Royalty rate"), lambda d: d.royalty_pct, Kind.PCT, 12),
    Column(_l("Royalty base"), lambda d: d.royalty_base, Kind.LABEL, 14),
    Column(_l("Income received to date"), lambda d: d.income, Kind.MONEY, 18),
    Column(_l("Of which to contributors"), lambda d: d.to_contributors, Kind.MONEY, 18),
    Column(_l("Status"), lambda d: d.status, Kind.LABEL, 12),
]


def _correction(line) -> str | None:
    """A reversing receipt's part names the receipt it reverses and why; a reversed one the
    day of its reversal."""
    receipt = line.receipt
    if receipt is None:
        return None
    if receipt.reverses:
        return " ".join(filter(None, (_("Reverses the receipt of %(date)s",
                                        date=day(receipt.reverses.received_on)),
                                      receipt.reason)))
    if receipt.reversed_by:
        return _("Reversed on %(date)s", date=day(receipt.reversed_by.received_on))
    return None


# A contributor's income statement (`/ip/statements/<id>?year=`): their part of each receipt.
STATEMENT_COLUMNS = [
    Column(_l("Received on"), lambda line: line.receipt and line.receipt.received_on,
           Kind.DATE, 12),
    Column(_l("Correction"), _correction, width=28),
    # The total row is named in a text column: a file's date column holds dates only.
    Column(_l("Achievement"), lambda line: line.receipt and line.receipt.transfer.achievement.title,
           width=32, blank=lambda line: _("Total") if line.receipt is None else None),
    Column(_l("Licensee or assignee"),
           lambda line: line.receipt and line.receipt.transfer.enterprise.shown("name"),
           width=28),
    Column(_l("Net income"), lambda line: line.receipt and line.receipt.net, Kind.MONEY,
           16),
    Column(_l("Contributors' share"),
           lambda line: line.receipt and line.receipt.contributor_pct, Kind.PCT, 12),
    Column(_l("Share"), lambda line: line.share_pct, Kind.PCT, 10),
    Column(_l("Amount"), lambda line: line.amount, Kind.MONEY, 16),
]


def statement_total(lines: list) -> SimpleNamespace:
    """The statement's last row: what every line listed adds up to."""
    return SimpleNamespace(receipt=None, share_pct=None,
                           amount=sum((line.amount for line in lines), 0))
