"""The names a choice is read by where people write it rather than pick it (an import's cells):
its value, its label in each language, and the shorter names people write for the label.

A spreadsheet from before the tracker says 中型 where the label is 中型企业, 评审专家 for
总部评审专家, Medium for Medium enterprise, 纵向 for 纵向（政府科技计划） (issue 13). One rule
gives every enum its short forms, from its labels, so that no list of them is kept by hand: a
short form is a run of a label's words at its start or at its end (a Chinese character is a
word; other words are separated by spaces and punctuation), or the part of a label before or
inside its brackets, or such a run of that part,

- at least two characters long, as compared (`folded`);
- never dropping a negation (not, no, non, without; 未, 不, 无, 非, 没, 否) nor ending in one:
  "approved" is not short for "Not approved", nor 立项 for 未获立项;
- neither beginning nor ending with a joining word (of, or, on, the ...): "on" is not short
  for On hold;
- naming one choice of the enum only: one several choices share (专家: 总部评审专家 and
  外部专家) is refused, naming them (`Names.read` gives them all).

A value or a whole label always wins over a short form: "Submitted" is the state Submitted,
not "Submitted late" shortened. Every name is compared `folded`: widths, case, spaces,
underscores and hyphens aside (`spin_off`, `Spin-off`, `spin off` and 公司设立 are one choice).
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache

from flask import current_app
from flask_babel import force_locale

from tracker.display.labels import LABELS, LOCALE_NAMES

_JOINERS = re.compile(r"[_\-‐‑–—·・]+")
_CJK = "\u3400-\u9fff"
# A label's words: each Chinese character, and what spaces and punctuation separate.
_WORDS = re.compile(rf"[{_CJK}]|[^\s{_CJK},;:.!?，；：。、()（）]+")
_BRACKETED = re.compile(r"^(.*?)\s*[(（](.+)[)）]\s*$")
_NEGATIONS = frozenset({"not", "no", "non", "without", "未", "不", "无", "非", "没", "否"})
# Words that begin or end no short form: "on" is not On hold, nor "or" Own funds (HQ or ...).
_JOINING = frozenset({"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the",
                      "to", "with"})
MIN_LENGTH = 2


def folded(text: str) -> str:
    """A choice as compared (see above)."""
    plain = "".join(unicodedata.normalize("NFKC", str(text)).split()).casefold()
    return _JOINERS.sub("", plain)


def _negates(words: Iterable[str]) -> bool:
    return any(word.casefold() in _NEGATIONS for word in words)


def short_forms(label: str) -> set[str]:
    """The short forms of `label` (see above), folded, whatever the other labels."""
    parts = [label]
    if (bracketed := _BRACKETED.match(label)) is not None:
        parts += [p for p in bracketed.groups() if p.strip()]
    found = set()
    for part in parts:
        words = _WORDS.findall(part)
        for n in range(1, len(words) + (part != label)):
            for kept, dropped in ((words[:n], words[n:]), (words[len(words) - n:],
                                                           words[:len(words) - n])):
                if _negates(dropped) or _negates(kept[-1:]) or {
                        kept[0].casefold(), kept[-1].casefold()} & _JOINING:
                    continue
                if part != label and _negates(_WORDS.findall(label.replace(part, "", 1))):
                    continue
                form = folded("".join(kept))
                if len(form) >= MIN_LENGTH:
                    found.add(form)
    return found - {folded(label)}


@dataclass(frozen=True)
class Names:
    exact: dict[str, str]  # a value or a whole label, folded: its value
    short: dict[str, tuple[str, ...]]  # a short form, folded: the values it may be

    def read(self, text: str, shortened: bool = True) -> tuple[str, ...]:
        """The values `text` names: one; several, when it is short for several; or none (a
        short form names none where it is not read: `shortened` false)."""
        key = folded(text)
        if key in self.exact:
            return (self.exact[key],)
        return self.short.get(key, ()) if shortened else ()


def names(labels: Mapping[str, Iterable[str]]) -> Names:
    """The names of the choices `labels` gives ({value: its labels})."""
    labels = {value: list(texts) for value, texts in labels.items()}
    exact = {}
    for value, texts in labels.items():
        exact[folded(value)] = value
        exact.update((folded(text), value) for text in texts)
    short: dict[str, list[str]] = {}
    for value, texts in labels.items():
        for form in set().union(*map(short_forms, texts)) - exact.keys():
            short.setdefault(form, []).append(value)
    return Names(exact, {form: tuple(values) for form, values in short.items()})


@cache
def of_enum(enum_cls: type[enum.Enum]) -> Names:
    """The names of an enum's members, by their labels in every language of the tracker."""
    table = LABELS.get(enum_cls, {})
    labels: dict[str, list[str]] = {member.value: [] for member in enum_cls}
    for locale in current_app.config["LANGUAGES"]:
        with force_locale(locale):
            for member, label in table.items():
                labels[member.value].append(str(label))
    return names(labels)


@cache
def of_locales() -> Names:
    """The languages a user may read the tracker in (简体中文, 中文, English)."""
    return names({code: [name] for code, name in LOCALE_NAMES.items()})
