"""What ends or changes a company's ledger besides its own entries, as the companies import
reads and writes it: conversions of allocation-investment money at one of its rounds (the
conversion page's `convert`, by the committee member who recorded the agreement, as the
funding import records its tranches) and its exit (the exit form and `record_exit`).

As for the ledger's entries (`tracker/imports/ledger_lines.py`), neither is edited once
recorded: a re-import changes nothing, what the file adds is recorded, and a recorded one the
file no longer gives is refused, naming it (reverse it on its page).
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from decimal import Decimal
from functools import partial

from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from tracker import db
from tracker.companies import deals
from tracker.companies.forms import ExitForm
from tracker.companies.models import Company, CompanyExit, ExitKind
from tracker.companies.reversal_models import ExitReversal
from tracker.display.formatting import day
from tracker.display.formatting import money as cny
from tracker.errors import Forbidden, Problems
from tracker.funding import corrections as funding_corrections
from tracker.funding import services as funding
from tracker.funding.models import Conversion, ConversionReversal, Disbursement, FundingAgreement
from tracker.imports import cells, columns, headings, reversal_lines
from tracker.imports.cells import CellError, iso_date
from tracker.imports.funding_cells import after_conversion, disbursement_records
from tracker.imports.ledger_lines import cell, choice, form_errors, recorded
from tracker.imports.reversal_lines import Elsewhere, Reversal
from tracker.projects import codes

EXIT_KIND = columns.Column("exit", "", choices=ExitKind)

# (project code, round name)
Converted = tuple[str, str]
# (kind, dated, proceeds, note)
Exit = tuple[ExitKind, date, Decimal, str]


UNPAID = re.compile(r"^(\S+)\s+(?:disbursement|拨付)\s+(\d+)$", re.I)


def conversions(text: str) -> list[Converted | Reversal | Elsewhere]:
    """'TEST-2019-0042 | A; TEST-2020-0007 | B': the project whose agreement converts, and the
    round it converts at (the conversion page's one choice); a conversion reversed:
    'reversal | 1 | 2023-01-10 | the wrong round'; a disbursement of the agreement reversed
    after that: 'reversal | TEST-2019-0042 disbursement 1 | 2023-01-12 | paid twice', its
    number that of the funding file's Disbursements. A project's code is read as every
    project cell reads it (`codes.spellings`: TEST-2019-42 is TEST-2019-0042), so that the
    entries compare with the recorded ones as these write them, and a file imported again
    changes nothing."""
    hq_codes = codes.hq_codes()
    return [_spelt(entry, hq_codes) for entry in cell(text, "conversions", _conversion, UNPAID)]


def _spelt(entry: Converted | Reversal | Elsewhere,
           hq_codes: set[str]) -> Converted | Reversal | Elsewhere:
    if isinstance(entry, Elsewhere):
        code, number = UNPAID.match(entry.of).groups()
        return replace(entry, of=f"{codes.spellings(code, hq_codes)[-1]} disbursement {number}")
    if isinstance(entry, Reversal):
        return entry
    return (codes.spellings(entry[0], hq_codes)[-1], entry[1])


def _conversion(pieces: list[str]) -> Converted:
    if len(pieces) != 2 or not all(pieces):
        raise CellError(_("Write each conversion as project code | round name, e.g. "
                          "TEST-2019-0042 | A."), "conversions")
    return (pieces[0], pieces[1])


def exit_(text: str) -> list[Exit]:
    """'acquisition | 2025-06-30 | 80000000 | note' read by the exit form (none: []): the exit
    that stands, which closes the ledger, recorded after everything else (an import after the
    grants); an exit reversed is written in `reversed_exits`."""
    found = cell(text, "exit", partial(_exit, "exit"))
    if len(found) > 1 or any(isinstance(e, Reversal) for e in found):
        raise CellError(_("Write here only the exit that stands; an exit reversed on the "
                          "company's page is written with its reversal in %(column)s.",
                          column=headings.named(columns.COMPANIES, "reversed_exits")), "exit")
    return found


def reversed_exits(text: str) -> list[Exit | Reversal]:
    """Each exit reversed on the company's page, followed by its reversal: 'acquisition |
    2024-01-10 | 90000000; reversal | 1 | 2024-01-20 | the deal fell through'. Unlike the exit
    that stands, these come in with the rest of the ledger, in date order (the first
    companies import, before the grants): an entry of either file dated after the reversal
    comes after them, as it did (issue 13)."""
    found = cell(text, "reversed_exits", partial(_exit, "reversed_exits"))
    undone = {e.of for e in found if isinstance(e, Reversal)}
    if any(not isinstance(e, Reversal) and n not in undone
           for n, e in enumerate(found, start=1)):
        raise CellError(_("Follow each exit here with its reversal; the exit that stands is "
                          "written in %(column)s.",
                          column=headings.named(columns.COMPANIES, "exit")), "reversed_exits")
    return found


def _exit(column: str, pieces: list[str]) -> Exit:
    if len(pieces) not in (3, 4):
        raise CellError(_("Write the exit as acquisition, listing or dissolution | date | "
                          "proceeds (CNY) | note (if any), e.g. acquisition | 2025-06-30 | "
                          "80000000."), column)
    kind, on, proceeds, note = pieces + [""] * (4 - len(pieces))
    form = ExitForm(formdata=MultiDict({
        "kind": choice(EXIT_KIND, kind, column), "on_date": iso_date(on),
        "proceeds": cells.money(proceeds, columns.COMPANIES, column),
        "note": note}))
    if not form.validate():
        raise CellError(form_errors(form), column)
    return (form.kind.data, form.on_date.data, form.proceeds.data,
            (form.note.data or "").strip())


def conversion_records(company: Company) -> list:
    """The conversions at the company's rounds, their reversals and the disbursements of
    their agreements reversed after them (`funding_cells.after_conversion`), as the column
    numbers them: in the order they were recorded (a conversion is made again at a round
    once the first is reversed, a disbursement reversed once the conversion is)."""
    found = list(db.session.scalars(select(Conversion).where(Conversion.round_id.in_(
        [r.id for r in company.rounds])).order_by(Conversion.decided_at, Conversion.id)))
    unpaid = [d for a in dict.fromkeys(c.agreement for c in found)
              for t in a.standing_tranches for d in t.disbursements if after_conversion(d)]
    return sorted([*found, *(c.reversal for c in found if c.reversal), *unpaid], key=lambda r: (
        r.decided_at if isinstance(r, Conversion) else r.recorded_at))


def conversion_line(c: Conversion | Disbursement) -> Converted | Elsewhere:
    if isinstance(c, Disbursement):  # a reversal waiting for the conversion's
        agreement = c.tranche.agreement
        number = disbursement_records(agreement).index(c.reverses) + 1
        return Elsewhere(f"{agreement.project.code} disbursement {number}", c.paid_on, c.reason)
    return (c.agreement.project.code, c.round.name)


def recorded_conversions(company: Company) -> list[Converted | Reversal]:
    """The conversions at the company's rounds, reversed ones too, as the column writes
    them."""
    return reversal_lines.recorded(conversion_records(company), conversion_line, reverses=lambda
                                   r: r.conversion if isinstance(r, ConversionReversal) else None)


def exit_records(company: Company) -> list[CompanyExit]:
    """The exit that stands, if any (one at most: it closes the ledger)."""
    return [e for e in company.exits if e.reversal is None]


def reversed_exit_records(company: Company) -> list:
    """The exits reversed, each followed by its reversal, as `reversed_exits` numbers them."""
    return reversal_lines.with_reversals([e for e in company.exits if e.reversal is not None],
                                         lambda e: e.on_date)


def exit_line(e: CompanyExit) -> Exit:
    return (e.kind, e.on_date, e.proceeds, e.note)


def recorded_exit(company: Company) -> list[Exit]:
    return [exit_line(e) for e in exit_records(company)]


def recorded_reversed_exits(company: Company) -> list[Exit | Reversal]:
    return reversal_lines.recorded(reversed_exit_records(company), exit_line,
                                   reverses=lambda r: r.exit if isinstance(r, ExitReversal)
                                   else None)


def describe_conversion(converted: Converted | Elsewhere) -> str:
    if isinstance(converted, Elsewhere):
        return _("The reversal on %(date)s of %(entry)s", date=day(converted.on),
                 entry=converted.of)
    return _("The conversion of %(project)s's money at the round %(round)s",
             project=converted[0], round=converted[1])


def describe_exit(exit_: Exit) -> str:
    return _("The exit of %(date)s (%(proceeds)s)", date=day(exit_[1]),
             proceeds=cny(exit_[2]))


def record_conversion(company: Company, converted: Converted,
                      problems: Problems) -> Conversion | None:
    code, name = converted
    what = describe_conversion(converted)
    agreement = db.session.scalar(select(FundingAgreement).where(
        FundingAgreement.project_id == codes.find_id(code), FundingAgreement.standing()))
    financing = next((r for r in company.rounds if r.name == name and r.stands_on(None)), None)
    if agreement is None:
        problems.add("conversions", _("%(entry)s: %(project)s has no allocation-investment "
                                      "agreement: import it first (funding).", entry=what,
                                      project=code))
    elif financing is None:
        problems.add("conversions", _("%(entry)s: %(company)s has no round called %(round)s.",
                                      entry=what, company=company.name, round=name))
    else:
        return recorded(lambda: funding.convert(agreement.decided_by, agreement, financing),
                 "conversions", what, problems, refusals=(Forbidden,))
    return None


def record_unpaid(entry: Elsewhere, problems: Problems) -> Disbursement | None:
    """The reversal of a disbursement the funding file recorded (`reversal | TEST-2019-0042
    disbursement 1 | date | reason`), by `reverse_disbursement` as the funding page reverses
    it, by the committee member who recorded the agreement; refused, naming it, when the
    agreement or that disbursement is not recorded."""
    code, number = UNPAID.match(entry.of).groups()
    what = _("The reversal on %(date)s of %(entry)s", date=day(entry.on), entry=entry.of)
    agreement = db.session.scalar(select(FundingAgreement).where(
        FundingAgreement.project_id == codes.find_id(code)))
    records = disbursement_records(agreement) if agreement is not None else []
    paid = records[int(number) - 1] if 1 <= int(number) <= len(records) else None
    if paid is None or paid.reverses_id is not None:
        problems.add("conversions", _(
            "%(entry)s: %(project)s has no disbursement %(n)s recorded (the number of its "
            "entry in the funding file's Disbursements): import funding first.", entry=what,
            project=code, n=number))
        return None
    return recorded(lambda: funding_corrections.reverse_disbursement(
        agreement.decided_by, paid, entry.on, entry.reason), "conversions", what, problems,
        refusals=(Forbidden,))


def record_exit(actor, company: Company, column: str, exit_: Exit,
                problems: Problems) -> CompanyExit | None:
    kind, on, proceeds, note = exit_
    return recorded(lambda: deals.record_exit(actor, company, kind=kind, on=on, proceeds=proceeds,
                                              note=note), column, describe_exit(exit_), problems)
