"""A row of the companies import: the company form, saved by `record_company` (or
`update_company` for a company found again) as the company pages save it; then its cap table
at incorporation through the incorporation form and `incorporate`, and each financing round
through the round form and `record_round`, as their pages record them, by the importing HQ
admin (HQ admins and the investment committee manage companies).

A company is found again by its credit code (by its name while it has none). Its cap table and
rounds, once recorded, are not edited by an import (the tracker corrects a ledger by reversing
entries, on the company's page): a re-import of the same row changes nothing, rounds the file
adds are recorded, and a row that changes the cap table or drops a round is refused. Later
issues and transfers are `tracker/imports/ledger_lines.py`, conversions of
allocation-investment money at a round and the company's exit
`tracker/imports/company_events.py`; each ledger cell also writes the reversals of its
entries, and what the row adds to them all is recorded in one sequence by date
(`tracker/imports/ledger_order.py`).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import partial

from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from tracker import db
from tracker.companies import corrections, deals, holder_names
from tracker.companies import services as companies
from tracker.companies.forms import (
    INVESTOR_ROWS,
    CompanyForm,
    RoundForm,
)
from tracker.companies.models import (
    Company,
    FinancingRound,
    HolderType,
)
from tracker.companies.reversal_models import RoundReversal
from tracker.display.formatting import day
from tracker.errors import Invalid, Problems, Refused
from tracker.funding import corrections as funding_corrections
from tracker.imports import (
    cap_tables,
    cells,
    columns,
    company_events,
    ledger_lines,
    ledger_order,
    reversal_lines,
)
from tracker.imports.adapters import Adapter, _none_for_zero
from tracker.imports.cells import CellError, iso_date, read, unreadable
from tracker.imports.reversal_lines import Elsewhere, Reversal, Void
from tracker.organisations import uscc
from tracker.projects.models import Project

COMPANY_FIELDS = ("name", "uscc", "registered_on", "registered_capital",
                  "legal_representative")
_HOLDER_TYPE, _PAID_WITH = ledger_lines.HOLDER_TYPE, ledger_lines.PAID_WITH
_choice, _errors = ledger_lines.choice, ledger_lines.form_errors
LEDGER = ("rounds", "issues", "transfers", "conversions")  # recorded together, in date order
# With them: the exits reversed, on their dates, and then the one that stands.
EXITS = ("reversed_exits", "exit")

# (name, closed on, pre-money, [(investor, type, amount, lead)])
Round = tuple[str, date, Decimal, list[tuple[str, HolderType, Decimal, bool]]]


def rounds(text: str) -> list[Round | Reversal]:
    """'A | 2022-05-01 | 30000000 | Fund X: investor: 8000000: lead, Fund Y: state_fund:
    2000000' read by the round form, as its page reads it: the amount raised is what the
    investors put in. A round reversed: 'reversal | its number | date | reason'."""
    return ledger_lines.cell(text, "rounds", _round)


def _round(pieces: list[str]) -> Round:
    if len(pieces) != 4:
        raise CellError(_("Write each round as name | date closed | pre-money valuation | "
                          "investors (name: type: amount, with : lead after the lead "
                          "investor, separated by commas)."), "rounds")
    name, on, pre_money, investors = pieces
    data = MultiDict({"name": name, "on_date": iso_date(on),
                      "pre_money": cells.money(pre_money, columns.COMPANIES, "rounds")})
    lines = [p.strip() for p in ledger_lines.COMMAS.split(investors) if p.strip()]
    if len(lines) > INVESTOR_ROWS:
        raise CellError(_("At most %(n)d investors a round.", n=INVESTOR_ROWS), "rounds")
    total = Decimal("0")
    for i, line in enumerate(lines):
        bits = [b.strip() for b in line.replace("：", ":").split(":")]
        lead = len(bits) == 4 and bits[3].casefold() in ("lead", "领投")
        if len(bits) not in (3, 4) or (len(bits) == 4 and not lead):
            raise CellError(_("Write each investor as name: type: amount, with : lead "
                              "after the lead investor."), "rounds")
        data[f"investors-{i}-name"] = bits[0]
        data[f"investors-{i}-kind"] = _choice(_HOLDER_TYPE, bits[1], "rounds")
        data[f"investors-{i}-amount"] = cells.money(bits[2], columns.COMPANIES,
                                                    "rounds")
        if lead:
            data[f"investors-{i}-lead"] = "y"
        try:
            total += Decimal(data[f"investors-{i}-amount"])
        except ArithmeticError:
            pass  # the form says what is wrong with it
    data["amount"] = str(total)
    form = RoundForm(formdata=data)
    if not form.validate():
        raise CellError(_errors(form), "rounds")
    return (form.name.data.strip(), form.on_date.data, form.pre_money.data,
            [(row.name.data.strip(), row.kind.data, row.amount.data, row.lead.data)
             for row in form.filled_rows()])


def round_terms(entry: Round) -> dict:
    """A round of the cell as `record_round` (and `check_round`) take it: what it raises is
    what its investors put in."""
    name, closed_on, pre_money, investors = entry
    return {"name": name, "on": closed_on, "pre_money": pre_money,
            "amount": sum((i[2] for i in investors), Decimal("0")),
            "investors": [deals.InvestorLine(name=n, kind=k, amount=a, lead=lead)
                          for n, k, a, lead in investors]}


def round_records(company: Company) -> list:
    """The rounds and their reversals, as the column numbers them; not a reversal that waited
    for a grant from a pool that invested in the round (`ledger_lines.after_grant`: the
    grants file writes it)."""
    return [r for r in reversal_lines.with_reversals(company.rounds, lambda r: r.on_date)
            if not isinstance(r, RoundReversal) or ledger_lines.after_grant(r) is None]


def round_line(r: FinancingRound) -> Round:
    return (r.name, r.on_date, r.pre_money,
            [(i.entry.to_holder.name, i.entry.to_holder.kind, i.amount, i.lead)
             for i in r.investments])


def recorded_rounds(company: Company) -> list[Round | Reversal]:
    """Every round, each reversed one followed (by date) by its reversal."""
    return reversal_lines.recorded(round_records(company), round_line, reverses=lambda r: (
        r.round if isinstance(r, RoundReversal) else None))


def describe_round(entry: Round) -> str:
    return _("The round %(name)s of %(date)s", name=entry[0], date=day(entry[1]))


def recorded_order(company: Company) -> list[tuple[str, int]]:
    """The entries of each day the import would record otherwise than they were recorded,
    in the order they were (`ledger_order.recorded_order`)."""
    return ledger_order.recorded_order(Companies()._columns(None, company, {"rounds": None}))


def _not_renamed(values: dict) -> None:
    """A row without a credit code whose name finds no company, while its projects are those
    of the one company recorded without a code, changes that company's name, by which an
    import finds it: refused beside the name, the company named, rather than recorded as a
    second company (issue 13)."""
    if values["uscc"]:
        return
    same = [c for c in db.session.scalars(select(Company).where(Company.uscc.is_(None)))
            if sorted(p.id for p in c.projects) == values["project_ids"]]
    if len(same) == 1:
        raise Invalid("name", _(
            "%(name)s is recorded without a credit code for these projects: this row changes "
            "its name, by which an import finds a company without one, so it would record a "
            "second company. Change the name on the company's page, then import the file "
            "again.", name=same[0].name))


def as_recorded(company: Company, cap_table: list | None, wanted: dict) -> tuple[list, dict]:
    """The row's ledger with each holder it names by the name the ledger records it by
    (`holder_names.recorded_as`; reversals as they are): a file exported in English
    re-imports unchanged."""
    def named(text):
        return holder_names.recorded_as(company.holders, text)

    def each(entries, line):
        return entries and [e if isinstance(e, Reversal | Elsewhere | Void) else line(e)
                            for e in entries]

    return each(cap_table, lambda h: (named(h[0]), *h[1:])), {
        **wanted,
        "rounds": each(wanted["rounds"], lambda r: (*r[:3], [(named(n), *rest)
                                                             for n, *rest in r[3]])),
        "issues": each(wanted["issues"], lambda i: (named(i[0]), *i[1:])),
        "transfers": each(wanted["transfers"], lambda t: (named(t[0]), named(t[1]), *t[2:]))}


class Companies(Adapter):
    refused_in = "project_ids"
    kind, model, form_class = columns.COMPANIES, Company, CompanyForm
    fields, key_alone = COMPANY_FIELDS, True  # no credit code yet: its name finds it

    def find(self, values):
        code = uscc.normalise(values.get("uscc") or "")
        if code and (found := db.session.scalar(select(Company).where(Company.uscc == code))):
            return found
        # Registered since: the company of that name that had no code yet (it is given one).
        return db.session.scalar(select(Company).where(
            Company.name == (values.get("name") or "").strip(), Company.uscc.is_(None))
            .order_by(Company.id).limit(1))

    def name(self, values):
        return values.get("uscc") or values.get("name") or ""

    def current(self, obj):
        lines, on = cap_tables.recorded_holdings(obj)
        return {**super().current(obj), "project_ids": sorted(p.id for p in obj.projects),
                "holdings": lines, "incorporated_on": on, "rounds": recorded_rounds(obj),
                "issues": ledger_lines.recorded_issues(obj),
                "transfers": ledger_lines.recorded_transfers(obj),
                "conversions": company_events.recorded_conversions(obj),
                "reversed_exits": company_events.recorded_reversed_exits(obj),
                "exit": company_events.recorded_exit(obj),
                "recorded_order": recorded_order(obj)}

    def form_data(self, obj):
        if obj is None:
            return None
        return {**{f: getattr(obj, f) for f in COMPANY_FIELDS},
                "project_ids": sorted(p.id for p in obj.projects)}

    def form(self, formdata, obj, refs):
        ids = refs.get("project_ids") or (sorted(p.id for p in obj.projects) if obj else [])
        projects = [db.session.get(Project, i) for i in ids]
        return CompanyForm(formdata=formdata, data=self.form_data(obj),
                           projects=[p for p in projects if p is not None])

    def values(self, form, given):
        text = {k: (v[0] if v else "") for k, v in given.items()}
        values = _none_for_zero({f: getattr(form, f).data for f in COMPANY_FIELDS})
        values["uscc"] = uscc.normalise(values["uscc"] or "") or None
        values["legal_representative"] = (values["legal_representative"] or "").strip()
        values["project_ids"] = sorted(form.project_ids.data or [])
        values["holdings"] = values["incorporated_on"] = values["_total_shares"] = None
        if "holdings" in text and (parsed := read(
                "holdings", cap_tables.holdings, text["holdings"],
                text.get("incorporated_on", ""), text.get("total_shares", ""))):
            cell, total = parsed
            values["holdings"], values["_total_shares"] = cell, total
            values["incorporated_on"] = (date.fromisoformat(iso_date(
                text["incorporated_on"])) if cap_tables.standing_table(cell) else None)
        for key, parse in zip((*LEDGER, *EXITS), (
                rounds, ledger_lines.issues, ledger_lines.transfers, company_events.conversions,
                company_events.reversed_exits, company_events.exit_), strict=True):
            values[key] = read(key, parse, text[key]) if key in text else None
        values["recorded_order"] = (read("recorded_order", ledger_order.listing,
                                         text["recorded_order"])
                                    if "recorded_order" in text else None)
        return values

    def unchangeable(self, obj, values, given):
        said = "total_shares" in given and cap_tables.total_changed(
            obj, values["holdings"], values["_total_shares"])
        return [("total_shares", said)] if said else []

    def save(self, actor, obj, values):
        values = dict(values)
        cap_table, on = values.pop("holdings"), values.pop("incorporated_on")
        total = values.pop("_total_shares")
        wanted = {key: values.pop(key) for key in (*LEDGER, *EXITS)}
        listed = values.pop("recorded_order")
        if obj is None:
            _not_renamed(values)
            company = companies.record_company(actor, **values)
        else:
            company = companies.update_company(actor, obj, **values)
            # A holder named in either language is the holder recorded by its name.
            cap_table, wanted = as_recorded(company, cap_table, wanted)
        problems = Problems()  # every problem of the row at once, each in its column
        cap_tables.record(actor, company, cap_table, on, total, problems)
        # Later entries need the cap table they change, and each other, in date order.
        if not problems and not unreadable("holdings", "incorporated_on", "total_shares", *LEDGER):
            self.ledger(company, ledger_order.events(
                self._columns(actor, company, wanted), {**wanted, "holdings": cap_table},
                problems, listed), problems)
        problems.raise_any()
        return company

    def ledger(self, company: Company, events: list[ledger_order.Event],
               problems: Problems) -> None:
        """Record the row's ledger entries, in their order (imported with the grants file,
        they are recorded among its entries instead: `tracker/imports/replay.py`)."""
        for _key, call in events:
            call(problems)

    def _columns(self, actor, company: Company, wanted: dict) -> list[ledger_order.Column]:
        """The row's ledger columns, as recorded for `company` (its cap table at incorporation
        recorded already), each with its page's service and its reversal's."""
        rounds_ = [r for r in [*recorded_rounds(company), *(wanted["rounds"] or [])]
                   if not isinstance(r, Reversal)]
        closed = {name: on for name, on, *_rest in rounds_}  # the latest of a name
        entry = partial(corrections.reverse_entry, actor)
        column = ledger_order.Column
        return [
            column("holdings", cap_tables.holding_records(company),
                   cap_tables.recorded_holdings(company)[0], cap_tables.describe_holding,
                   lambda e: date.min, None, lambda e, r: entry(
                       e, r.on, r.reason)),
            column("issues", ledger_lines.issue_records(company),
                   ledger_lines.recorded_issues(company), ledger_lines.describe_issue,
                   lambda e: e[3], partial(ledger_lines.record_issue, actor, company),
                   lambda e, r: entry(e, r.on, r.reason)),
            column("transfers", ledger_lines.transfer_records(company),
                   ledger_lines.recorded_transfers(company), ledger_lines.describe_transfer,
                   lambda t: t[4], partial(ledger_lines.record_transfer, actor, company),
                   lambda e, r: entry(e, r.on, r.reason)),
            column("rounds", round_records(company), recorded_rounds(company),
                   describe_round, lambda r: r[1], partial(self._round, actor, company),
                   lambda f, r: corrections.reverse_round(actor, f, r.on, r.reason)),
            column("conversions", company_events.conversion_records(company),
                   company_events.recorded_conversions(company),
                   company_events.describe_conversion, lambda c: c.on if isinstance(
                       c, Elsewhere) else closed.get(c[1], date.max),
                   lambda c, problems: company_events.record_unpaid(c, problems) if isinstance(
                       c, Elsewhere) else company_events.record_conversion(company, c, problems),
                   lambda c, r: funding_corrections.reverse_conversion(
                       c.agreement.decided_by, c, r.on, r.reason)),
            column("reversed_exits", company_events.reversed_exit_records(company),
                   company_events.recorded_reversed_exits(company),
                   company_events.describe_exit, lambda e: e[1],
                   partial(company_events.record_exit, actor, company, "reversed_exits"),
                   lambda e, r: corrections.reverse_exit(actor, e, r.on, r.reason)),
            column("exit", company_events.exit_records(company),
                   company_events.recorded_exit(company), company_events.describe_exit,
                   lambda e: e[1], partial(company_events.record_exit, actor, company, "exit"),
                   lambda e, r: corrections.reverse_exit(actor, e, r.on, r.reason))]

    @staticmethod
    def _round(actor, company, entry: Round, problems) -> FinancingRound | None:
        """Record one round of the row, or add its every problem, each introduced by its name."""
        name = entry[0]

        def named(message):
            return _("%(round)s: %(problem)s", round=name, problem=message)

        try:
            return deals.record_round(actor, company, **round_terms(entry))
        except Invalid as error:
            problems.found += error.renamed(lambda _field: "rounds", named)
        except Refused as error:
            problems.add("rounds", named(error.message))
        return None
