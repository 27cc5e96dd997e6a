"""The base of every form."""

from __future__ import annotations

import re
import secrets
from datetime import datetime
from functools import cache
from typing import Any, ClassVar

from babel import support
from flask import current_app, g, has_request_context
from flask_babel import get_locale, gettext
from flask_wtf import FlaskForm
from wtforms import (
    FieldList,
    FileField,
    FormField,
    HiddenField,
    MultipleFileField,
    PasswordField,
    RadioField,
    StringField,
    TextAreaField,
)
from wtforms.i18n import messages_path
from wtforms.widgets import ListWidget

from tracker.display import history, said
from tracker.display.formatting import labelled
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


@cache
def _wtforms_catalogue(locale: str) -> support.Translations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")


class _WTFormsCatalogue:
    """WTForms' own catalogue in the current language, with or without a request (Flask-WTF's
    reads it from the request only, so an import run from the command line or a background job
    said "Field cannot be longer than 18 characters." in a Chinese run, issue 13)."""

    def gettext(self, string: str) -> str:
        return _wtforms_catalogue(str(get_locale())).ugettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return _wtforms_catalogue(str(get_locale())).ungettext(singular, plural, n)


wtforms_translations = _WTFormsCatalogue()


class _Messages:
    """WTForms' messages in the page's language: WTForms' own catalogue, except those it leaves
    untranslated (fuzzy in its Chinese catalogue) or that do not say what is wrong, which are
    ours."""

    def gettext(self, string: str) -> str:
        if string in ("Not a valid choice.", "Invalid Choice: could not coerce.",
                      "Invalid choice(s): one or more data inputs could not be coerced."):
            return gettext("Choose one of the options offered.")
        if string == "Not a valid integer value.":  # as WholeNumberField says it
            return gettext("Must be a whole number.")
        if string in ("Not a valid decimal value.", "Not a valid float value."):
            return gettext("Enter a number such as 3 or 62.5.")
        return said.catalogue_said("wtforms", string, wtforms_translations.gettext(string))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        if singular == "'%(value)s' is not a valid choice for this field.":
            # The value is what the browser sent, quoted as code would: not shown.
            return gettext("Choose only among the options offered.")
        return said.catalogue_said("wtforms", singular,
                                   wtforms_translations.ngettext(singular, plural, n), plural, n)


# WTForms' own messages, said again in the reader's language (an import's problems).
said.CATALOGUES["wtforms"] = (wtforms_translations.gettext, wtforms_translations.ngettext)


MESSAGES = _Messages()


class Form(FlaskForm):
    """Base of every form. CSRF is checked once for every POST by CSRFProtect (app-wide, forms
    or not), so the per-form check is off; the form macro puts the token in each form.

    Every text field is cleaned here, the one place for it: a one-line field loses its control
    characters, a text area all but its line breaks; passwords are taken as typed. (A NUL byte
    anywhere in a request is refused before any form sees it: `tracker.web.security`.)"""

    class Meta:
        csrf = False

        def get_translations(self, form):
            return MESSAGES

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

    failed = False  # set by tracker.web.actions.submit when the service refused it
    dry_run = False  # set by tracker.web.actions.submit while it runs a confirmation's dry run
    # The selects filled from the data, each with why it may have nothing to offer: such a
    # form can't be sent, so the page says why instead of offering it (`unavailable`, read by
    # the form macro and by the pages that lay a form out themselves).
    no_choice: dict[str, Any] = {}

    def __init__(self, *args, id_prefix: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if id_prefix:  # two forms of one page with fields of the same name: an id names one
            for field in self:
                field.id = field.label.field_id = f"{id_prefix}-{field.name}"
        for field in self:  # an upload says its limits before a file is refused for one
            if isinstance(field, MultipleFileField):
                limit = gettext("At most %(n)d MB a file and %(post)d MB in all.",
                                n=current_app.config["MAX_UPLOAD_MB"],
                                post=current_app.config["MAX_POST_MB"])
            elif isinstance(field, FileField):
                limit = gettext("At most %(n)d MB a file.", n=current_app.config["MAX_UPLOAD_MB"])
            else:
                continue
            field.description = " ".join(filter(None, (str(field.description), limit)))

    @property
    def unavailable(self) -> str | None:
        """Why the form can't be sent: its first data-filled select with nothing to choose (a
        "None" placeholder, valued 0 or "", is no choice)."""
        for name, why in self.no_choice.items():
            if not [choice for choice in self[name].choices if choice[0] not in (0, "")]:
                return str(why)
        return None

    @property
    def needs_attention(self) -> bool:
        """Sent and not saved (refused, or with errors), or awaiting confirmation: a section
        that folds the form away is open, so the user sees why (templates/gates/review.html)."""
        return self.failed or bool(self.errors) or getattr(self, "preview", None) is not None

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            if getattr(field, "process_errors", None) and field.errors:
                field.errors = list(dict.fromkeys(field.process_errors))
            if field.errors and field.flags.required and not _given(field):
                # Nothing typed or chosen: say so, not that nothing is no valid number.
                field.errors = [gettext("This field is required.")]
        if not valid:
            page_has_errors()
        return valid

    def error_links(self) -> list[tuple[str | None, str]]:
        """The entries of the error summary that opens a form sent back (macros/forms.html:
        error_summary): every error the page shows, in the order the page shows it. The form's
        own errors first (and a service's about what no field of the form shows), then each
        field's with the id of the element its link moves to (a
        group's first choice); a list of rows (budget lines, conditions) has its own errors,
        shown above its rows and linked to its first one, then each row's, said with the
        row's number as the page counts its rows ("Row 3: Amount (CNY): not a number"), or by
        the name the row shows (`row_name`: "设备费：金额（元）：…"). The
        fields go in the order of the form's class, which is the order of the page: a form
        whose page lays its fields out otherwise lists them as shown (`shown_order`)."""
        entries: list[tuple[str | None, str]] = [(None, str(e)) for e in self.form_errors]
        entries += [(None, str(e)) for e in self.unplaced_errors]

        def first_input(field) -> str | None:
            if isinstance(field, FieldList | FormField):
                return next(filter(None, (first_input(inner) for inner in field)), None)
            if isinstance(field, HiddenField):
                return None
            return f"{field.id}-0" if is_choice_group(field) else field.id

        def in_row(row: int | str | None, text: str) -> str:
            # A row's field is named by its column alone: the summary says which row it is,
            # by the name the row shows (a budget category) or else its number.
            if row is None:
                return text
            if isinstance(row, str):
                return labelled(row, text)
            return gettext("Row %(n)d: %(problem)s", n=row, problem=text)

        def visit(field, row: int | str | None = None) -> None:
            if isinstance(field, FieldList | FormField):
                own = [e for e in field.errors if is_message(e)] if isinstance(
                    field, FieldList) else list(getattr(field.form, "form_errors", ()))
                entries.extend((first_input(field), in_row(row, str(e))) for e in own)
                for number, inner in enumerate(field, start=1):
                    visit(inner, (self.row_name(inner) or number)
                          if isinstance(field, FieldList) else row)
            elif field.errors and not isinstance(field, HiddenField):
                entries.extend((first_input(field), in_row(row, labelled(field.label.text, e)))
                               for e in field.errors if is_message(e))

        for name in self.shown_order() or self._fields:
            visit(self._fields[name])
        return entries

    def row_name(self, row) -> str | None:
        """The name a row of a list of rows shows, which its errors are said with
        ("设备费：金额（元）…"); None: the row's number ("第 2 行：…")."""
        return None

    def shown_order(self) -> list[str]:
        """The names of the fields in the order the page shows them, when it is not the
        order of the form's class; empty: that order."""
        return []

    # A service's problems with what no field of this form shows (a rule of the whole record,
    # a field of another form): listed in the error summary, which every form's page shows.
    unplaced_errors: tuple[str, ...] = ()

    def field_named(self, name: str):
        """The field WTForms names `name`: one of the form's, or a field in a row of a list of
        rows (``conditions-2-due_date``); for a row the list has not, the list itself."""
        def walk(fields):
            for field in fields:
                if field.name == name:
                    return field
                if isinstance(field, FieldList | FormField):
                    found = walk(field)
                    if found is not None:
                        return found
            return None

        return (self._fields.get(name) or walk(self)
                or self._fields.get(name.split("-", 1)[0]))

    def show_error(self, invalid: Invalid) -> bool:
        """Put a service's refusal beside the field it names (in its row, for a row of a list);
        one about no field of the form goes to the top of the form, in its error summary."""
        field = self.field_named(invalid.field)
        if field is None or isinstance(field, FormField):
            self.unplaced_errors = (*self.unplaced_errors, invalid.message)
        else:
            field.errors = [*field.errors, invalid.message]
        page_has_errors()
        return True


class Button(Form):
    """The form of a button on an object's page (`tracker.web.actions.press`): it has no fields
    and no summary of its own, so what a service refuses is shown above the page."""

    def show_error(self, invalid: Invalid) -> bool:
        return False


def is_message(error) -> bool:
    """An error message (a lazy one too), not the nested errors of a row or a sub-form."""
    return not isinstance(error, list | tuple | dict)


def _given(field) -> bool:
    """Whether the request carried anything for `field` but blanks."""
    return any(str(value).strip() for value in field.raw_data or ()
               if not hasattr(value, "filename") or value.filename)


def is_choice_group(field) -> bool:
    """Radio buttons or a list of checkboxes: shown as a fieldset whose legend names what is
    chosen, since no one label can name a group."""
    return isinstance(field, RadioField) or isinstance(field.widget, ListWidget)


def page_has_errors() -> None:
    """The page answering this request shows a form sent back with errors, or a refusal:
    its title says so (templates/base.html), the first thing a screen reader reads."""
    if has_request_context():
        g.page_has_errors = True


class OneTime:
    """Mixed into a form that creates or records something: a token given when the form is
    rendered, claimed when it is saved, so sending it again (Back, a second click) saves
    nothing more (`tracker.web.actions.submit`)."""

    once = HiddenField()
    # The same content sent again soon is the same sending (Back, then the button: a new token,
    # what was typed restored). False for a form whose same content is rightly sent again once
    # what it reads has changed: an import of the same file after the data it names was fixed,
    # a document issued again after its wording was.
    same_content_is_resent: ClassVar[bool] = True

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.once.data:
            # Given when the form is made, wherever it is shown: on its own page or on an
            # object's page (a progress post, a payment), and after a refusal alike.
            self.once.data = new_token()


def new_token() -> str:
    """A one-time form token (`tracker.edits.services.claim_token`)."""
    return secrets.token_urlsafe(24)


class SeenVersion:
    """Mixed into a form that edits a versioned record: the version the form was filled from
    and when, so a save on a stale copy is refused with what changed meanwhile."""

    version = HiddenField()
    seen_at = HiddenField()

    # Set by `submit` when a save was refused as stale: the audit records written meanwhile,
    # and whether the user wrote them all (in another tab or window).
    meanwhile: list = []
    meanwhile_yours: bool = False

    def seen(self) -> tuple[int | None, datetime | None]:
        try:
            version = int(self.version.data)
        except (TypeError, ValueError):
            return None, None
        try:
            since = datetime.fromisoformat(self.seen_at.data)
        except (TypeError, ValueError):
            since = None
        if since is not None and since.tzinfo is None:
            since = None  # not an instant this app wrote: what changed since is unknown
        return version, since

    def meanwhile_lines(self) -> list[dict]:
        """What changed meanwhile, in the words of this form: who, when, what they did, and
        each value saved, as the record's page shows it (a choice by its name, money and
        dates formatted, names for references): a field the form shows under its label, any
        other (HQ accepted the entry: its state) under its history's, so that the list never
        reads as if nothing had changed."""
        lines = []
        for line in history.describe(self.meanwhile):
            fields = []
            for change in line.changes:
                field = self._fields.get(FIELD_OF_CHANGE.get(change.key, change.key))
                if field is None or isinstance(field, HiddenField):
                    fields.append((change.label, change.after))
                else:
                    fields.append((field.label.text, _shown(field, change)))
            lines.append({"at": line.at, "actor": line.actor, "action": line.action,
                          "fields": fields})
        return lines


# Audit keys that a form edits under another name.
FIELD_OF_CHANGE = {"members": "member_ids", "projects": "project_ids"}


def _shown(field, change: history.Change) -> str:
    """A saved value as the form would show it: a plain choice by its name, anything else as
    the record's page shows it."""
    names = {str(k): str(v) for k, v in getattr(field, "choices", None) or []}
    if not isinstance(change.raw, list) and str(change.raw) in names:
        return names[str(change.raw)]
    return change.after
