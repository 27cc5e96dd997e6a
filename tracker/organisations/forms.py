"""Forms of the organisation pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from tracker import dates
from tracker.display.bilingual import Bilingual
from tracker.display.formatting import aside
from tracker.names import typed_code
from tracker.organisations.models import (
    ENTERPRISE_SIZE_LABELS,
    INSTITUTE_TYPE_LABELS,
    NEED_STATE_LABELS,
    RECOGNITION_EARLIEST,
    RECOGNITIONS,
    EnterpriseSize,
    InstituteType,
    NeedState,
)
from tracker.techfields.forms import field_choices
from tracker.web.fields import (
    DateField,
    MultiCheckboxField,
    YearField,
    amount_field,
    credit_code_field,
    row_id,
)
from tracker.web.forms import Form, OneTime, SeenVersion


def technical_field_choice() -> SelectField:
    """The choice of a field of HQ's list (tracker/techfields), checked by the service (a
    retired field stays its records'), which falls back on the text where there is one."""
    return SelectField(_l("Technical field"), coerce=row_id, choices=[], validate_choice=False,
                       description=_l("From HQ's list, which the reports count by."))


def _id_choices(rows, empty_label=None) -> list[tuple[int, str]]:
    choices = [(0, empty_label)] if empty_label is not None else []
    return choices + [(r.id, r.shown("name") if isinstance(r, Bilingual) else r.name)
                      for r in rows]


def _enum_or_none(enum_cls):
    """A select's coerce for an optional choice of `enum_cls` ("": none); any other value is
    not a choice (ValueError: the field says so)."""
    def coerce(value):
        if value is None or value == "" or isinstance(value, enum_cls):
            return value or None
        return enum_cls(value)
    return coerce


def recognition_year(key: str) -> YearField:
    """The year an enterprise was (last) granted one of RECOGNITIONS; empty: it holds none."""
    return YearField(
        RECOGNITIONS[key], validators=[Optional()], earliest=RECOGNITION_EARLIEST,
        description=_l("The year it was granted (the latest one); empty: not recognised."))


class InstituteForm(OneTime, SeenVersion, Form):
    code = StringField(_l("Code"), validators=[
        DataRequired(), Length(max=20),
        Regexp(r"^\S+$", message=_l("A code has no spaces: write it as one word, for example "
                                     "JITRI-AM."))],
        filters=[typed_code],
        description=_l("Short and unique, for example JITRI-AM."))
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    name_en = StringField(_l("Name in English"), validators=[Optional(), Length(max=200)])
    field = StringField(_l("Field as described"), validators=[DataRequired(), Length(max=100)],
                        description=_l("In its own words; the technical field below is what "
                                       "the reports count by."))
    field_en = StringField(_l("Field in English"), validators=[Optional(), Length(max=100)])
    field_id = technical_field_choice()
    type = SelectField(_l("Type"), choices=[], coerce=InstituteType)
    founded_on = DateField(_l("Founded on"), validators=[Optional()],
                           earliest=dates.FOUNDING_EARLIEST, past=True)
    director_id = SelectField(_l("Director"), coerce=int, choices=[])
    region_id = SelectField(_l("Region"), choices=[], coerce=row_id, validate_choice=False,
                            description=_l("One of the headquarters' regions (on the Regions "
                                           "page): the reports count institutes and their "
                                           "projects by it."))
    city = StringField(_l("City"), validators=[Optional(), Length(max=100)])
    city_en = StringField(_l("City in English"), validators=[Optional(), Length(max=100)])
    legal_entity = BooleanField(_l("A legal entity of its own"))
    partner_ids = MultiCheckboxField(
        _l("Co-building partners"), coerce=row_id, choices=[], validate_choice=False,
        description=_l("The universities, research institutes and government bodies it is "
                       "built with."))
    uscc = credit_code_field(_l("Of an institute that is a legal entity of its own: 18 "
                                "characters, as on its certificate."))

    def __init__(self, *args, users=(), fields=(), partners=(), regions=(), **kwargs):
        """`regions`: those of the institute's headquarters it may be put in
        (`regions.services.offered`)."""
        super().__init__(*args, **kwargs)
        self.partner_ids.choices = _id_choices(partners)
        self.type.choices = [(t, INSTITUTE_TYPE_LABELS[t]) for t in InstituteType]
        self.region_id.choices = _id_choices(regions, _l("Not recorded"))
        self.director_id.choices = _id_choices(users, _l("Not named yet"))
        self.field_id.choices = field_choices(fields, _l("Not classified"))


class EnterpriseForm(OneTime, SeenVersion, Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    name_en = StringField(_l("Name in English"), validators=[Optional(), Length(max=200)])
    uscc = credit_code_field(_l("18 characters, as on the business licence."))
    city = StringField(_l("City"), validators=[Optional(), Length(max=100)])
    city_en = StringField(_l("City in English"), validators=[Optional(), Length(max=100)])
    industry = StringField(_l("Industry"), validators=[Optional(), Length(max=100)])
    industry_en = StringField(_l("Industry in English"),
                              validators=[Optional(), Length(max=100)])
    size = SelectField(_l("Enterprise size"), choices=[], coerce=_enum_or_none(EnterpriseSize),
                       validate_choice=False,
                       description=_l("By the national classification of enterprises."))
    specialised_since = recognition_year("specialised_since")
    little_giant_since = recognition_year("little_giant_since")
    high_tech_since = recognition_year("high_tech_since")
    tech_sme_since = recognition_year("tech_sme_since")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.size.choices = [("", _l("Not recorded"))] + [
            (s, ENTERPRISE_SIZE_LABELS[s]) for s in EnterpriseSize]


class CentreForm(OneTime, SeenVersion, Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    name_en = StringField(_l("Name in English"), validators=[Optional(), Length(max=200)])
    enterprise_id = SelectField(_l("Enterprise"), coerce=int, choices=[])
    established_on = DateField(_l("Established on"), validators=[Optional()], past=True)
    city = StringField(_l("City"), validators=[Optional(), Length(max=100)])
    city_en = StringField(_l("City in English"), validators=[Optional(), Length(max=100)])
    liaison_id = SelectField(_l("Liaison"), coerce=int, choices=[],
                             description=_l("One of HQ's staff or a contact of the "
                                            "centre's enterprise: they may submit needs for "
                                            "it."))

    no_choice = {"enterprise_id": _l("No enterprise is recorded yet: a centre is an "
                                     "enterprise's (Enterprises).")}

    def __init__(self, *args, enterprises=(), users=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.enterprise_id.choices = _id_choices(enterprises)
        # An enterprise's contact is named with their enterprise: the centre's, or refused.
        self.liaison_id.choices = [(0, _l("Not named yet"))] + [
            (u.id, u.name + aside(u.enterprise) if u.enterprise else u.name) for u in users]


class NeedForm(OneTime, SeenVersion, Form):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=10000)])
    enterprise_id = SelectField(_l("Enterprise"), coerce=int, choices=[])
    centre_id = SelectField(_l("Joint innovation centre"), coerce=int, choices=[])
    institute_id = SelectField(_l("Matched to institute"), coerce=int, choices=[])
    no_choice = {"enterprise_id": _l("No enterprise is recorded yet: a need is an "
                                     "enterprise's (Enterprises).")}
    intended_investment = amount_field(_l("Intended investment (CNY)"), required=False)
    state = SelectField(_l("State"), choices=[], coerce=NeedState)
    field_id = technical_field_choice()

    def __init__(self, *args, enterprises=(), centres=(), institutes=(), fields=(),
                 states: list[NeedState] | tuple[NeedState, ...] = tuple(NeedState), **kwargs):
        """`states`: those the need may be saved in (need_states.choices), every one for a
        new need or an import."""
        super().__init__(*args, **kwargs)
        self.enterprise_id.choices = _id_choices(enterprises)
        self.centre_id.choices = _id_choices(centres, _l("None"))
        self.institute_id.choices = _id_choices(institutes, _l("Not matched yet"))
        self.state.choices = [(s, NEED_STATE_LABELS[s]) for s in states]
        self.field_id.choices = field_choices(fields, _l("Not classified"))
