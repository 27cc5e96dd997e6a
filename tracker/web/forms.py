"""Helpers shared by every form."""

from __future__ import annotations

from flask_wtf import FlaskForm

from tracker.errors import Invalid


class Form(FlaskForm):
    """Base of every form. CSRF is checked once for every POST by CSRFProtect (app-wide, forms
    or not), so the per-form check is off; the form macro puts the token in each form."""

    class Meta:
        csrf = False


def show_error(form: FlaskForm, invalid: Invalid) -> None:
    """Put a service's refusal beside the field it is about (or above the form)."""
    field = getattr(form, invalid.field, None)
    if field is not None and hasattr(field, "errors"):
        field.errors = list(field.errors) + [invalid.message]
    else:
        form.form_errors.append(invalid.message)
