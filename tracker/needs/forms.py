"""Forms of a need's intake and of HQ's work on it (its page: tracker/needs/views.py)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from tracker.display.labels import label
from tracker.organisations.forms import technical_field_choice
from tracker.organisations.models import NEED_URGENCY_LABELS, NeedState, NeedUrgency
from tracker.techfields.forms import field_choices
from tracker.web.fields import amount_field
from tracker.web.forms import Form, OneTime, SeenVersion


def _choices(rows, empty_label=None) -> list[tuple[int, str]]:
    first = [(0, empty_label)] if empty_label is not None else []
    return first + [(r.id, r.shown("name") if hasattr(r, "shown") else r.name) for r in rows]


class SubmitNeedForm(OneTime, Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(
        _l("Description"), validators=[Optional(), Length(max=10000)],
        description=_l("What the enterprise needs solved, and what it has tried."))
    centre_id = SelectField(_l("Joint innovation centre"), coerce=int, choices=[])
    intended_investment = amount_field(_l("Intended investment (CNY)"), required=False)

    def __init__(self, *args, centres=(), centre_required: bool = False, **kwargs):
        """`centre_required`: a liaison submits through one of their centres."""
        super().__init__(*args, **kwargs)
        self.centre_id.choices = _choices(centres, None if centre_required else _l("None"))


class AnalysisForm(OneTime, SeenVersion, Form):
    field_id = technical_field_choice()
    trl = SelectField(_l("TRL the enterprise starts from"), coerce=int, choices=[])
    budget_min = amount_field(_l("Budget from (CNY)"), required=False)
    budget_max = amount_field(_l("Budget up to (CNY)"), required=False)
    urgency = SelectField(_l("Urgency"), coerce=NeedUrgency, choices=[],
                          default=NeedUrgency.NORMAL)

    def __init__(self, *args, fields=(), **kwargs):
        """`fields`: HQ's list as offered (techfields.offered)."""
        super().__init__(*args, **kwargs)
        self.field_id.choices = field_choices(fields, _l("Not classified"))
        self.trl.choices = [(0, _l("Not known"))] + [(n, str(n)) for n in range(1, 10)]
        self.urgency.choices = [(u, NEED_URGENCY_LABELS[u]) for u in NeedUrgency]


class CandidateForm(OneTime, Form):
    institute_id = SelectField(_l("Institute"), coerce=int, choices=[])
    pm_id = SelectField(_l("Project manager"), coerce=int, choices=[])
    reason = TextAreaField(_l("Why this candidate"), validators=[DataRequired(),
                                                                 Length(max=2000)])

    def __init__(self, *args, institutes=(), pms=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.institute_id.choices = _choices(institutes)
        self.pm_id.choices = _choices(pms, _l("Not named yet"))


class MatchForm(OneTime, SeenVersion, Form):
    candidate_id = SelectField(_l("Candidate to match"), coerce=int, choices=[])

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.candidate_id.choices = [
            (c.id, c.institute.shown("name") + (f" · {c.pm.name}" if c.pm else ""))
            for c in candidates]


class NeedProjectForm(OneTime, SeenVersion, Form):
    pm_id = SelectField(_l("Project manager"), coerce=int, choices=[],
                        description=_l("A draft proposal is opened for them, filled from the "
                                       "need; they find it on their home page."))

    def __init__(self, *args, pms=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.pm_id.choices = _choices(pms)


class MoveForm(OneTime, SeenVersion, Form):
    target = SelectField(_l("Move to"), coerce=NeedState, choices=[])
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=2000)],
                           description=_l("Required to close the need."))

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.target.choices = [(s, label(s)) for s in targets]
