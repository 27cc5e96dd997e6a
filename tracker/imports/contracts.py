"""A row of the contracts import: the contract form of its project's page, saved by
`record_contract` as the page saves it; then each payment the file lists, recorded against its
instalment by `record_payment` as the contract page records it. The contract is the project's
history (`history`): a closed project takes it when signed by the day it closed.

A contract is found again by its number within its project's institute: a re-import of the same
row changes nothing, a changed title, counterparty, type, value or signing date corrects the
contract as its edit page does (`corrections.save_contract`, audited in the import), a changed
schedule as its page does, instalment by instalment, payments the file adds are recorded; a
dropped payment is refused (a payment is undone by a reversal, on the contract's page).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from flask_babel import gettext as _

from tracker import db
from tracker.accounts.models import User
from tracker.contracts import corrections
from tracker.contracts import services as contracts
from tracker.contracts.forms import INSTALMENT_ROWS, ContractForm
from tracker.contracts.models import Instalment, Payment, ResearchContract
from tracker.display.formatting import day, not_a_date
from tracker.errors import Invalid, Problems, Refused
from tracker.imports import cells, columns, list_cells, reversal_lines
from tracker.imports.adapters import Adapter, _rows, correction_reason
from tracker.imports.cells import CellError, iso_date, read, unreadable
from tracker.imports.reversal_lines import Reversal
from tracker.organisations.models import Enterprise
from tracker.projects.models import Project

FORM_FIELDS = ("number", "title", "enterprise_id", "type", "amount", "signed_on")


def _day(text: str, column: str) -> date:
    try:
        return date.fromisoformat(iso_date(text.strip()))
    except ValueError:
        raise CellError(not_a_date(iso_date(text)), column) from None


def instalments(text: str) -> list[tuple[str, str]]:
    """'2024-06-30: 1000000; 2024-12-31: 2000000' as (due date, amount) form input."""
    how = _("Write each instalment as its due date and amount, e.g. 2024-06-30: 1000000; "
            "2024-12-31: 2000000.")
    found = list_cells.each(cells.parts(text), lambda part: _instalment(
        *cells.pair(part, "instalments", how)), "instalments")
    if len(found) > INSTALMENT_ROWS:
        raise CellError(_("At most %(n)d instalments.", n=INSTALMENT_ROWS), "instalments")
    return found


def _instalment(due: str, amount: str) -> tuple[str, str]:
    return iso_date(due), cells.money(amount, columns.CONTRACTS, "instalments")


def payments(text: str) -> list[tuple[int, date, Decimal] | Reversal]:
    """'1: 2024-07-05: 1000000; 2: 2025-01-10: 500000' as (instalment number counted from 1
    in due-date order, received on, amount); 'reversal | 2 | 2025-01-20 | entered twice' as
    the reversal of the second (`reversal_lines`)."""
    return reversal_lines.entries(text, "payments", _payment)


def _payment(part: str) -> tuple[int, date, Decimal]:
    pieces = [p.strip() for p in part.replace("：", ":").split(":")]
    if len(pieces) != 3 or not pieces[0].isdigit() or int(pieces[0]) < 1:
        raise CellError(_("Write each payment as its instalment's number, the date received "
                          "and the amount, e.g. 1: 2024-07-05: 1000000."), "payments")
    return (int(pieces[0]), _day(pieces[1], "payments"),
            cells.amount(pieces[2], columns.CONTRACTS, "payments"))


def payment_records(contract: ResearchContract) -> list[Payment]:
    """The contract's payments in the column's order: by instalment, each as recorded."""
    return [p for instalment in contract.instalments for p in instalment.payments]


def recorded_payments(contract: ResearchContract) -> list[tuple[int, date, Decimal] | Reversal]:
    """The contract's payments as the column writes them (reversals included, in order)."""
    numbers = {i.id: n for n, i in enumerate(contract.instalments, start=1)}
    return reversal_lines.recorded(payment_records(contract), lambda p: (
        numbers[p.instalment_id], p.received_on, p.amount))


def _schedule_steps(contract: ResearchContract, wanted: list[tuple[date, Decimal]]) -> list:
    """The corrections, each as the contract's page makes it, that turn its schedule into
    `wanted`: an instalment the file gives as recorded stays; the others are paired in
    due-date order and corrected, and what is left is removed or added. Removals and
    lowered amounts come first, so that no step asks for more than the contract's value."""
    kept, left = list(contract.instalments), list(wanted)
    for instalment in list(kept):
        if (instalment.due_date, instalment.amount) in left:
            left.remove((instalment.due_date, instalment.amount))
            kept.remove(instalment)
    paired = list(zip(kept, left, strict=False))
    lower = [(i, due, amount) for i, (due, amount) in paired if amount <= i.amount]
    higher = [(i, due, amount) for i, (due, amount) in paired if amount > i.amount]
    return ([(corrections.remove_instalment, i) for i in kept[len(left):]]
            + [(corrections.save_instalment, i, due, amount) for i, due, amount in lower]
            + [(corrections.save_instalment, i, due, amount) for i, due, amount in higher]
            + [(corrections.add_instalment, contract, due, amount)
               for due, amount in left[len(kept):]])


def _reschedule(actor: User, contract: ResearchContract,
                wanted: list[tuple[date, Decimal]]) -> None:
    """The schedule corrected instalment by instalment, as on the contract's page; each
    refusal in the instalments column, naming the instalment."""
    problems = Problems()
    for step, record, *given in _schedule_steps(contract, wanted):
        named = _("The instalment due on %(date)s", date=day(
            record.due_date if isinstance(record, Instalment) else given[0]))
        try:
            if given:
                step(actor, record, due_date=given[0], amount=given[1],
                     reason=correction_reason())
            else:
                step(actor, record, correction_reason())
        except Invalid as invalid:
            problems.found += [("instalments", _("%(entry)s: %(problem)s", entry=named,
                                                 problem=message))
                               for _field, message in invalid.problems]
        except Refused as refused:
            problems.add("instalments", _("%(entry)s: %(problem)s", entry=named,
                                          problem=refused.message))
    problems.raise_any()


def _correct(actor: User, contract: ResearchContract, values: dict,
             problems: Problems) -> None:
    """A recorded contract's terms corrected as its edit page does (`save_contract`) and its
    schedule as its page does, instalment by instalment; in whichever order lets each step
    pass (a larger value before the instalments that need it, a smaller one after the
    instalments that made room), every problem of the first order tried said otherwise."""
    terms = {k: v for k, v in values.items() if k != "instalments"}
    current = {f: getattr(contract, f) for f in FORM_FIELDS}
    change_terms = {k: v for k, v in terms.items() if k in FORM_FIELDS} != current
    wanted = values["instalments"]
    change_schedule = wanted != [(i.due_date, i.amount) for i in contract.instalments]
    steps = []
    if change_terms:
        steps.append(lambda: corrections.save_contract(actor, contract, **terms,
                                                       reason=correction_reason()))
    if change_schedule:
        steps.append(lambda: _reschedule(actor, contract, wanted))
    first: Invalid | None = None
    for order in (steps, steps[::-1]) if len(steps) > 1 else (steps,):
        savepoint = db.Savepoint()
        try:
            for step in order:
                step()
        except Invalid as invalid:
            savepoint.rollback()
            first = first or invalid
            continue
        except Exception:
            savepoint.rollback()
            raise
        savepoint.commit()
        return
    if first is not None:
        problems.found += first.problems


def numbered(values: dict, problems: Problems) -> None:
    """An imported contract has a number (whichever path saves it)."""
    if not values["number"]:
        problems.add("number", _("An imported contract needs its number: it is how a second "
                                 "import finds it."))


def payable(entry: tuple[int, date, Decimal], instalments: int, problems: Problems) -> bool:
    """Whether a payment of the column names an instalment of the contract's `instalments`
    and is no negative amount (a reversal is written as one), before the payment's own
    rules (`record_payment`, `check_payment`); its problem said in the column."""
    number, _received_on, amount = entry
    if number > instalments:
        problems.add("payments", _("The contract has no instalment %(n)d.", n=number))
    elif amount < 0:
        problems.add("payments", reversal_lines.negative())
    else:
        return True
    return False


class Contracts(Adapter):
    refused_in = "project_id"
    kind, model, form_class = columns.CONTRACTS, ResearchContract, ContractForm
    fields = FORM_FIELDS

    def find(self, values):
        project = db.session.get(Project, values.get("project_id") or 0)
        number = (values.get("number") or "").strip()
        if project is None or not number:
            return None
        return contracts.find_by_number(project.institute_id, number)

    def name(self, values):
        return f"{values.get('project_id', '')} · {values.get('number', '')}"

    def current(self, obj):
        return {**super().current(obj), "project_id": obj.project_id,
                "instalments": [(i.due_date, i.amount) for i in obj.instalments],
                "payments": recorded_payments(obj)}

    def form_data(self, obj):
        if obj is None:
            return None
        return {f: getattr(obj, f) for f in FORM_FIELDS}

    def choices(self, refs):
        return {"enterprises": _rows(Enterprise, refs, "enterprise_id")}

    def more_formdata(self, given, obj):
        rows = None
        if "instalments" in given:
            rows = read("instalments", instalments, (given["instalments"] or [""])[0])
            cells.listed_in_wan(columns.CONTRACTS, "amount", "instalments", given,
                                [amount for _due, amount in rows or ()])
        if rows is None and obj is not None:  # none given, or none read: as recorded
            rows = [(i.due_date.isoformat(), format(i.amount, "f")) for i in obj.instalments]
        data = {}
        for i, (due, amount) in enumerate(rows or []):
            data[f"instalments-{i}-due_date"] = [due]
            data[f"instalments-{i}-amount"] = [amount]
        return data

    def values(self, form, given):
        text = {k: (v[0] if v else "") for k, v in given.items()}
        values = {f: getattr(form, f).data for f in FORM_FIELDS}
        values["number"] = (values["number"] or "").strip()
        values["project_id"] = int(text.get("project_id") or 0)
        values["instalments"] = sorted(form.schedule())
        values["payments"] = (read("payments", payments, text["payments"]) if "payments" in text
                              else None)
        return values

    def save(self, actor, obj, values):
        values = dict(values)
        paid = values.pop("payments")
        project = db.session.get(Project, values.pop("project_id"))
        problems = Problems()  # every problem of the row at once, each in its column
        numbered(values, problems)
        if obj is not None:
            if obj.project_id != project.id:
                problems.add("number", _("This number is another project's contract in the "
                                         "institute."))
            else:
                _correct(actor, obj, values, problems)
            recorded = recorded_payments(obj)
            paid = recorded if paid is None else paid
            if paid[:len(recorded)] != recorded:
                problems.add("payments", _("A recorded payment is not removed or changed by an "
                                           "import: reverse it on the contract's page."))
            new = paid[len(recorded):]
            contract = obj
        else:
            problems.raise_any()
            contract = contracts.record_contract(actor, project, **values, history=True)
            new = paid or []
        problems.raise_any()
        if unreadable("instalments"):  # the payments' instalments are not known
            new = []

        def add(entry):
            number, received_on, amount = entry
            if payable(entry, len(contract.instalments), problems):
                try:
                    return contracts.record_payment(actor, contract.instalments[number - 1],
                                                    received_on, amount)
                except Invalid as invalid:  # the payment page's fields are this one column's
                    problems.found += invalid.renamed(lambda _field: "payments")
            return None

        reversal_lines.record(
            new, payment_records(contract), "payments", add,
            lambda paid, r: contracts.reverse_payment(actor, paid, r.on, r.reason), problems)
        problems.raise_any()
        return contract

