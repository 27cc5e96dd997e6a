"""The portfolio's and a cap table's columns: what their pages show and their files hold."""

from __future__ import annotations

from types import SimpleNamespace

from flask_babel import lazy_gettext as _l

from tracker.display.paths import id_path
from tracker.export.columns import Column, Kind

# A stake no round has priced yet (a founding stake for IP or a nominal sum): its value is
# unknown, said so rather than 0 (`ledger.PortfolioLine.no_round_yet`), its multiple "—".
NO_ROUND_YET = _l("No round yet")
# Some of HQ's shares carry no recorded cost (`ledger.PortfolioLine.partial_cost`): a multiple
# of their value over the others' cost would mix two bases, so none is given.
PARTIAL_COST = _l("Partial cost")

PORTFOLIO_COLUMNS = [
    Column(_l("Company"), lambda line: line.company.name, width=32,
           link=lambda line: id_path("companies.show", "company_id", line.company.id)),
    Column(_l("Status"), lambda line: line.company.status, Kind.LABEL, 14),
    Column(_l("HQ's shares"), lambda line: line.hq_shares, Kind.NUMBER, 14),
    Column(_l("HQ's stake"), lambda line: line.hq_pct, Kind.PCT, 10),
    Column(_l("Institute's stake"), lambda line: line.institute_pct, Kind.PCT, 10),
    Column(_l("Last round price"), lambda line: line.price, Kind.PRICE, 14),
    Column(_l("Value of HQ's stake"), lambda line: line.value, Kind.MONEY, 18,
           blank=lambda line: NO_ROUND_YET if line.no_round_yet else None),
    Column(_l("Realised by HQ"), lambda line: line.realised, Kind.MONEY, 16),
    Column(_l("HQ cost"), lambda line: line.cost, Kind.MONEY, 16),
    Column(_l("Multiple"), lambda line: line.multiple, Kind.MULTIPLE, 10,
           blank=lambda line: PARTIAL_COST if getattr(line, "partial_cost", False) else None),
    Column(_l("Financing rounds"), lambda line: line.rounds, Kind.INT, 10),
    Column(_l("Raised in rounds"), lambda line: line.raised, Kind.MONEY, 18),
]

CAP_TABLE_COLUMNS = [
    Column(_l("Holder"), lambda h: h.holder.shown_name, width=32),
    Column(_l("Holder type"), lambda h: h.holder.kind, Kind.LABEL, 18),
    Column(_l("Shares"), lambda h: h.shares, Kind.NUMBER, 16),
    Column(_l("Stake"), lambda h: h.pct, Kind.PCT, 10),
]


def portfolio_total(totals) -> SimpleNamespace:
    """The portfolio's last row, for every company it lists (every page): the value of HQ's
    stakes a round has priced ("No round yet" when none has), what it realised and paid, and
    the companies' rounds (`holdings.Totals`)."""
    return SimpleNamespace(company=SimpleNamespace(name=_l("Total"), status=None), hq_shares=None,
                           hq_pct=None, institute_pct=None, price=None,
                           value=None if totals.no_round_yet else totals.hq_value,
                           no_round_yet=totals.no_round_yet,
                           realised=totals.realised, cost=totals.hq_cost,
                           multiple=totals.multiple, rounds=totals.rounds, raised=totals.raised)


def cap_table_total(table) -> SimpleNamespace:
    """A cap table's last row: the shares issued on its date, and their stakes' total."""
    return SimpleNamespace(holder=SimpleNamespace(shown_name=_l("Total (shares issued)"),
                                                  kind=None),
                           shares=table.issued, pct=table.total_pct if table.rows else None)
