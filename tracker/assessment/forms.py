"""Forms of the assessment pages."""

from __future__ import annotations

from decimal import Decimal

from flask import request
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    MultipleFileField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from tracker.assessment.models import MEASURE_LABELS, Measure
from tracker.files import attached
from tracker.files.services import ACCEPT
from tracker.money import CENT
from tracker.web.corrections import reason_field
from tracker.web.fields import (
    MAX_AMOUNT,
    MultiCheckboxField,
    NumberField,
    Range,
    WholeNumberField,
    amount_field,
)
from tracker.web.forms import Form, OneTime, SeenVersion


class IndicatorForm(OneTime, SeenVersion, Form):
    measure = SelectField(_l("Measure"), choices=[],
                          description=_l("What the tracker computes, or evidence entered by "
                                         "the institutes and accepted by HQ."))
    name = StringField(_l("Name (Chinese)"), validators=[DataRequired(), Length(max=200)])
    name_en = StringField(_l("Name (English)"), validators=[Optional(), Length(max=200)])
    weight = NumberField(_l("Weight (points)"), validators=[
        InputRequired(), Range(min=Decimal("0.01"), max=Decimal("1000"))])
    target = NumberField(_l("Target"), validators=[
        InputRequired(), Range(min=Decimal("0.01"), max=MAX_AMOUNT)],
        description=_l("The value that earns the whole weight: CNY for money, a number for "
                       "counts."))
    is_count = BooleanField(_l("Counted in a number, not in CNY"), description=_l(
        "For an indicator entered with evidence: companies, patents, people. Unticked, its "
        "target and entries are CNY. A computed measure has its own unit."))
    position = WholeNumberField(_l("Position"), default=0, validators=[Optional(), Range(0, 999)])

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.measure.choices = [(m.value, MEASURE_LABELS[m]) for m in Measure]
        if editing:  # the measure of an indicator stays what it was
            del self.measure


class EvidenceForm(OneTime, Form):
    indicator_id = SelectField(_l("Indicator"), coerce=int, choices=[])
    no_choice = {"indicator_id": _l("This year has no indicator entered with evidence.")}
    amount = NumberField(_l("Amount"), validators=[
        InputRequired(), Range(min=Decimal("0"), max=MAX_AMOUNT)],
        description=_l("In the indicator's unit: CNY for money, a number for counts."))
    description = TextAreaField(_l("What it is and where it comes from"),
                                validators=[DataRequired(), Length(max=5000)])
    files = MultipleFileField(_l("Evidence files"), render_kw={"accept": ACCEPT},
                              description=_l("Contracts, invoices, bank statements: PDF, "
                                             "images, Word, Excel or ZIP."))

    def __init__(self, *args, indicators=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator_id.choices = [(i.id, i.shown("name")) for i in indicators]

    def uploads(self) -> list:
        return [(f.stream, f.filename or "") for f in request.files.getlist("files")
                if f.filename]


class EvidenceCorrectionForm(SeenVersion, OneTime, Form):
    """An entry corrected before HQ reviews it: the fields it was entered with (its indicator
    stays), files added, files attached by mistake withdrawn (they stay, marked so), the
    reason."""

    amount = EvidenceForm.amount
    description = EvidenceForm.description
    files = EvidenceForm.files
    withdrawn_files = MultiCheckboxField(
        _l("Files to withdraw from the entry"), coerce=int, choices=[], validators=[Optional()],
        description=_l("Attached by mistake: the entry no longer shows them as its evidence; "
                       "they stay listed with it, marked withdrawn, and in its history."))
    reason = reason_field()
    uploads = EvidenceForm.uploads

    def __init__(self, *args, entry=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.withdrawn_files.choices = attached.choices(entry.attached if entry else ())


class ReviewEvidenceForm(OneTime, Form):
    decision = RadioField(_l("Decision"), choices=[
        ("accept", _l("Accept: it counts")), ("return", _l("Return with an opinion"))],
        validators=[InputRequired()])
    opinion = TextAreaField(_l("Opinion"), validators=[Optional(), Length(max=5000)])


class RuleForm(OneTime, Form):
    pool = amount_field(_l("Funding pool (CNY)"), least=CENT)
    score_share = NumberField(_l("Share by total score (%)"), default=Decimal("70"),
                              validators=[InputRequired(), Range(0, 100)],
                              description=_l("The rest is shared by contract revenue "
                                             "received in the year."))
    floor = amount_field(_l("Floor per institute (CNY)"), default=Decimal("0"))
    cap = amount_field(_l("Cap per institute (CNY, optional)"), required=False, least=CENT)
