"""The LDAP sign-in form; OIDC and CAS sign in on the identity service's own page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from tracker.web.forms import Form


class LdapLoginForm(Form):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=100)],
                           render_kw={"autocomplete": "username"})
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
