"""Forms of the accounts pages. They validate input; services check the rest."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, Email, Length, Optional

from tracker.accounts.models import GRANTABLE_ROLES
from tracker.display.labels import label, locale_choices
from tracker.web.fields import MultiCheckboxField
from tracker.web.forms import Form, OneTime


class LoginForm(Form):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class ChangePasswordForm(OneTime, Form):
    current_password = PasswordField(
        _l("Current password"), validators=[DataRequired(), Length(max=200)]
    )
    new_password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(max=200)],
        description=_l("At least 12 characters. Other sessions of yours will be logged out."),
    )


class ProfileForm(OneTime, Form):
    locale = SelectField(_l("Language"), choices=[], validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.locale.choices = [("", _l("As my browser asks"))] + locale_choices()


class UserForm(OneTime, Form):
    email = EmailField(_l("E-mail"), validators=[
        DataRequired(), Email(message=_l("Enter a valid e-mail address.")), Length(max=254)])
    name = StringField(_l("Full name"), validators=[DataRequired(), Length(max=100)])
    staff_number = StringField(_l("Staff number"), validators=[Optional(), Length(max=50)],
                               description=_l("The number the institute's identity service "
                                              "knows the person by, for single sign-on."))
    roles = MultiCheckboxField(_l("Roles"), choices=[])
    locale = SelectField(_l("Language"), choices=[], validators=[Optional()])
    institute_id = SelectField(_l("Institute"), coerce=int, choices=[], validate_choice=True)
    enterprise_id = SelectField(_l("Enterprise"), coerce=int, choices=[], validate_choice=True)
    active = BooleanField(_l("Active"), default=True)

    def __init__(self, *args, institutes=(), enterprises=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.roles.choices = [(r.value, label(r)) for r in GRANTABLE_ROLES]
        self.locale.choices = [("", _l("As the browser asks"))] + locale_choices()
        self.institute_id.choices = [(0, _l("None"))] + [(i.id, i.shown("name"))
                                                         for i in institutes]
        self.enterprise_id.choices = [(0, _l("None"))] + [(e.id, e.name)
                                                          for e in enterprises]


class NewUserForm(UserForm):
    password = PasswordField(
        _l("Initial password"), validators=[DataRequired(), Length(max=200)],
        description=_l("At least 12 characters; give it to the person by a separate channel."),
    )


class ResetPasswordForm(Form):
    password = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(max=200)]
    )


class CodeForm(Form):
    code = StringField(_l("Verification code"), validators=[DataRequired(), Length(max=40)],
                       description=_l("The six digits your authenticator app shows, or one of "
                                      "your recovery codes."),
                       render_kw={"autocomplete": "one-time-code", "autofocus": True})
