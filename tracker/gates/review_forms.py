"""Forms of the gate review pages (panel, declaration, scorecard, decision)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    FieldList,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from tracker.display.formatting import number
from tracker.display.labels import label
from tracker.gates.models import (
    CONCLUSION_OUTCOME,
    Conclusion,
    CriterionKind,
    Outcome,
    Recommendation,
    outcomes_at,
)
from tracker.projects.lifecycle import Phase
from tracker.web.corrections import SUPERSEDED, reason_field
from tracker.web.fields import DateField, NumberField, Range, WholeNumberField
from tracker.web.forms import Form, OneTime, SeenVersion

CONDITION_ROWS = 5


class PanelForm(OneTime, Form):
    evaluator_ids = SelectMultipleField(_l("Evaluators"), coerce=int, choices=[],
                                        validators=[DataRequired()])
    chair_id = SelectField(_l("Chair"), coerce=int, choices=[])
    due_date = DateField(_l("Due date"), validators=[Optional()],
                         description=_l("Empty: the gate's review period from today."))

    no_choice = {"evaluator_ids": _l("Nobody holds the evaluator role: HQ admins give it first "
                                     "(Users).")}

    def __init__(self, *args, evaluators=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(u.id, u.name) for u in evaluators]
        self.evaluator_ids.choices = choices
        self.chair_id.choices = choices


class DeclarationForm(OneTime, Form):
    conflict = RadioField(_l("Conflict of interest"), validators=[InputRequired()])
    note = TextAreaField(_l("If so, what is it?"), validators=[Optional(), Length(max=2000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict.choices = [
            ("no", _l("I have no conflict of interest with this project")),
            ("yes", _l("I have a conflict of interest and step aside")),
        ]


class ScorecardForm(OneTime, Form):
    """Fields are added per criterion by `scorecard_form` (their ids are the review's)."""

    # No default: an evaluator who skips the field is asked, never counted as a GO.
    recommendation = SelectField(_l("Your recommendation"), choices=[],
                                 validators=[InputRequired()])
    comment = TextAreaField(_l("Overall comment"), validators=[Optional(), Length(max=5000)])


class ScorecardCorrectionForm(SeenVersion, ScorecardForm):
    """A submitted scorecard corrected, with the reason, on the evaluator's version."""

    reason = reason_field()


def scorecard_form(review, formdata=None, correcting=None) -> ScorecardForm:
    """A form with one field (and a comment) per criterion of `review`; `correcting`: the
    evaluator's place on the panel whose submitted scorecard it corrects, filled from it."""
    base = ScorecardForm if correcting is None else ScorecardCorrectionForm

    class Card(base):
        def shown_order(self) -> list[str]:
            # Each criterion with its comment, then the recommendation and the overall comment.
            return [*(name for c in review.criteria for name in (f"c{c.id}", f"c{c.id}_comment")),
                    "recommendation", "comment", *(["reason"] if correcting else [])]

    for criterion in review.criteria:
        # Each field is named by its criterion, as is its comment box (a screen reader reads
        # the label alone); the kind and the scale are its help text.
        text = criterion.shown("text")
        if criterion.kind is CriterionKind.MUST:
            field = RadioField(text, validators=[InputRequired()],
                               description=label(criterion.kind))
        else:
            field = WholeNumberField(text, validators=[
                InputRequired(), Range(0, criterion.scale_max)],
                description=_l("%(kind)s, weight %(weight)s: 0 to %(n)d",
                               kind=label(criterion.kind), weight=number(criterion.weight),
                               n=criterion.scale_max))
        setattr(Card, f"c{criterion.id}", field)
        setattr(Card, f"c{criterion.id}_comment", StringField(
            _l("Comment on “%(criterion)s”", criterion=text),
            validators=[Optional(), Length(max=2000)]))
    form = Card(formdata=formdata, data=None if correcting is None or formdata is not None
                else _scorecard_data(review, correcting))
    for criterion in review.criteria:
        if criterion.kind is CriterionKind.MUST:
            form[f"c{criterion.id}"].choices = [("1", _l("Met")), ("0", _l("Not met"))]
    # The gate's own outcomes in its own words: research acceptance recommends a conclusion.
    allowed = outcomes_at(review.gate)
    form.recommendation.choices = [("", _l("Choose a recommendation"))] + [
        (r.value, review.word(r)) for r in Recommendation if Outcome(r.value) in allowed]
    return form


def _scorecard_data(review, member) -> dict:
    """A submitted scorecard as its form shows it."""
    kinds = {c.id: c.kind for c in review.criteria}
    data = {"recommendation": member.recommendation.value if member.recommendation else "",
            "comment": member.comment}
    for score in member.scores:
        must = kinds.get(score.criterion_id) is CriterionKind.MUST
        data[f"c{score.criterion_id}"] = ("1" if score.passed else "0") if must else score.value
        data[f"c{score.criterion_id}_comment"] = score.comment
    return data


class DeclarationCorrectionForm(SeenVersion, DeclarationForm):
    """A declaration made by mistake corrected, with the reason."""

    reason = reason_field()


class ConditionRow(Form):
    text = StringField(_l("Condition"), validators=[Optional(), Length(max=1000)])
    owner_id = SelectField(_l("Owner"), coerce=int, choices=[], default=0)
    due_date = DateField(_l("Due date"), validators=[Optional()])


class DecisionForm(OneTime, Form):
    """At research acceptance (`acceptance`) the decision is chosen as its official conclusion
    (the outcome it maps to is recorded with it), with the completion ratio it was judged on."""

    version = HiddenField()
    outcome = SelectField(_l("Decision"), choices=[], validators=[InputRequired()])
    completion_ratio = NumberField(
        _l("Completion ratio (%)"), validators=[Optional()],
        description=_l("The share of the task agreement's targets met, in per cent: what the "
                       "conclusion was judged on."))
    target_phase = SelectField(_l("After GO, the project goes to"), choices=[])
    rationale = TextAreaField(_l("Rationale"), validators=[Optional(), Length(max=10000)],
                              description=_l("Required for KILL, with the settlement of funds "
                                             "already paid."))
    override_reason = TextAreaField(
        _l("Override reason"), validators=[Optional(), Length(max=5000)],
        description=_l("Required to decide GO despite a TRL below the bar or a score below "
                       "the threshold, and a CONDITIONAL GO despite a failed must-meet "
                       "criterion (a GO is refused over it)."))
    revisit_date = DateField(_l("Revisit date (HOLD)"), validators=[Optional()])
    rework_due = DateField(_l("Rework due date (RECYCLE)"), validators=[Optional()])
    conditions = FieldList(FormField(ConditionRow), min_entries=CONDITION_ROWS,
                           max_entries=CONDITION_ROWS)
    # Shown when the form corrects the decision in force: the service requires it there.
    reason = reason_field(SUPERSEDED, required=False)

    def __init__(self, *args, targets=(), owners=(), acceptance=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.acceptance = acceptance
        # No default: a decision is chosen, never taken as GO by a chair who skipped the field.
        if acceptance:
            self.outcome.label.text = _l("Acceptance conclusion")
            self.rework_due.label.text = _l("Rework due date (to be reconsidered)")
            self.rationale.description = _l("Required when the acceptance fails, with the "
                                            "settlement of funds already paid.")
            self.target_phase.label.text = _l("After passing acceptance, the project goes to")
            self.override_reason.description = _l(
                "Required to pass acceptance despite a TRL below the bar or a score below the "
                "threshold (a failed must-meet criterion is not overridden).")
            self.outcome.choices = [("", _l("Choose the conclusion"))] + [
                (c.value, label(c)) for c in Conclusion]
        else:
            self.outcome.choices = [("", _l("Choose the decision"))] + [
                (o.value, label(o)) for o in Outcome]
        self.target_phase.choices = [(p.value, label(Phase(p))) for p in targets]
        for row in self.conditions:
            row.owner_id.choices = [(0, _l("Choose the owner"))] + [(u.id, u.name)
                                                                     for u in owners]

    def chosen(self) -> tuple[Outcome, Conclusion | None]:
        """The outcome chosen, and at acceptance the conclusion it was chosen as; None when
        none (or no valid one) was: the form says so beside the field, and the service is
        still asked first whether the person may act at all."""
        try:
            if self.acceptance:
                conclusion = Conclusion(self.outcome.data)
                return CONCLUSION_OUTCOME[conclusion], conclusion
            return Outcome(self.outcome.data), None
        except ValueError:
            return None, None

    def filled_conditions(self, users_by_id) -> list[dict]:
        """The rows with a text, each with its place in the table ("row"): a problem with one
        is shown in its row."""
        rows = []
        for i, row in enumerate(self.conditions):
            if row.text.data and row.text.data.strip():
                rows.append({"text": row.text.data, "owner": users_by_id.get(row.owner_id.data),
                             "due_date": row.due_date.data, "row": i})
        return rows


class ConditionMetForm(OneTime, Form):
    """The owner's evidence that a condition is met, posted from the project page."""

    evidence = TextAreaField(_l("Evidence"), validators=[Length(max=5000)])


class ConditionConfirmForm(OneTime, Form):
    """The chair's or HQ's verdict on a met condition, posted from the project page."""

    accept = HiddenField()
    note = TextAreaField(_l("Note"), validators=[Length(max=5000)])
