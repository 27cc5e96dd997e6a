"""A row of the funding import: the allocation-investment agreement form of its project's
funding page, saved by `record_agreement` as that page saves it, by the committee member the
row names; then each tranche by `add_tranche`, each disbursement by `record_disbursement`
and the outcome after the deadline by `record_outcome`, as their pages record them, by the
same member (only the investment committee decides funding). Each is the project's history
(`history`): a closed project takes it dated by the day it closed.

An agreement is found again by its project (one each). A re-import of the same row changes
nothing; a row that changes the agreement's terms or co-funders corrects them as the funding
page does (`amendments.save_agreement`, by the member who decided it, the reason naming the
import); tranches, disbursements and an outcome the file adds are recorded, and a row that
changes or drops a recorded tranche, payment or outcome is refused (each is corrected, or a
payment reversed, on the funding page, with the reason). A conversion into shares is the
committee's act on a financing round of the project's company, recorded in the tracker.
What the co-funders paid is recorded, each payment and reversal, as the funding page's
co-funder form records it. The cells are read and written by `funding_cells`.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from tracker import db
from tracker.accounts.models import User
from tracker.errors import Forbidden, Invalid, Problems, Refused
from tracker.funding import amendments, corrections
from tracker.funding import services as funding
from tracker.funding.forms import CO_FUNDER_ROWS, AgreementForm
from tracker.funding.models import FundingAgreement
from tracker.imports import cells, columns, reversal_lines
from tracker.imports.adapters import Adapter, correction_reason
from tracker.imports.cells import read, unreadable
from tracker.imports.funding_cells import (
    AGREEMENT_FIELDS,
    OUTCOME_COLUMNS,
    CoPaid,
    Outcome,
    Paid,
    Tranche,
    as_keyed,
    co_funder_payment_records,
    co_funder_payments,
    co_funders,
    co_funders_differ,
    disbursement_records,
    disbursements,
    outcome,
    recorded_co_funder_payments,
    recorded_disbursements,
    recorded_outcome,
    recorded_tranches,
    tranches,
)
from tracker.imports.reversal_lines import Reversal
from tracker.milestones.models import Milestone
from tracker.partners import co_funding
from tracker.projects import codes
from tracker.projects.models import Project


class Funding(Adapter):
    acts_as, refused_in = "decided_by_id", "project_id"
    kind, model, form_class = columns.FUNDING, FundingAgreement, AgreementForm
    fields = AGREEMENT_FIELDS

    def find(self, values):
        return db.session.scalar(select(FundingAgreement).where(
            FundingAgreement.project_id == (values.get("project_id") or 0),
            FundingAgreement.standing()))

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
        cells.listed_in_wan(columns.FUNDING, "committed", "tranches", given,
                            [tranche[0] for tranche in values["tranches"] or ()])
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
            # Who may not decide: beside the committee member's column (`acts_as`), with
            # the terms' problems.
            agreement = funding.record_agreement(member, project, **values, history=True,
                                                 named=True)
            new_tranches, new_paid = wanted["tranches"] or [], wanted["disbursements"] or []
            new_outcome = wanted["outcome"]
            new_co_paid = as_keyed(wanted["co_funder_payments"]) or []
        else:
            agreement = obj
            wanted["co_funder_payments"] = as_keyed(wanted["co_funder_payments"])
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
        if co_funders_differ(values["co_funders"], obj):
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
    def _tranches(member, agreement, new: list[Tranche], problems: Problems,
                  add=funding.add_tranche) -> None:
        """Each tranche by `add` (the bulk path's adds it to the agreement it holds), each
        problem in the tranches column."""
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
                add(member, agreement, amount=amount, milestone_id=milestone_id, gate=gate,
                    history=True)
            except (Invalid, Refused, Forbidden) as error:
                problems.add("tranches", error.message)

    @staticmethod
    def _disbursements(member, agreement, new: list[Paid | Reversal], problems: Problems,
                       disburse=funding.record_disbursement) -> None:
        """Each disbursement by `disburse` (the bulk path's records it on the tranche it
        holds), each reversal by `reverse_disbursement`, each problem in the column."""
        def add(entry):
            number, paid_on, amount, reference = entry
            tranches = agreement.standing_tranches
            if number > len(tranches):
                problems.add("disbursements", _("The agreement has no tranche %(n)d.",
                                                n=number))
            elif amount < 0:
                problems.add("disbursements", reversal_lines.negative())
            else:
                try:
                    return disburse(member, tranches[number - 1], amount=amount,
                                    paid_on=paid_on, reference=reference, history=True)
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
            substitute = codes.find(code)
            if substitute is None:
                problems.add("substitute", _("No project has the code %(key)s.", key=code))
                return
        try:
            funding.record_outcome(member, agreement, outcome=kind, on=on,
                                   repaid_amount=repaid, substitute=substitute, note=note)
        except Invalid as error:
            problems.add(OUTCOME_COLUMNS.get(error.field, "outcome"), error.message)
        except (Refused, Forbidden) as error:
            problems.add("outcome", error.message)
