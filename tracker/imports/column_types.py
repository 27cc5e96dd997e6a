"""What a column of an import is, and a kind of import: the types `tracker.imports.columns`
(and `ip_columns`, the achievement and IP register's) list the columns with."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from flask_babel import force_locale, get_locale
from flask_babel import lazy_gettext as _l

from tracker.names import half_width


class Ref:
    """What a reference cell names, by its natural key (never shown: no labels)."""

    INSTITUTE = "institute"  # its code
    ENTERPRISE = "enterprise"  # its unified social credit code, or its name
    CENTRE = "centre"  # its name
    USER = "user"  # their e-mail
    NEED = "need"  # its title
    PROJECT = "project"  # its code
    PARTNER = "partner"  # its unified social credit code, or its name
    REGION = "region"  # its code, or its name in either language, among the HQ's


# What a reference cell holds, when its stem does not say it (an enterprise's cell holds its
# credit code or its name: `enterprise`).
_HELD = {Ref.USER: "email", Ref.PROJECT: "code", Ref.INSTITUTE: "code"}
# The columns of codes that are not references (`Column.is_code`): an institute's or a
# project's own code, a credit code, a user's e-mail, a substitute project's code.
_CODES = {"code", "uscc", "email", "substitute"}
# A contract's number: written as on the contract, a space inside it too, not a code of ours;
# but typed full width, read in its usual form as a code is (as its form reads it).
_NUMBERS = {"number"}


@dataclass(frozen=True)
class Column:
    key: str
    header: object  # a lazy string: English as written, Chinese from the catalogue
    required: bool = False
    note: object = ""
    ref: str | None = None  # one of Ref
    # The reference column whose record this reference is read among first (a project's
    # need among its partner enterprise's: needs are found again by enterprise and title).
    within: str = ""
    choices: type[enum.Enum] | None = None  # a value, or its label in either language
    many: bool = False  # several choices, separated by , ; or 、
    is_date: bool = False
    is_flag: bool = False  # yes/no, 是/否, true/false, 1/0
    # A ledger's cell: an entry recorded by mistake is written with its reversal after it
    # (`reversal | N | date | reason`, `tracker.imports.reversal_lines`), which its notes
    # say wherever they are shown (`column_notes.how_to_fill`).
    reversible: bool = False
    # Whether a choice may be written shortened as people write it (`choice_names`): not
    # where the choice grants rights (a user's roles), where a misread short form (管理员,
    # 经理, "admin") would make a person an HQ administrator no one meant to.
    shortened: bool = True
    # The choices the notes list, when the form offers fewer than the enum has.
    offered: tuple[enum.Enum, ...] | None = None
    # Former headers (lazy strings), still read in every language: a file made before the
    # header took its form's label (`field`: "Field", now "Field as described") imports as
    # it did (`columns.headers_of`); the notes name them (`column_notes.how_to_fill`). A
    # former translation alone (the English header unchanged) is a `Former`.
    aliases: tuple[object, ...] = ()
    # The headers adopters' own registers give the column (lazy strings, read in every
    # language as `aliases` are, not said in the notes: the template keeps its header): the
    # kind's own name before it (企业名称, "Project name") and the common synonyms (所在城市,
    # 成立时间), issue 13, adoption findings F1, F3.
    synonyms: tuple[object, ...] = ()
    # A choice that decides which of the service's checks apply (a project's phase its route,
    # code and gates; a milestone's state its reviewer and waiver): while its cell cannot be
    # read, the service is not asked, or the row would be told what follows from a blank one
    # ("a draft has no code yet" beside a code, for a phase it could not read).
    decides: bool = False
    # A list cell whose entries carry amounts in 元 (a contract's instalments): headed with a
    # unit in 万 after its header, its amounts are read in 万 (`tracker.imports.wan`).
    amounts: bool = False

    def headers_before(self, locale: str) -> list[str]:
        """Its former headers (`aliases`) in `locale`: a `Former` only in its own language."""
        return [text for alias in self.aliases if (text := header_in(alias, locale))]

    @property
    def is_code(self) -> bool:
        """Whether its cells hold codes (a credit code, a project's or an institute's code, an
        e-mail): no space around one is part of it, so a code pasted with spaces around it
        (a full-width one too) is read without them. A space inside one is refused, not
        dropped: "ann lee@…" is not surely annlee@…, nor "JITRI AM 2019" JITRIAM2019 (a
        credit code alone is read typed in groups: `uscc.normalise`, its 18 characters
        have one reading)."""
        return self.ref in _HELD or self.key in _CODES

    def as_typed(self, text: str, is_number: bool) -> str:
        """A cell's text as its field reads it: a code (a contract's number too), a date or a
        number (`is_number`) with its full-width ASCII, typed by a Chinese input method, in its
        usual form, once here for a column's cell (`names.half_width`, issue 13), and no space
        around a code."""
        if self.is_code or self.key in _NUMBERS or self.is_date or is_number:
            text = half_width(text)
        return text.strip() if self.is_code or self.key in _NUMBERS else text

    @property
    def shown(self) -> str:
        """The key as people read it (the README, the upload page, an export's header): a
        reference's form field ends in `_id`, but its cells hold a code, an e-mail or a name,
        so it is named by what they hold (`project_id`: `project_code`, `pm_id`: `pm_email`,
        `enterprise_id`: `enterprise`). Both are accepted as headers."""
        if self.ref is None:
            return self.key
        stem = self.key.removesuffix("_ids").removesuffix("_id")
        held = _HELD.get(self.ref)
        word = f"{stem}_{held}" if held else stem
        return f"{word}s" if self.many else word


class Need:
    """What must be recorded before a kind's file is read (`tracker.imports.prerequisites`
    asks each; never shown: no labels)."""

    HQ = "hq"  # the headquarters its records belong to
    GATE_TEMPLATES = "gate_templates"  # a template for every gate, which its reviews copy


@dataclass(frozen=True)
class Kind:
    name: str
    title: object
    columns: tuple[Column, ...]
    # The columns whose values find an existing record (the natural key).
    key: tuple[str, ...]
    # What its file is refused before it is read without (`prerequisites.refusal`).
    needs: tuple[str, ...] = ()  # of Need

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


@dataclass(frozen=True)
class Former:
    """A header's former text in one language, where the header's English stayed as it was:
    结束或暂停时所在阶段 for "Ended or held in" until HOLD became 暂缓 in every Chinese message
    (issue 13). A template downloaded before is read as it was (`Column.aliases`); in another
    language it reads as nothing, as a lazy string reads as each language's text."""

    language: str  # as a locale's language: zh
    text: str

    def __str__(self) -> str:
        locale = get_locale()
        return self.text if locale is not None and locale.language == self.language else ""


def header_in(header: object, locale: str) -> str:
    """A header (a lazy string: a column's, or one it had before) in `locale`."""
    with force_locale(locale):
        return str(header)


DATE_NOTE = _l("A date such as 2024-03-15.")
NAME_EN_NOTE = _l("Shown on English pages; empty: the Chinese name.")
