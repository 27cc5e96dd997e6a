"""The order of the choices a person picks from (a drop-down, a filter's options, a list of
checkboxes of people or organisations): alphabetical as the reader reads it.

- A Chinese page orders by pinyin (阿里, 北京, 重庆 as a, b, c), reading each character in the
  context of its word (重庆 is chóng qìng, 银行 yín háng): pypinyin, a pure-Python library that
  ships its dictionaries and downloads nothing at run time. Its word list costs some 57 MB
  and 0.7 s to load (measured: import and one call, in a fresh process), so a command or a
  test loads it at the first Chinese list it orders, not at start; a served worker loads it
  as it starts, beside its first requests (`load_pinyin`). ICU's collation would do the same
  but is not installed here (no `icu` module), and the C library's zh_CN collation depends
  on the system's locales.
- An English page orders case-insensitively ("de Groot" beside "De Vries", not after "Zhou").

Letters and digits of a Chinese name sort among the syllables ("ABC 材料" under a). A choice
listed in the order of its meaning (phases, kinds of holder) is not ordered here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any, TypeVar

from sqlalchemy.engine import Row

from tracker.display.catalogue import locale_name

T = TypeVar("T")


@lru_cache(maxsize=8192)
def _pinyin(text: str) -> tuple[str, ...]:
    from pypinyin import Style, lazy_pinyin  # the first Chinese list loads it: see above

    return tuple(part.casefold() for part in lazy_pinyin(text, style=Style.TONE3))


def load_pinyin() -> None:
    """Load pypinyin's word list now: a served worker does in its warm-up thread, then freezes
    it with what it loaded at start (gunicorn.conf.py). Loaded at a worker's first Chinese
    list instead, after the freeze, its 190,000 objects were walked by each of the worker's
    full garbage-collector passes, 125-140 ms each (load 8.7), inside whichever request one
    fell in: the project page's 95th percentile."""
    _pinyin("重庆")


def sort_key(text: Any, chinese: bool | None = None) -> tuple:
    """What `text` is ordered by in the reader's language (`chinese`: whether that is
    Chinese, when the caller has worked it out already)."""
    shown = str(text or "")
    if locale_name().startswith("zh") if chinese is None else chinese:
        return (_pinyin(shown), shown.casefold(), shown)
    return ((), shown.casefold(), shown)


def ordered(items: Iterable[T], label: Callable[[T], Any] | None = None) -> list[T]:
    """`items` in the order of their labels as the reader reads them: `label(item)`, by
    default the name the page shows (`shown("name")` of a record with names in two
    languages, else its `name`). Every list of choices named by people is ordered here; the
    reader's language is found once for the list, not once for each item."""
    chinese, name = locale_name().startswith("zh"), label or _name
    return sorted(items, key=lambda item: sort_key(name(item), chinese))


def _name(item: Any) -> Any:
    if isinstance(item, tuple | list):  # a choice as (value, label)
        return item[1]
    if isinstance(item, Row):  # a row of a select, its `name` column (no method of a record)
        return getattr(item, "name", item)
    shown = getattr(item, "shown", None)
    return shown("name") if callable(shown) else getattr(item, "name", item)


def ordered_rows(rows: Iterable[Row]) -> list[Row]:
    """`ordered(rows)` of a select's rows (an id and a `name`, as a list's filter reads them),
    worked out once a process for the same rows in each language: every list's page orders
    the same institutes again (80 at full size, 0.11 to 0.17 ms a request)."""
    return list(_ordered_rows(tuple(rows), locale_name().startswith("zh")))


@lru_cache(maxsize=256)
def _ordered_rows(rows: tuple[Row, ...], chinese: bool) -> tuple[Row, ...]:
    return tuple(sorted(rows, key=lambda row: sort_key(_name(row), chinese)))
