"""Forms of the project-manager register: a record's particulars, and one per step of the
table (interview, appoint, decline, renew, end). Choices are given by the view; the service
checks what they name."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from tracker.pms.models import INTERVIEW_OUTCOME_LABELS, ORIGIN_LABELS, InterviewOutcome, Origin
from tracker.web.corrections import reason_field
from tracker.web.fields import DateField, MultiCheckboxField, row_id
from tracker.web.forms import Form, OneTime, SeenVersion


class RecordForm(OneTime, SeenVersion, Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)],
                        description=_l("Appointing the candidate links the account of this "
                                       "e-mail, or makes one."))
    origin = SelectField(_l("Recruited from"), coerce=Origin,
                         choices=list(ORIGIN_LABELS.items()))
    institute_id = SelectField(_l("Institute"), coerce=row_id, choices=[],
                               validate_choice=False)
    field_ids = MultiCheckboxField(_l("Technical fields"), coerce=row_id, choices=[],
                                   validate_choice=False)
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])


class InterviewForm(OneTime, Form):
    held_on = DateField(_l("Held on"), validators=[InputRequired()], past=True)
    panel_ids = MultiCheckboxField(_l("Panel"), coerce=row_id, choices=[],
                                   validate_choice=False)
    outcome = SelectField(_l("Interview outcome"), coerce=InterviewOutcome,
                          choices=list(INTERVIEW_OUTCOME_LABELS.items()))
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=5000)])


class InterviewCorrectionForm(SeenVersion, InterviewForm):
    """An interview recorded wrong, corrected with the reason while the candidate is still
    being interviewed."""

    reason = reason_field()

    def __init__(self, *args, interview=None, **kwargs):
        super().__init__(*args, **kwargs)
        if interview is not None and not self.is_submitted():
            self.panel_ids.data = [u.id for u in interview.panel]


class TermForm(OneTime, Form):
    institute_id = SelectField(_l("Institute"), coerce=row_id, choices=[],
                               validate_choice=False)
    starts_on = DateField(_l("Term starts on"), validators=[InputRequired()])
    ends_on = DateField(_l("Term ends on"), validators=[InputRequired()],
                        description=_l("HQ is reminded before this date, until the appointment "
                                       "is renewed or ended."))


class AppointForm(TermForm):
    user_id = SelectField(_l("Account"), coerce=row_id, choices=[], validate_choice=False,
                          description=_l("None chosen: the account of the record's e-mail, "
                                         "or a new one."))
    password = PasswordField(_l("First password of a new account"),
                             validators=[Optional(), Length(max=200)],
                             description=_l("Only when the candidate has no account: they "
                                            "replace it at their first sign-in."))


class ReasonForm(OneTime, Form):
    reason = TextAreaField(_l("Reason"), validators=[DataRequired(), Length(max=2000)])


class EndForm(ReasonForm):
    ended_on = DateField(_l("Ended on"), validators=[InputRequired()], past=True)


class TeamForm(OneTime, SeenVersion, Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    lead_id = SelectField(_l("Lead PM"), coerce=row_id, choices=[], validate_choice=False)
    member_ids = MultiCheckboxField(_l("Members"), coerce=row_id, choices=[],
                                    validate_choice=False,
                                    description=_l("Appointed PMs who work with the lead."))
