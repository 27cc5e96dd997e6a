"""Forms of the milestone pages."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import (
    MultipleFileField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, Optional, ValidationError

from tracker.display.formatting import size
from tracker.display.labels import label
from tracker.files import attached
from tracker.files.services import ACCEPT
from tracker.milestones.models import MAX_WEIGHT, WEIGHT_PLACES
from tracker.web.corrections import reason_field
from tracker.web.fields import (
    DateField,
    MultiCheckboxField,
    NumberField,
    Range,
    WholeNumberField,
)
from tracker.web.forms import Form, OneTime, SeenVersion


class MilestoneForm(OneTime, SeenVersion, Form):
    phase = SelectField(_l("Phase"), choices=[])
    no_choice = {"phase": _l("No phase of the project is open to planning: milestones are "
                             "planned for the phase under way and those ahead.")}
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    deliverable = TextAreaField(_l("Deliverable"), validators=[Optional(), Length(max=5000)],
                                description=_l("What the reviewer will check."))
    due_date = DateField(_l("Due date"), validators=[InputRequired()])
    weight = NumberField(_l("Weight"), places=WEIGHT_PLACES, default=Decimal("1"), validators=[
        InputRequired(), Range(min=Decimal("0"), max=MAX_WEIGHT)], description=_l(
            "The milestone's share of the project's progress beside the project's other "
            "milestones: a milestone of weight 2 counts twice as much as one of weight 1. "
            "From 0 to 9,999.99; 1 unless you change it."))

    def __init__(self, *args, phases=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.phase.choices = [(p.value, label(p)) for p in phases]


class _PostFields(Form):
    percent = WholeNumberField(_l("Percent complete"), validators=[InputRequired(),
                                                                   Range(0, 100)])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=10000)])


class PercentForm(Form):
    """The progress form's percentage alone: what an import row's percent complete is read by
    (tracker/imports/milestones.py), so a file's progress is read as a post's."""

    percent = _PostFields.percent


class PostCorrectionForm(SeenVersion, OneTime, _PostFields):
    """A progress post made wrong: its percentage and note corrected, files added to it or
    withdrawn from it (they stay, marked so), with the reason."""

    files = MultipleFileField(_l("Files to add"), render_kw={"accept": ACCEPT})
    withdrawn_files = MultiCheckboxField(_l("Files to withdraw from the post"), coerce=int,
                                         choices=[], validators=[Optional()])
    reason = reason_field()

    def __init__(self, *args, post=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.withdrawn_files.choices = attached.choices(post.evidence if post else ())

    def uploads(self):
        return [(f.stream, f.filename) for f in self.files.data or ()
                if f and getattr(f, "filename", "")]


class UpdateForm(OneTime, _PostFields):
    # A phone's picker offers its photos and its camera for these types.
    files = MultipleFileField(_l("Evidence files"), render_kw={"accept": ACCEPT},
                              description=_l("Photos (JPEG, PNG, HEIC, HEIF), PDF, Word, "
                                             "Excel, PowerPoint or ZIP."))
    # The draft's files (evidence.hold) ticked to be left out of the post.
    dropped = MultiCheckboxField(_l("Files already attached: tick any to leave out"),
                                    coerce=int, choices=[], validators=[Optional()])
    refused_files: list[str] = []  # what `evidence.hold` refused of this sending

    def __init__(self, *args, drafts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.dropped.choices = [(d.file_id, _l("Leave out %(name)s (%(size)s)",
                                               name=d.file.original_name,
                                               size=size(d.file.size))) for d in drafts]

    def validate_files(self, field) -> None:
        if self.refused_files:
            raise ValidationError(" ".join(self.refused_files))


class RebaselineForm(OneTime, Form):
    new_date = DateField(_l("New due date"), validators=[InputRequired()])
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=5000)])


class ReviewForm(OneTime, Form):
    decision = SelectField(_l("Decision"), choices=[])
    comment = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=10000)],
                            description=_l("Required when returning it for rework."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.decision.choices = [("accept", _l("Accept")), ("return", _l("Return for rework"))]


class WaiveForm(OneTime, Form):
    reason = TextAreaField(_l("Reason for the waiver"), validators=[DataRequired(),
                                                                    Length(max=5000)])


class AssignForm(OneTime, Form):
    reviewer_id = SelectField(_l("Reviewer"), coerce=int, choices=[])
    no_choice = {"reviewer_id": _l("No evaluator is free to review it: every active evaluator "
                                   "has a stake in the project.")}

    def __init__(self, *args, reviewers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.reviewer_id.choices = [(u.id, u.name) for u in reviewers]
