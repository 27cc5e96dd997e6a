"""Forms of the funding pages. They check input; the rules of the domain are the services'."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import FieldList, FormField, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from tracker.display.labels import label
from tracker.funding.models import DEADLINE_OUTCOMES, AgreementOutcome, ConditionKind
from tracker.web.corrections import reason_field
from tracker.web.fields import DateField, NumberField, Range, amount_field
from tracker.web.forms import Form, OneTime, SeenVersion

CO_FUNDER_ROWS = 3


class CoFunderRow(Form):
    name = StringField(_l("Co-funder"), validators=[Optional(), Length(max=200)])
    ratio = NumberField(_l("Ratio"), places=4, validators=[
        Optional(), Range(min=Decimal("0"), max=Decimal("999"))])


class AgreementForm(OneTime, SeenVersion, Form):
    committed = amount_field(_l("Committed by HQ (CNY)"))
    hq_ratio = NumberField(_l("HQ's part of the ratio"), places=4, default=Decimal("1"),
                           validators=[InputRequired(), Range(min=Decimal("0"),
                                                                    max=Decimal("999"))],
                           description=_l("1 in 1:1:1; the co-funders' parts follow."))
    co_funders = FieldList(FormField(CoFunderRow), min_entries=CO_FUNDER_ROWS,
                           max_entries=CO_FUNDER_ROWS)
    discount_pct = NumberField(_l("Discount on conversion (%)"), validators=[
        Optional(), Range(min=Decimal("0"), max=Decimal("100"))])
    qualifying_round_min = amount_field(_l("Smallest qualifying round (CNY)"))
    signed_on = DateField(_l("Signed on"), validators=[InputRequired()])
    conversion_deadline = DateField(_l("Conversion deadline"), validators=[InputRequired()])

    def co_funder_lines(self) -> list[tuple[str, Decimal]]:
        return [((row.form.name.data or "").strip(), row.form.ratio.data)
                for row in self.co_funders
                if (row.form.name.data or "").strip() or row.form.ratio.data is not None]

    def terms(self) -> dict:
        """The terms as the services take them."""
        return {"committed": self.committed.data, "hq_ratio": self.hq_ratio.data,
                "discount_pct": self.discount_pct.data,
                "qualifying_round_min": self.qualifying_round_min.data,
                "signed_on": self.signed_on.data,
                "conversion_deadline": self.conversion_deadline.data,
                "co_funders": self.co_funder_lines()}


class AgreementCorrectionForm(AgreementForm):
    """The terms recorded wrong, corrected (`amendments.save_agreement`): filled from the
    agreement, its co-funders in their rows and one more row to add one, with the reason."""

    co_funders = FieldList(FormField(CoFunderRow), min_entries=CO_FUNDER_ROWS,
                           max_entries=CO_FUNDER_ROWS + 3)
    reason = reason_field()

    def shown_order(self) -> list[str]:
        # The co-funders' rows sit under HQ's ratio, as on the new agreement's page.
        return ["committed", "hq_ratio", "co_funders", "discount_pct", "qualifying_round_min",
                "signed_on", "conversion_deadline", "reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_submitted() and len(self.co_funders) < self.co_funders.max_entries:
            if all((row.form.name.data or "").strip() for row in self.co_funders):
                self.co_funders.append_entry()


class TrancheForm(OneTime, Form):
    amount = amount_field(_l("Amount (CNY)"))
    condition = SelectField(_l("Released when"), choices=[], coerce=ConditionKind)
    milestone_id = SelectField(_l("Milestone"), coerce=int, choices=[])
    gate = SelectField(_l("Gate"), coerce=int, choices=[])

    def __init__(self, *args, milestones=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.gate.choices = [(0, _l("None"))] + [(n, _l("Gate %(n)d", n=n)) for n in (1, 2, 3, 4)]
        if not milestones:
            # A project without milestones releases a tranche on a gate only: a milestone
            # offered with none to choose was refused on saving.
            self.condition.choices = [(ConditionKind.GATE, label(ConditionKind.GATE))]
            self.condition.data = ConditionKind.GATE
            del self.milestone_id
            return
        self.condition.choices = [(c, label(c)) for c in ConditionKind]
        self.milestone_id.choices = [(0, _l("None"))] + [(m.id, m.title) for m in milestones]

    def condition_ids(self) -> dict:
        """The condition as the services take it: the milestone or the gate chosen."""
        by_milestone = self.condition.data is ConditionKind.MILESTONE
        return {"milestone_id": (self.milestone_id.data or None) if by_milestone else None,
                "gate": None if by_milestone else (self.gate.data or None)}


class TrancheCorrectionForm(SeenVersion, TrancheForm):
    """A tranche recorded wrong, corrected while nothing stands paid on it."""

    reason = reason_field()

    def __init__(self, *args, tranche=None, **kwargs):
        super().__init__(*args, **kwargs)
        if tranche is not None and not self.is_submitted():
            if "milestone_id" in self:
                self.milestone_id.data = tranche.milestone_id or 0
            self.gate.data = tranche.gate or 0


class DisbursementForm(OneTime, Form):
    amount = amount_field(_l("Amount paid (CNY)"))
    paid_on = DateField(_l("Paid on"), validators=[InputRequired()])
    reference = StringField(_l("Payment reference"), validators=[Optional(), Length(max=100)])


class ConversionForm(OneTime, Form):
    round_id = SelectField(_l("Qualifying round"), coerce=int, choices=[])

    no_choice = {"round_id": _l("No qualifying round stands: the money converts at a qualifying "
                                "round before the deadline.")}

    def __init__(self, *args, rounds=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.round_id.choices = [(r.id, r.name) for r in rounds]


class OutcomeForm(OneTime, Form):
    """The outcome after the deadline, recorded (and corrected: `OutcomeCorrectionForm`)."""

    outcome = SelectField(_l("Outcome"), choices=[], coerce=AgreementOutcome)
    outcome_on = DateField(_l("Dated"), validators=[InputRequired()])
    repaid_amount = amount_field(_l("Amount repaid (CNY)"), required=False)
    substitute = StringField(_l("Substituted by (project code)"),
                             validators=[Optional(), Length(max=40)])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcome.choices = [(o, label(o)) for o in DEADLINE_OUTCOMES]



class OutcomeCorrectionForm(SeenVersion, OutcomeForm):
    """The outcome recorded wrong, corrected: filled from what was recorded."""

    reason = reason_field()

    def __init__(self, *args, agreement=None, **kwargs):
        super().__init__(*args, **kwargs)
        if agreement is not None and not self.is_submitted():
            self.outcome.data, self.outcome_on.data = agreement.outcome, agreement.outcome_on
            self.repaid_amount.data = agreement.repaid_amount
            self.substitute.data = (agreement.substitute_project.code
                                    if agreement.substitute_project else "")
            self.note.data = agreement.outcome_note
