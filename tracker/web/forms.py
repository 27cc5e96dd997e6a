"""The base of every form."""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField, TextAreaField

from tracker.errors import Invalid

# Control characters (C0, DEL, C1) and the Unicode line and paragraph separators: nobody types
# them, and in a title they would break the lines of an e-mail or a calendar feed.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
# A text area keeps its line breaks and tabs.
_CONTROL_BUT_LINES = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def single_line(value):
    """Every control character of a one-line value becomes a space (a pasted line break must
    not glue two words together), and the value is trimmed."""
    return _CONTROL.sub(" ", value).strip() if isinstance(value, str) else value


def multi_line(value):
    return _CONTROL_BUT_LINES.sub("", value) if isinstance(value, str) else value


class Form(FlaskForm):
    """Base of every form. CSRF is checked once for every POST by CSRFProtect (app-wide, forms
    or not), so the per-form check is off; the form macro puts the token in each form.

    Every text field is cleaned here, the one place for it: a one-line field loses its control
    characters, a text area all but its line breaks; passwords are taken as typed. (A NUL byte
    anywhere in a request is refused before any form sees it: `tracker.web.security`.)"""

    class Meta:
        csrf = False

        def bind_field(self, form, unbound_field, options):
            field_class = unbound_field.field_class
            cleaner = None
            if issubclass(field_class, TextAreaField):
                cleaner = multi_line
            elif issubclass(field_class, StringField) and not issubclass(
                field_class, PasswordField
            ):
                cleaner = single_line
            if cleaner is not None:
                options["filters"] = (cleaner, *unbound_field.kwargs.get("filters", ()))
            return unbound_field.bind(form=form, **options)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            if getattr(field, "process_errors", None) and field.errors:
                field.errors = list(dict.fromkeys(field.process_errors))
        return valid

    def show_error(self, invalid: Invalid) -> bool:
        """Put a service's refusal beside the field it names; False when the form has no such
        field (the caller shows it above the page)."""
        field = self._fields.get(invalid.field)
        if field is None:
            return False
        field.errors = [*field.errors, invalid.message]
        return True
