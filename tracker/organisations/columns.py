"""The columns of the lists of institutes, enterprises, joint innovation centres and technology
needs: what their pages show and their files hold."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

from flask_babel import lazy_gettext as _l

from tracker.display.formatting import years
from tracker.display.paths import id_path
from tracker.display.said import listed
from tracker.export.columns import Column, Kind
from tracker.money import stated_total
from tracker.needs import timing
from tracker.organisations import recognitions
from tracker.organisations.models import RECOGNITIONS


def bilingual(header, attribute: str, width: int, link=None) -> list[Column]:
    """A name as the page shows it (in the reader's language), and as a file carries it: the
    Chinese value (the key imports match on) and the English one, in two columns."""
    return [
        Column(header, lambda row: row.shown(attribute), width=width, link=link, in_file=False),
        Column(header, lambda row: getattr(row, attribute), width=width, in_page=False),
        Column(_l("%(column)s in English", column=header),
               lambda row: getattr(row, f"{attribute}_en"), width=width, in_page=False),
    ]


INSTITUTE_COLUMNS = [
    Column(_l("Code"), lambda i: i.code, width=10),
    *bilingual(_l("Name"), "name", 32,
               link=lambda i: id_path("organisations.institute", "object_id", i.id)),
    *bilingual(_l("Field"), "field", 20),
    Column(_l("Type"), lambda i: i.type, Kind.LABEL, 18),
    Column(_l("Region"), lambda i: i.region.shown("name") if i.region else None, width=14),
    *bilingual(_l("City"), "city", 12),
    Column(_l("A legal entity of its own"), lambda i: i.legal_entity, Kind.BOOL, 10,
           in_page=False),
    Column(_l("Unified social credit code"), lambda i: i.uscc, Kind.CODE, 22, in_page=False),
    Column(_l("Co-building partners"), lambda i: listed((p.name for p in i.partners), apart=True),
           width=40, in_page=False),
    Column(_l("Director"), lambda i: i.director.name if i.director else None, width=16),
]

ENTERPRISE_COLUMNS = [
    *bilingual(_l("Name"), "name", 32,
               link=lambda e: id_path("organisations.enterprise", "object_id", e.id)),
    Column(_l("Unified social credit code"), lambda e: e.uscc, Kind.CODE, 22),
    *bilingual(_l("City"), "city", 12),
    *bilingual(_l("Industry"), "industry", 20),
    Column(_l("Enterprise size"), lambda e: e.size, Kind.LABEL, 14),
    # Every year of each recognition held, compactly: "High-tech enterprise 2019, 2022".
    Column(_l("Recognitions"), lambda e: listed((
        f"{label} {years(held_in)}" for label, held_in, held in recognitions.history(e) if held),
        apart=True),
           width=30, in_file=False),
    *[Column(label, lambda e, key=key: getattr(e, key), Kind.YEAR, 12, in_page=False)
      for key, label in RECOGNITIONS.items()],
]

CENTRE_COLUMNS = [
    *bilingual(_l("Name"), "name", 32,
               link=lambda c: id_path("organisations.centre", "object_id", c.id)),
    Column(_l("Enterprise"), lambda c: c.enterprise.shown("name"), width=32),
    *bilingual(_l("City"), "city", 12),
    Column(_l("Established on"), lambda c: c.established_on, Kind.DATE, 14),
]

NEED_COLUMNS = [
    Column(_l("Title"), lambda n: n.title, width=36,
           link=lambda n: id_path("organisations.need", "object_id", n.id)),
    Column(_l("Enterprise"), lambda n: n.enterprise.shown("name"), width=28),
    Column(_l("Institute"), lambda n: n.institute.shown("name") if n.institute else None,
           width=28),
    Column(_l("Intended investment"), lambda n: n.intended_investment, Kind.MONEY, 18),
    Column(_l("State"), lambda n: n.state, Kind.LABEL, 12),
    Column(_l("Days to match"), lambda n: timing.of(n).to_match, Kind.NUMBER, 10),
    Column(_l("Days to contract"), lambda n: timing.of(n).to_contract, Kind.NUMBER, 10),
]


def needs_total(intended_investment: Decimal | None, needs: int) -> SimpleNamespace:
    """The needs list's last row: the intended investment of every need it lists (every page),
    "—" when none of them states one (as each need's cell reads), never CN¥0.00
    (`money.stated_total`)."""
    nobody = SimpleNamespace(shown=lambda _column: None)
    return SimpleNamespace(title=_l("Total"), enterprise=nobody, institute=None,
                           intended_investment=stated_total(intended_investment, needs),
                           state=None,
                           created_at=None, matched_at=None, contracted_at=None)
