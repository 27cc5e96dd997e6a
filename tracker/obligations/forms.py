"""Forms of the reports owed to funders: an obligation (added or corrected), its cancellation
or restoration, and a report submitted (or replaced by a corrected file)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import FileField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from tracker.display.labels import label
from tracker.files.services import ACCEPT
from tracker.obligations.models import ReportKind
from tracker.web.fields import DateField, row_id
from tracker.web.forms import Form, OneTime, SeenVersion


class ObligationForm(OneTime, SeenVersion, Form):
    kind = SelectField(_l("Report"), coerce=ReportKind, validators=[InputRequired()])
    co_funder_id = SelectField(
        _l("Asked for by"), coerce=row_id, default=0,
        description=_l("A co-funder (a city, a district) whose own terms ask for the report; "
                       "it then goes to the co-funder unless you name someone below."))
    due_on = DateField(_l("Due on"), validators=[InputRequired()],
                       description=_l("The project manager is reminded before this date, "
                                      "the director and HQ once it is late."))
    goes_to = SelectField(_l("Goes to"), default="",
                          description=_l("Who receives it: the enterprise, the co-funder, HQ or "
                                         "another partner. For a co-funder's report, leave it "
                                         "and the name below empty to name the co-funder."))
    recipient = StringField(_l("Or, if it is not listed, its name"),
                            validators=[Optional(), Length(max=200)],
                            description=_l("A recipient the tracker does not know, for example "
                                           "a city's science and technology bureau."))
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])
    why_changed = TextAreaField(_l("Why the due date or the kind changes"),
                                validators=[Optional(), Length(max=2000)],
                                description=_l("Required when either changes: the funder's "
                                               "letter, a changed agreement."))

    def __init__(self, *args, organisations=(), co_funders=None, correcting: bool = False,
                 terms: bool = True, **kwargs):
        """`organisations`: who it may go to, (key, name) (tracker/obligations/recipients.py).
        `co_funders`: the agreement's (None: a contract's obligation, which has none).
        `correcting`: an obligation on record is corrected; `terms`: the user may change its
        due date and kind (`ReportObligation.can_change_terms`)."""
        super().__init__(*args, **kwargs)
        self.goes_to.choices = [("", _l("Not listed: its name below")), *organisations]
        if terms:
            self.kind.choices = [(kind, label(kind)) for kind in ReportKind]
        else:
            del self.kind
            del self.due_on
        if not (correcting and terms):
            del self.why_changed
        if co_funders:
            self.co_funder_id.choices = [(0, _l("The agreement itself (HQ)"))] + [
                (c.id, c.partner.shown("name")) for c in co_funders]
        else:
            del self.co_funder_id


class WithdrawForm(OneTime, Form):
    why_withdrawn = TextAreaField(_l("Why it is cancelled"),
                                  validators=[DataRequired(), Length(max=2000)])


class RestoreForm(OneTime, Form):
    why_restored = TextAreaField(_l("Why it is owed again"),
                                 validators=[DataRequired(), Length(max=2000)])


class SubmissionForm(OneTime, SeenVersion, Form):
    submitted_on = DateField(_l("Submitted on"), validators=[InputRequired()], past=True,
                             description=_l("The day it went to the recipient."))
    file = FileField(_l("Report file"), render_kw={"accept": ACCEPT},
                     description=_l("PDF, Word, Excel, images or ZIP, as sent to the recipient."))
    reason = TextAreaField(_l("Why this file replaces the one on record"),
                           validators=[Optional(), Length(max=2000)])

    def upload(self):
        """The file as (stream, name), or None when none was sent."""
        data = self.file.data
        return (data.stream, data.filename) if data and getattr(data, "filename", "") else None
