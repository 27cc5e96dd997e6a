"""What a column of an import is, and a kind of import: the types `tracker.imports.columns`
(and `ip_columns`, the achievement and IP register's) list the columns with."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


class Ref:
    """What a reference cell names, by its natural key (never shown: no labels)."""

    INSTITUTE = "institute"  # its code
    ENTERPRISE = "enterprise"  # its unified social credit code, or its name
    CENTRE = "centre"  # its name
    USER = "user"  # their e-mail
    NEED = "need"  # its title
    PROJECT = "project"  # its code
    PARTNER = "partner"  # its unified social credit code, or its name


@dataclass(frozen=True)
class Column:
    key: str
    header: object  # a lazy string: English as written, Chinese from the catalogue
    required: bool = False
    note: object = ""
    ref: str | None = None  # one of Ref
    choices: type[enum.Enum] | None = None  # a value, or its label in either language
    many: bool = False  # several choices, separated by , ; or 、
    is_date: bool = False
    is_flag: bool = False  # yes/no, 是/否, true/false, 1/0


@dataclass(frozen=True)
class Kind:
    name: str
    title: object
    columns: tuple[Column, ...]
    # The columns whose values find an existing record (the natural key).
    key: tuple[str, ...]

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


DATE_NOTE = _l("A date such as 2024-03-15.")
