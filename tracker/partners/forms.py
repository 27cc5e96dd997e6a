"""The partner's form (HQ admins)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import FileField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from tracker.files.services import ACCEPT
from tracker.partners.agreement_models import AGREEMENT_KIND_LABELS, AgreementKind
from tracker.partners.models import (
    GOVERNMENT_LEVEL_LABELS,
    PARTNER_KIND_LABELS,
    GovernmentLevel,
    PartnerKind,
)
from tracker.web.fields import DateField, credit_code_field, row_id
from tracker.web.forms import Form, OneTime, SeenVersion


def _level(value: object) -> GovernmentLevel | None:
    return GovernmentLevel(value) if value else None


class PartnerForm(OneTime, SeenVersion, Form):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    name_en = StringField(_l("Name in English"), validators=[Optional(), Length(max=200)])
    kind = SelectField(_l("Kind"), choices=[], coerce=PartnerKind)
    level = SelectField(_l("Government level"), choices=[], coerce=_level,
                        description=_l("A government body's: province, city or district."))
    uscc = credit_code_field(_l("Optional; 18 characters, as on the registration "
                                "certificate."))
    city = StringField(_l("City"), validators=[Optional(), Length(max=100)])
    city_en = StringField(_l("City in English"), validators=[Optional(), Length(max=100)])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [(k, PARTNER_KIND_LABELS[k]) for k in PartnerKind]
        self.level.choices = [("", _l("None"))] + [(lv, GOVERNMENT_LEVEL_LABELS[lv])
                                                     for lv in GovernmentLevel]

    def values(self) -> dict:
        return {name: getattr(self, name).data
                for name in ("name", "name_en", "kind", "level", "uscc", "city", "city_en",
                             "note")}


class PartnerAgreementForm(OneTime, Form):
    kind = SelectField(_l("Kind"), choices=[], coerce=AgreementKind)
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    signed_on = DateField(_l("Signed on"), validators=[InputRequired()], past=True)
    starts_on = DateField(_l("Starts on"), validators=[Optional()])
    ends_on = DateField(_l("Ends on"), validators=[Optional()],
                        description=_l("Empty: open-ended."))
    file = FileField(_l("Signed document"), render_kw={"accept": ACCEPT},
                     description=_l("Optional: PDF, Word, Excel, images or ZIP."))
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=5000)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [(k, AGREEMENT_KIND_LABELS[k]) for k in AgreementKind]

    def values(self) -> dict:
        data = self.file.data
        upload = (data.stream, data.filename) if data and getattr(data, "filename", "") else None
        return {"kind": self.kind.data, "title": self.title.data or "",
                "signed_on": self.signed_on.data, "starts_on": self.starts_on.data,
                "ends_on": self.ends_on.data, "note": self.note.data or "", "upload": upload}


class PartnerAgreementEditForm(SeenVersion, PartnerAgreementForm):
    """The agreement corrected: its fields as recorded, the version it was read at; a new
    signed document replaces the one on record only with the reason."""

    reason = TextAreaField(_l("Why the signed document is replaced"),
                           validators=[Optional(), Length(max=2000)],
                           description=_l("Needed when a new signed document replaces the one "
                                          "on record, which stays in the history."))

    def values(self) -> dict:
        return {**super().values(), "reason": self.reason.data or ""}


class MergeForm(OneTime, Form):
    """Merge this partner into another (tracker/partners/merging.py)."""

    into = SelectField(_l("The partner that stays"), choices=[], coerce=row_id,
                       validators=[DataRequired()],
                       description=_l("This partner's agreements, co-funding and institutes "
                                      "move to it; this one then leads to it."))
