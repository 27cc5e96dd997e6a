"""An import's column is headed as its form's field is labelled, in both languages: the
institutes' and projects' `field` read "Field" (研究领域) in the file and "Field as described"
(领域（自述）) on the form (found by a newcomer). A reference column is the exception: its
cells hold a code, an e-mail or a name (`Column.shown`), and its header says which. A header a
column had before is still read, so files made then import as they did."""

from __future__ import annotations

from flask_babel import force_locale
from wtforms.fields.core import UnboundField

from tracker.imports.columns import INSTITUTES, PROJECTS
from tracker.imports.headings import headers_of, heading_key
from tracker.imports.kinds import ADAPTERS

LANGUAGES = ("zh_CN", "en")


def _label(form_class: type, key: str) -> object | None:
    """The label the form gives `key`, when it is a field of its own (not a list of rows)."""
    field = getattr(form_class, key, None)
    if not isinstance(field, UnboundField):
        return None
    label = field.kwargs.get("label", field.args[0] if field.args else None)
    return None if isinstance(label, UnboundField | type) else label  # a FieldList's rows


def test_every_column_a_form_labels_is_headed_as_the_form_labels_it(app):
    differ = []
    for name, adapter in ADAPTERS.items():
        form_class = getattr(adapter, "form_class", None)
        for column in adapter.kind.columns if form_class else ():
            label = _label(form_class, column.key)
            if column.ref is not None or label is None:
                continue
            for locale in LANGUAGES:
                with app.test_request_context("/"), force_locale(locale):
                    if str(column.header) != str(label):
                        differ.append((name, column.key, locale, str(column.header), str(label)))
    assert differ == []


def test_the_field_is_read_under_its_header_and_the_one_it_had(app):
    with app.test_request_context("/"):
        for kind in (INSTITUTES, PROJECTS):
            known = headers_of(kind, LANGUAGES)
            for header in ("Field as described", "领域（自述）", "Field", "研究领域", "field"):
                assert known[heading_key(header)] == "field", (kind.name, header)
