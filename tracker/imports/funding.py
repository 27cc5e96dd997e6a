"""A row of the funding import: the allocation-investment agreement form of its project's
funding page, saved by `record_agreement` as that page saves it, by the committee member the
row names; then each tranche by `add_tranche`, each disbursement by `record_disbursement`
and the outcome after the deadline by `record_outcome`, as their pages record them, by the
same member (only the investment committee decides funding).

An agreement is found again by its project (one each). A re-import of the same row changes
nothing; a row that changes the agreement's terms or co-funders corrects them as the funding
page does (`amendments.save_agreement`, by the member who decided it, the reason naming the
import); tranches, disbursements and an outcome the file adds are recorded, and a row that
changes or drops a recorded tranche, payment or outcome is refused (each is corrected, or a
payment reversed, on the funding page, with the reason). A conversion into shares is the
committee's act on a financing round of the project's company, recorded in the tracker.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from tracker import db
from tracker.accounts.models import User
from tracker.display import said
from tracker.errors import Forbidden, Invalid, Problems, Refused
from tracker.funding import amendments, corrections
from tracker.funding import services as funding
from tracker.funding.forms import CO_FUNDER_ROWS, AgreementForm, DisbursementForm, OutcomeForm
from tracker.funding.models import AgreementOutcome, Disbursement, FundingAgreement
from tracker.imports import columns, reversal_lines
from tracker.imports.adapters import Adapter, correction_reason
from tracker.imports.cells import CellError, iso_date, read, unreadable
from tracker.imports.reversal_lines import Reversal
from tracker.milestones.models import Milestone
from tracker.partners import co_funding
from tracker.partners import services as partners
from tracker.partners.payment_models import CoFunderPayment
from tracker.projects.models import Project

AGREEMENT_FIELDS = ("committed", "hq_ratio", "discount_pct", "qualifying_round_min",
                    "signed_on", "conversion_deadline")
_PARTS = re.compile(r"[;；\n]+")
_AMOUNT = re.compile(r"[,，\s]")
_GATE = re.compile(r"^(?:gate|关口|阶段门)\s*(\d+)$", re.I)

Tranche = tuple[Decimal, int | None, str | None]  # amount, gate, milestone title
Paid = tuple[int, date, Decimal, str]  # tranche number, paid on, amount, reference
Outcome = tuple[AgreementOutcome, date, Decimal | None, str, str]
CoPaid = tuple[str, date, Decimal, str]  # the co-funder's name, paid on, amount, reference


def _amount(text: str, column: str) -> Decimal:
    try:
        return Decimal(_AMOUNT.sub("", text))
    except InvalidOperation:
        raise CellError(_("Not an amount: %(value)s.", value=text), column) from None


def co_funders(text: str) -> list[tuple[str, str]]:
    """'苏州市: 1; 工业园区: 1' as (name, ratio) form input."""
    found = []
    for part in _PARTS.split(text):
        if not part.strip():
            continue
        name, sep, ratio = part.replace("：", ":").rpartition(":")
        if not sep:
            raise CellError(_("Write each co-funder as its name and ratio, e.g. Suzhou: 1; "
                              "Industrial Park: 1."), "co_funders")
        found.append((name.strip(), ratio.strip()))
    if len(found) > CO_FUNDER_ROWS:
        raise CellError(_("At most %(n)d co-funders.", n=CO_FUNDER_ROWS), "co_funders")
    return found


def tranches(text: str) -> list[Tranche]:
    """'1000000 | gate 1; 2000000 | Pilot line' as (amount, gate, milestone title), numbered
    in the order written."""
    found: list[Tranche] = []
    for part in _PARTS.split(text):
        if not part.strip():
            continue
        amount, sep, condition = (p.strip() for p in part.partition("|"))
        if not sep or not condition:
            raise CellError(_("Write each tranche as its amount and when it is released (a "
                              "gate or a milestone's title), e.g. 1000000 | gate 1; 2000000 | "
                              "Pilot line."), "tranches")
        gate = _GATE.match(condition)
        found.append((_amount(amount, "tranches"), int(gate.group(1)) if gate else None,
                      None if gate else condition))
    return found


def _form_errors(form) -> list[str]:
    return [m for messages in form.errors.values() for m in messages]


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
        "amount": _AMOUNT.sub("", pieces[1]), "paid_on": iso_date(pieces[0]),
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


def _as_keyed(entries: list | None) -> list | None:
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
        "repaid_amount": _AMOUNT.sub("", text.get("repaid_amount", "")),
        "substitute": text.get("substitute", ""), "note": text.get("outcome_note", "")}))
    if not form.validate():
        field, messages = next(iter(form.errors.items()))
        raise CellError(messages[0], _OUTCOME_COLUMNS.get(field, "outcome"))
    return (form.outcome.data, form.outcome_on.data, form.repaid_amount.data,
            (form.substitute.data or "").strip().upper(), (form.note.data or "").strip())


_OUTCOME_COLUMNS = {"outcome": "outcome", "outcome_on": "outcome_on",
                    "repaid_amount": "repaid_amount", "substitute": "substitute",
                    "note": "outcome_note"}


def recorded_tranches(agreement: FundingAgreement) -> list[Tranche]:
    return [(t.amount, t.gate, t.milestone.title if t.milestone else None)
            for t in agreement.tranches]


def disbursement_records(agreement: FundingAgreement) -> list[Disbursement]:
    """The agreement's disbursements in the column's order: by tranche, each as recorded."""
    return [d for t in agreement.tranches for d in t.disbursements]


def recorded_disbursements(agreement: FundingAgreement) -> list[Paid | Reversal]:
    """The agreement's disbursements as the column writes them (reversals included, in
    order)."""
    return reversal_lines.recorded(disbursement_records(agreement), lambda d: (
        d.tranche.number, d.paid_on, d.amount, d.reference))


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


def _co_funders_differ(lines: list[tuple[str, Decimal]], agreement: FundingAgreement) -> bool:
    """Whether a row's co-funders are not the agreement's: each name is the partner it names
    (Chinese or English, `partners.named`), so a file naming them in English re-imports as
    unchanged."""
    given = []
    for name, ratio in lines:
        partner = partners.named(name)
        given.append((partner.id if partner is not None else name, ratio))
    return given != [(c.partner_id, c.ratio) for c in agreement.co_funders]


class Funding(Adapter):
    kind, model, form_class = columns.FUNDING, FundingAgreement, AgreementForm
    fields = AGREEMENT_FIELDS

    def find(self, values):
        return db.session.scalar(select(FundingAgreement).where(
            FundingAgreement.project_id == (values.get("project_id") or 0)))

    def name(self, values):
        return values.get("project_id") or ""

    def current(self, obj):
        return {**super().current(obj), "project_id": obj.project_id,
                "decided_by_id": obj.decided_by_id,
                "co_funders": [(c.name, c.ratio) for c in obj.co_funders],
                "tranches": recorded_tranches(obj),
                "disbursements": recorded_disbursements(obj), "outcome": recorded_outcome(obj),
                "co_funder_payments": recorded_co_funder_payments(obj)}

    def form_data(self, obj):
        if obj is None:
            return None
        return {f: getattr(obj, f) for f in AGREEMENT_FIELDS}

    def form(self, formdata, obj, refs):
        return AgreementForm(formdata=formdata, data=self.form_data(obj))

    def more_formdata(self, given, obj):
        rows = None
        if "co_funders" in given:
            rows = read("co_funders", co_funders, (given["co_funders"] or [""])[0])
        if rows is None:  # none given, or none read: as recorded
            rows = ([(c.name, format(c.ratio.normalize(), "f")) for c in obj.co_funders]
                    if obj is not None else [])
        data = {f"co_funders-{i}-{k}": [""] for i in range(CO_FUNDER_ROWS)
                for k in ("name", "ratio")}
        for i, (name, ratio) in enumerate(rows):
            data[f"co_funders-{i}-name"], data[f"co_funders-{i}-ratio"] = [name], [ratio]
        if not (given.get("hq_ratio") or [""])[0]:
            # Empty: what the agreement says, or the form's default for a new one (1 in 1:1:1).
            data["hq_ratio"] = [format(obj.hq_ratio.normalize(), "f") if obj is not None else "1"]
        return data

    def values(self, form, given):
        text = {k: (v[0] if v else "") for k, v in given.items()}
        values = {f: getattr(form, f).data for f in AGREEMENT_FIELDS}
        values["co_funders"] = form.co_funder_lines()
        values["project_id"] = int(text.get("project_id") or 0)
        values["decided_by_id"] = int(text.get("decided_by_id") or 0)
        values["tranches"] = (read("tranches", tranches, text["tranches"]) if "tranches" in text
                              else None)
        values["disbursements"] = (read("disbursements", disbursements, text["disbursements"])
                                   if "disbursements" in text else None)
        values["outcome"] = read("outcome", outcome, text) if "outcome" in text else None
        values["co_funder_payments"] = (read("co_funder_payments", co_funder_payments,
                                             text["co_funder_payments"])
                                        if "co_funder_payments" in text else None)
        return values

    def save(self, actor, obj, values):
        values = dict(values)
        project = db.session.get(Project, values.pop("project_id"))
        member = db.session.get(User, values.pop("decided_by_id"))
        wanted = {k: values.pop(k) for k in ("tranches", "disbursements", "outcome",
                                             "co_funder_payments")}
        if obj is None:
            try:
                agreement = funding.record_agreement(member, project, **values)
            except Forbidden as refused:
                raise Invalid("decided_by_id", refused.message) from None
            new_tranches, new_paid = wanted["tranches"] or [], wanted["disbursements"] or []
            new_outcome = wanted["outcome"]
            new_co_paid = _as_keyed(wanted["co_funder_payments"]) or []
        else:
            agreement = obj
            wanted["co_funder_payments"] = _as_keyed(wanted["co_funder_payments"])
            new_tranches, new_paid, new_outcome, new_co_paid = self._additions(
                obj, values, member, wanted)
        problems = Problems()
        if not unreadable("co_funders"):
            self._co_funder_payments(member, agreement, new_co_paid, problems)
        self._tranches(member, agreement, new_tranches, problems)
        if "tranches" not in problems and not unreadable("tranches"):
            self._disbursements(member, agreement, new_paid, problems)
        if new_outcome is not None and not problems and not unreadable(
                "tranches", "disbursements"):
            self._outcome(member, agreement, new_outcome, problems)
        problems.raise_any()
        return agreement

    def _additions(self, obj, values, member, wanted):
        """What a re-imported row adds to a recorded agreement; refused when it changes it."""
        before = self.current(obj)
        changed = [k for k in AGREEMENT_FIELDS if values[k] is not None
                   and values[k] != before[k]]
        problems = Problems()  # every problem of the row at once, each in its column
        if _co_funders_differ(values["co_funders"], obj):
            changed.append("co_funders")
        if member.id != obj.decided_by_id:
            problems.add("decided_by_id", _(
                "%(name)s recorded this agreement: who decided it is not changed.",
                name=obj.decided_by.name))
        elif changed:  # as the funding page corrects them, each problem beside its column
            terms = {k: before[k] if values[k] is None else values[k] for k in AGREEMENT_FIELDS}
            try:
                amendments.save_agreement(
                    member, obj, **terms, co_funders=values["co_funders"],
                    reason=correction_reason())
            except Invalid as invalid:
                problems.found += invalid.problems
            except Refused as refused:
                problems.add(changed[0], refused.message)
        tranches_ = before["tranches"] if wanted["tranches"] is None else wanted["tranches"]
        if tranches_[:len(before["tranches"])] != before["tranches"]:
            problems.add("tranches", _("A recorded tranche is not removed or changed by an "
                                       "import: correct it on the funding page, with the "
                                       "reason."))
        paid = (before["disbursements"] if wanted["disbursements"] is None
                else wanted["disbursements"])
        if paid[:len(before["disbursements"])] != before["disbursements"]:
            problems.add("disbursements", _("A recorded disbursement is not removed or changed "
                                            "by an import: reverse it on the funding page."))
        new_outcome = wanted["outcome"]
        if before["outcome"] is not None:
            if new_outcome not in (None, before["outcome"]):
                problems.add("outcome", _("The agreement's outcome is recorded already: an "
                                          "import does not change it (correct it on the "
                                          "funding page, with the reason)."))
            new_outcome = None
        co_paid = (before["co_funder_payments"] if wanted["co_funder_payments"] is None
                   else wanted["co_funder_payments"])
        if co_paid[:len(before["co_funder_payments"])] != before["co_funder_payments"]:
            problems.add("co_funder_payments", _(
                "A recorded co-funder's payment is not removed or changed by an import: "
                "reverse it on the funding page."))
        problems.raise_any()
        return (tranches_[len(before["tranches"]):], paid[len(before["disbursements"]):],
                new_outcome, co_paid[len(before["co_funder_payments"]):])

    @staticmethod
    def _tranches(member, agreement, new: list[Tranche], problems: Problems) -> None:
        for amount, gate, title in new:
            milestone_id = None
            if title is not None:
                milestone_id = db.session.scalar(select(Milestone.id).where(
                    Milestone.project_id == agreement.project_id, Milestone.title == title)
                    .order_by(Milestone.id).limit(1))
                if milestone_id is None:
                    problems.add("tranches", _("The project has no milestone called "
                                               "%(title)s.", title=title))
                    continue
            try:
                funding.add_tranche(member, agreement, amount=amount,
                                    milestone_id=milestone_id, gate=gate)
            except (Invalid, Refused, Forbidden) as error:
                problems.add("tranches", error.message)

    @staticmethod
    def _disbursements(member, agreement, new: list[Paid | Reversal],
                       problems: Problems) -> None:
        def add(entry):
            number, paid_on, amount, reference = entry
            if number > len(agreement.tranches):
                problems.add("disbursements", _("The agreement has no tranche %(n)d.",
                                                n=number))
            elif amount < 0:
                problems.add("disbursements", reversal_lines.negative())
            else:
                try:
                    return funding.record_disbursement(
                        member, agreement.tranches[number - 1], amount=amount,
                        paid_on=paid_on, reference=reference)
                except (Invalid, Refused, Forbidden) as error:
                    problems.add("disbursements", error.message)
            return None

        reversal_lines.record(
            new, disbursement_records(agreement), "disbursements", add,
            lambda paid, r: corrections.reverse_disbursement(member, paid, r.on, r.reason),
            problems)

    @staticmethod
    def _co_funder_payments(member, agreement, new: list[CoPaid | Reversal],
                            problems: Problems) -> None:
        """Each payment by the co-funder it names, as its page records it
        (`co_funding.record_payment`: never above what it committed, not before the signing),
        each reversal by `co_funding.reverse_payment`, by the committee member."""
        def add(entry):
            name, paid_on, amount, reference = entry
            co_funder = next((c for c in agreement.co_funders if c.name == name), None)
            if co_funder is None:
                problems.add("co_funder_payments", _(
                    "%(name)s is not a co-funder of this agreement: name it in Co-funders.",
                    name=name))
            elif amount < 0:
                problems.add("co_funder_payments", reversal_lines.negative())
            else:
                try:
                    return co_funding.record_payment(member, co_funder, amount=amount,
                                                     paid_on=paid_on, reference=reference)
                except Invalid as error:
                    problems.found += error.renamed(lambda _field: "co_funder_payments")
                except (Refused, Forbidden) as error:
                    problems.add("co_funder_payments", error.message)
            return None

        reversal_lines.record(
            new, co_funder_payment_records(agreement), "co_funder_payments", add,
            lambda paid, r: co_funding.reverse_payment(member, paid, r.on, r.reason), problems)

    @staticmethod
    def _outcome(member, agreement, new: Outcome, problems: Problems) -> None:
        kind, on, repaid, code, note = new
        substitute = None
        if code:
            substitute = db.session.scalar(select(Project).where(Project.code == code))
            if substitute is None:
                problems.add("substitute", _("No project has the code %(key)s.", key=code))
                return
        try:
            funding.record_outcome(member, agreement, outcome=kind, on=on,
                                   repaid_amount=repaid, substitute=substitute, note=note)
        except Invalid as error:
            problems.add(_OUTCOME_COLUMNS.get(error.field, "outcome"), error.message)
        except (Refused, Forbidden) as error:
            problems.add("outcome", error.message)
