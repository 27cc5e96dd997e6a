"""What each column of an import is said to hold, made in one place for every place that says
it: the upload page, the notes sheet of the XLSX template and the README's tables (the output
of `flask import-columns`; `tests/imports/test_column_notes.py` checks that the README and the
page say the same).

A column's text is its note, then, for a ledger's cell, how a reversal is written in it (the
syntax `tracker.imports.reversal_lines` reads), then the choices it accepts.
"""

from __future__ import annotations

from collections.abc import Callable

from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import Markup, escape

from tracker.display.labels import label
from tracker.display.said import aside, listed
from tracker.imports.column_types import Column, Kind


def reversal_note() -> str:
    return _("An entry recorded by mistake and reversed is written as it was, followed by "
             "reversal | its number in this cell (1 the first, reversals counted) | the date "
             "reversed | the reason, e.g. reversal | 2 | 2024-08-01 | entered twice.")


def how_to_fill(column: Column, code: Callable[[str], str] = str,
                text: Callable[[str], str] = str) -> str:
    """The column's text in the current language (`code`: how a choice's code is shown,
    `text`: the words around it)."""
    said = [text(str(column.note))] if column.note else []
    if column.reversible:
        said.append(text(reversal_note()))
    # In the reader's language, as the page around it (tests/test_language_walk.py).
    if before := [str(header) for header in column.aliases if str(header)]:
        said.append(text(_("A file headed %(former)s, as before, is read too.",
                           former=listed(before))))
    if column.choices is not None:
        said.append(text(_choices_sentence(column)).replace("\0", choices(column, code, text)))
    return " ".join(said)


def choices(column: Column, code: Callable[[str], str] = str,
            text: Callable[[str], str] = str) -> str:
    """The choices a column offers, each by its label in the reader's language and its code:
    已验收（accepted）, Accepted (accepted). The code alone told a Chinese reader nothing of
    which choice it was (issue 13)."""
    labels = {member.value: str(label(member)) for member in column.offered or column.choices}
    # A label holding a comma of its own (Filed, pending) keeps the choices apart (；/ "; ").
    apart = any(mark in words for words in labels.values() for mark in ",，")
    return listed([text(words) + text(aside("\0")).replace("\0", code(value))
                   for value, words in labels.items()], apart=apart)


def _choices_sentence(column: Column) -> str:
    if column.shortened:
        return _("One of: %(choices)s, each by its label in either language (whole or "
                 "shortened as people write it) or its code.", choices="\0")
    return _("One of: %(choices)s, each by its whole label in either language or its code (a "
             "shortened label is not read here).", choices="\0")


def shown(column: Column) -> Markup:
    """`how_to_fill` on a page: each choice's code as code, the same in both languages."""
    return Markup(how_to_fill(column, lambda value: f"<code>{escape(value)}</code>",
                              lambda words: str(escape(words))))


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def readme_table(kind: Kind) -> str:
    """The kind's table as the README has it: in English, with the Chinese headers."""
    lines = ["| column (key) | 中文表头 | required | how to fill it |", "| --- | --- | --- | --- |"]
    for column in kind.columns:
        with force_locale("zh_CN"):
            chinese = str(column.header)
        with force_locale("en"):
            lines.append("| " + " | ".join([
                f"{column.header} (`{column.shown}`)", chinese, "yes" if column.required else "",
                _cell(how_to_fill(column, lambda value: f"`{value}`"))]) + " |")
    return "\n".join(lines)
