"""The cells of the funding import, read as the funding page's forms read them and written as
the import reads them: co-funders and their ratios, tranches, disbursements, the co-funders'
payments (each ledger with its reversals, `reversal_lines`) and the outcome after the
deadline; `tracker/imports/funding.py` saves a row through the page's services."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _
from werkzeug.datastructures import MultiDict

from tracker.display import said
from tracker.funding.forms import CO_FUNDER_ROWS, DisbursementForm, OutcomeForm
from tracker.funding.models import AgreementOutcome, Disbursement, FundingAgreement
from tracker.imports import cells, columns, form_problems, list_cells, reversal_lines
from tracker.imports.cells import CellError, iso_date
from tracker.imports.reversal_lines import Reversal
from tracker.partners import services as partners
from tracker.partners.payment_models import CoFunderPayment

AGREEMENT_FIELDS = ("committed", "hq_ratio", "discount_pct", "qualifying_round_min",
                    "signed_on", "conversion_deadline")
_GATE = re.compile(r"^(?:gate|关口|阶段门)\s*(\d+)$", re.I)

Tranche = tuple[Decimal, int | None, str | None]  # amount, gate, milestone title
Paid = tuple[int, date, Decimal, str]  # tranche number, paid on, amount, reference
Outcome = tuple[AgreementOutcome, date, Decimal | None, str, str]
CoPaid = tuple[str, date, Decimal, str]  # the co-funder's name, paid on, amount, reference


def co_funders(text: str) -> list[tuple[str, str]]:
    """'苏州市: 1; 工业园区: 1' as (name, ratio) form input."""
    how = _("Write each co-funder as its name and ratio, e.g. Suzhou: 1; Industrial Park: 1.")
    found = list_cells.each(cells.parts(text), lambda part: cells.pair(part, "co_funders", how),
                            "co_funders")
    if len(found) > CO_FUNDER_ROWS:
        raise CellError(_("At most %(n)d co-funders.", n=CO_FUNDER_ROWS), "co_funders")
    return found


def tranches(text: str) -> list[Tranche]:
    """'1000000 | gate 1; 2000000 | Pilot line' as (amount, gate, milestone title), numbered
    in the order written."""
    return list_cells.each(cells.parts(text), _tranche, "tranches")


def _tranche(part: str) -> Tranche:
    amount, condition = (*cells.pieces(part, 1), "")[:2]
    if not condition:
        raise CellError(_("Write each tranche as its amount and when it is released (a "
                          "gate or a milestone's title), e.g. 1000000 | gate 1; 2000000 | "
                          "Pilot line."), "tranches")
    gate = _GATE.match(condition)
    return (cells.amount(amount, columns.FUNDING, "tranches"),
            int(gate.group(1)) if gate else None,
            None if gate else condition)


def _form_errors(form) -> list[str]:
    return [m for messages in form_problems.errors(form).values() for m in messages]


def disbursements(text: str) -> list[Paid | Reversal]:
    """'1: 2020-03-01: 1000000: HQ-2020-017; 2: 2021-05-01: 500000' as (tranche number, paid
    on, amount, reference), each checked by the disbursement form's fields; 'reversal | 2 |
    2021-05-20 | paid twice' as the reversal of the second (`reversal_lines`)."""
    return reversal_lines.entries(text, "disbursements", _disbursement)


def _disbursement(part: str) -> Paid:
    pieces = [p.strip() for p in part.replace("：", ":").split(":", 3)]
    if len(pieces) < 3 or not pieces[0].isdigit() or int(pieces[0]) < 1:
        raise CellError(_("Write each disbursement as its tranche's number, the date paid, "
                          "the amount and, if any, the payment reference, e.g. 1: "
                          "2020-03-01: 1000000: HQ-2020-017."), "disbursements")
    paid_on, amount, reference = _paid(pieces[1:], "disbursements")
    return (int(pieces[0]), paid_on, amount, reference)


def _paid(pieces: list[str], column: str) -> tuple[date, Decimal, str]:
    """Date paid, amount and reference (if any) checked by the payment form's fields (the
    disbursement form, which a co-funder's payment page fills too)."""
    form = DisbursementForm(formdata=MultiDict({
        "amount": cells.money(pieces[1], columns.FUNDING, column),
        "paid_on": iso_date(pieces[0]),
        "reference": pieces[2] if len(pieces) > 2 else ""}))
    if not form.validate():
        raise CellError(said.joined("; ", _form_errors(form)), column)
    return form.paid_on.data, form.amount.data, (form.reference.data or "").strip()


def co_funder_payments(text: str) -> list[CoPaid | Reversal]:
    """'Suzhou: 2020-04-01: 1000000: SZ-2020-03' as (the co-funder's name, paid on, amount,
    reference), each checked by the payment form's fields; a reversal as in the
    disbursements."""
    return reversal_lines.entries(text, "co_funder_payments", _co_funder_payment)


def _co_funder_payment(part: str) -> CoPaid:
    pieces = [p.strip() for p in part.replace("：", ":").split(":", 3)]
    if len(pieces) < 3 or not pieces[0]:
        raise CellError(_("Write each co-funder's payment as the co-funder's name, the date "
                          "paid, the amount and, if any, the payment reference, e.g. Suzhou: "
                          "2020-04-01: 1000000: SZ-2020-03."), "co_funder_payments")
    return (pieces[0], *_paid(pieces[1:], "co_funder_payments"))


def as_keyed(entries: list | None) -> list | None:
    """Each payment's co-funder by the name HQ keys its partner by (a file may name it in
    English, `partners.named`), as the export writes it."""
    def keyed(name: str) -> str:
        partner = partners.named(name)
        return partner.name if partner is not None else name
    return None if entries is None else [
        e if isinstance(e, Reversal) else (keyed(e[0]), *e[1:]) for e in entries]


def outcome(text: dict[str, str]) -> Outcome | None:
    """The outcome columns, checked by the outcome form's fields (None: no outcome)."""
    if not text.get("outcome"):
        return None
    form = OutcomeForm(formdata=MultiDict({
        "outcome": text["outcome"], "outcome_on": text.get("outcome_on", ""),
        "repaid_amount": cells.number(text.get("repaid_amount", ""), "repaid_amount",
                                      in_yuan=True),
        "substitute": text.get("substitute", ""), "note": text.get("outcome_note", "")}))
    if not form.validate():
        field, messages = next(iter(form_problems.errors(form).items()))
        raise CellError(messages[0], OUTCOME_COLUMNS.get(field, "outcome"))
    return (form.outcome.data, form.outcome_on.data, form.repaid_amount.data,
            (form.substitute.data or "").strip().upper(), (form.note.data or "").strip())


OUTCOME_COLUMNS = {"outcome": "outcome", "outcome_on": "outcome_on",
                    "repaid_amount": "repaid_amount", "substitute": "substitute",
                    "note": "outcome_note"}


def recorded_tranches(agreement: FundingAgreement) -> list[Tranche]:
    """The tranches that stand, in order: a voided one (recorded by mistake, its payments
    reversed) is history the file does not carry, and the column numbers those it does."""
    return [(t.amount, t.gate, t.milestone.title if t.milestone else None)
            for t in agreement.standing_tranches]


def tranche_place(agreement: FundingAgreement) -> dict[int, int]:
    """Each standing tranche's number in the file: its place among those that stand."""
    return {t.id: n for n, t in enumerate(agreement.standing_tranches, start=1)}


def disbursement_records(agreement: FundingAgreement) -> list[Disbursement]:
    """The agreement's disbursements in the column's order: by tranche that stands, each as
    recorded; not a reversal that waited for a conversion's (`after_conversion`)."""
    return [d for t in agreement.standing_tranches for d in t.disbursements
            if not after_conversion(d)]


def after_conversion(paid: Disbursement) -> bool:
    """A disbursement's reversal recorded after a conversion of the agreement's money: the
    conversion was reversed first (the disbursement could not be while it stood), so it is
    written with the conversions, in the companies file (`company_events`), after that
    reversal, and recorded there, after the funding file."""
    return paid.reverses_id is not None and any(
        c.decided_at < paid.recorded_at for c in paid.tranche.agreement.conversions)


def recorded_disbursements(agreement: FundingAgreement) -> list[Paid | Reversal]:
    """The agreement's disbursements as the column writes them (reversals included, in
    order), each naming its tranche by its place among those that stand."""
    place = tranche_place(agreement)
    return reversal_lines.recorded(disbursement_records(agreement), lambda d: (
        place[d.tranche_id], d.paid_on, d.amount, d.reference))


def co_funder_payment_records(agreement: FundingAgreement) -> list[CoFunderPayment]:
    """What the agreement's co-funders paid, reversals too, in the order it was recorded."""
    return sorted((p for c in agreement.co_funders for p in c.payments), key=lambda p: p.id)


def recorded_co_funder_payments(agreement: FundingAgreement) -> list[CoPaid | Reversal]:
    return reversal_lines.recorded(co_funder_payment_records(agreement), lambda p: (
        p.co_funder.name, p.paid_on, p.amount, p.reference))


def recorded_outcome(agreement: FundingAgreement) -> Outcome | None:
    if agreement.outcome is None or agreement.outcome is AgreementOutcome.CONVERTED:
        return None
    substitute = agreement.substitute_project
    return (agreement.outcome, agreement.outcome_on, agreement.repaid_amount,
            substitute.code if substitute else "", agreement.outcome_note)


def co_funders_differ(lines: list[tuple[str, Decimal]], agreement: FundingAgreement) -> bool:
    """Whether a row's co-funders are not the agreement's: each name is the partner it names
    (Chinese or English, `partners.named`), so a file naming them in English re-imports as
    unchanged."""
    given = []
    for name, ratio in lines:
        partner = partners.named(name)
        given.append((partner.id if partner is not None else name, ratio))
    return given != [(c.partner_id, c.ratio) for c in agreement.co_funders]
