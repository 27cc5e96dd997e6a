"""Reference data in the reader's language.

What HQ keeps for everyone to read (gate names, criteria, deliverables, institutes' fields,
enterprises' industries, the names of institutes, centres and enterprises) has a Chinese value,
which stays the key for matching and importing, and an English value in a ``<column>_en``
column beside it. A page shows the one of its language, and the other when that one is empty
(a record from before it had both: migration 0039 filled in the English it could derive), and
then says so below its content.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from flask import g, has_request_context
from sqlalchemy import ColumnElement, String, case, func, literal, type_coerce
from sqlalchemy.types import TypeDecorator

from tracker.display import said
from tracker.display.catalogue import locale as get_locale


def reads_english() -> bool:
    """True when the page or e-mail being written is in English (mail and the CLI choose their
    language with force_locale; with no context at all there is no reader: Chinese, the key)."""
    locale = get_locale()
    return locale is not None and locale.language == "en"


def in_reader_language(chinese: str | None, english: str | None) -> str:
    """The value of the reader's language, or the other one when it is empty: the page then
    says why some names are in the other language (templates/base.html). In a message kept to
    be read later (an import's problems), the later reader's (`said.named`)."""
    return said.named(_in_reader_language(chinese, english), chinese, english)


def _in_reader_language(chinese: str | None, english: str | None) -> str:
    first, second = (english, chinese) if reads_english() else (chinese, english)
    if not first and second and has_request_context():
        g.shown_in_other_language = True
    return first or second or ""


said.NAMES["shown"] = _in_reader_language


def in_reader_languages(values: dict[str, Any]) -> dict[str, Any]:
    """`values` with each value that has a `<key>_en` beside it (a name kept in both
    languages, stored in a reminder's details) read in the reader's language, the `_en` gone."""
    found = dict(values)
    for key in [k for k in values if f"{k}_en" in values]:
        found[key] = in_reader_language(found[key], found.pop(f"{key}_en"))
    return found


# Appended in SQL to a value of the other language: the row it comes back in says the page
# shows a name in the other language (`_Shown`), and it is gone before anyone reads the value.
# A suffix, not a prefix, so that ordering by the name is not changed by it.
OTHER_LANGUAGE_MARK = "\x1f"


class _Shown(TypeDecorator):
    """A name `shown_sql` selected: read back without the mark, the page told when marked."""

    impl = String
    cache_ok = True

    def process_result_value(self, value: Any, dialect: Any) -> Any:
        if isinstance(value, str) and value.endswith(OTHER_LANGUAGE_MARK):
            if has_request_context():
                g.shown_in_other_language = True
            return value[:-len(OTHER_LANGUAGE_MARK)]
        return value


def shown_sql(chinese: Any, english: Any) -> ColumnElement[str]:
    """`in_reader_language` in SQL, for queries that select names to show: the other language's
    value when the reader's is empty, and then the page says so, as with `in_reader_language`
    (a list shows the same note as the record's own page)."""
    return _shown_sql(chinese, english, reads_english())


def _shown_sql(chinese: Any, english: Any, in_english: bool) -> ColumnElement[str]:
    first, second = (english, chinese) if in_english else (chinese, english)
    return type_coerce(case(
        (func.coalesce(first, "") != "", first),
        (func.coalesce(second, "") != "", second + literal(OTHER_LANGUAGE_MARK)),
        else_=second), _Shown())


@lru_cache(maxsize=256)
def _shown_column(model: type, column: str, in_english: bool) -> ColumnElement[str]:
    """A model's `shown_in_sql` in one language, built once a process: a list's page selects
    several, and building one took as long as a statement's own cache lookup."""
    return _shown_sql(getattr(model, column), getattr(model, f"{column}_en"),
                      in_english).label(column)


class Bilingual:
    """A model with `<column>_en` beside some of its columns; `shown("name")` reads one."""

    def shown(self, column: str) -> str:
        return in_reader_language(getattr(self, column), getattr(self, f"{column}_en", None))

    @classmethod
    def shown_in_sql(cls, column: str) -> ColumnElement[str]:
        """`shown` in SQL, labelled as the column, for queries that select what a page shows."""
        return _shown_column(cls, column, reads_english())
