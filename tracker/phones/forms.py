"""Forms of the phone pages. The number is checked by the service (phones.services.normalise),
which says what is wrong with it; the form only asks for something."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Length

from tracker.web.forms import Form, OneTime


def _code_field() -> StringField:
    return StringField(_l("Verification code"), validators=[DataRequired(), Length(max=10)],
                       description=_l("The six digits of the text message."),
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})


class PhoneForm(OneTime, Form):
    same_content_is_resent = False  # asking again is asking for another code (rate-limited)
    phone = StringField(_l("Mobile number"), validators=[DataRequired(), Length(max=30)],
                        description=_l("We text a code to it; you type it here."),
                        render_kw={"autocomplete": "tel", "inputmode": "tel"})


class PhoneCodeForm(Form):
    code = _code_field()


class SmsSignInForm(OneTime, Form):
    sms_sign_in = BooleanField(_l("Ask for a code by text message when I log in with my "
                                  "password"))


class ForgotPasswordForm(Form):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=254)])


class ResetByCodeForm(Form):
    code = _code_field()
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)],
                             description=_l("At least 12 characters."))
