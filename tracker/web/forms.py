"""Helpers shared by every form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _
from flask_wtf import FlaskForm

from tracker.errors import Invalid


class Form(FlaskForm):
    """Base of every form. CSRF is checked once for every POST by CSRFProtect (app-wide, forms
    or not), so the per-form check is off; the form macro puts the token in each form."""

    class Meta:
        csrf = False

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            if getattr(field, "process_errors", None) and field.errors:
                field.errors = list(dict.fromkeys(field.process_errors))
        # A NUL byte is no text anyone types, and PostgreSQL refuses to store or compare it.
        for field in self:
            values = field.data if isinstance(field.data, list) else [field.data]
            if any(isinstance(v, str) and "\x00" in v for v in values):
                field.errors = [*field.errors, _("Contains characters that are not allowed.")]
                valid = False
        return valid


def show_error(form: FlaskForm, invalid: Invalid) -> None:
    """Put a service's refusal beside the field it is about (or above the form)."""
    field = getattr(form, invalid.field, None)
    if field is not None and hasattr(field, "errors"):
        field.errors = list(field.errors) + [invalid.message]
    else:
        form.form_errors.append(invalid.message)
