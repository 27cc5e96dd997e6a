"""The upload form of an import."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, SelectField
from wtforms.validators import DataRequired

from tracker.imports.columns import KINDS
from tracker.web.forms import Form, OneTime


class ImportForm(OneTime, Form):
    same_content_is_resent = False  # the same file again once the data it names is fixed
    kind = SelectField(_l("What the file holds"), choices=[])
    file = FileField(_l("File"), validators=[DataRequired()],
                     description=_l("CSV (UTF-8 or GB18030) or XLSX: the sheet named for what "
                                    "the file holds is read, else the first visible one. "
                                    "Headers in Chinese or English; columns of row numbers "
                                    "and remarks are ignored, and the import says so."))
    grants = FileField(_l("Their incentive grants file"),
                       description=_l("With a companies file, if you like: imported in the same "
                                      "run, each company's ledger in date order across both "
                                      "files."))
    dry_run = BooleanField(_l("Dry run: check every row and show what would change, "
                              "write nothing"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = [(k.name, k.title) for k in KINDS.values()]


class CancelForm(OneTime, Form):
    """The progress page's Cancel button (CSRF is checked for every POST)."""


class ImportCheckedForm(OneTime, Form):
    """A dry run's "Import this file" button (CSRF is checked; a second sending is refused by
    `jobs.import_checked`: the file is imported once)."""
