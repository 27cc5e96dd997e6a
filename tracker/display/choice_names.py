"""The names a choice is read by where people write it rather than pick it (an import's cells):
its value, its label in each language, and the shorter names people write for the label.

A spreadsheet from before the tracker says 中型 where the label is 中型企业, 评审专家 for
总部评审专家, Medium for Medium enterprise, 纵向 for 纵向（政府科技计划）(issue 13). One rule
gives every enum its short forms, from its labels, so that no list of them is kept by hand: a
short form is a run of a label's whole words at its start or at its end, or the part of a label
before or inside its brackets, or such a run of that part. A short form is cut where the label's
words meet, never inside a word: 所所长 is no short form of 研究所所长 (研究所|所长), nor 研究 of
研究所, nor 型企业 of 中型企业, so a typo or a fragment is refused rather than read as a choice.

A label's words (`words`): other than Chinese, what spaces and punctuation separate. Chinese
writes no spaces; its words are found by the labels' own structure:

- brackets and punctuation end a word (已满足，待确认);
- a label of the tracker's (of any enum: 研究所, 总部, 企业, 投资决策) is one word where a word
  begins with it, unless it leaves a single character: 研究所|所长, 总部|评审|专家,
  横向（企业|委托）;
- a few one-character words stand alone wherever they are: 已 被 由 按 该, which go before a
  word (已|验收), the negations (未 不 无 非 没 否 待) and the joining words (或 的 与 和 及);
- the other characters are words of two (中型|企业, 技术|开发, 简体|中文); in a run of an odd
  number, the odd one is 中, 级, 性 or 制 after a word where one is (进行|中, 国家|级,
  限制|性|股票, 项目|经理|制|重大|项目), else the run's last word is of three (软件|著作权,
  员工|激励池, 研究所, 入门费);

and a short form, so cut, is

- at least two characters long, as compared (`folded`);
- never keeping a word a negation (not, no, non, without, awaiting; 未 不 无 非 没 否 待) goes
  before without it, nor ending in one: "approved" is not short for "Not approved", nor 立项
  for 未获立项, nor 确认 for 已满足，待确认 (已满足 is: it drops 待 with 确认);
- neither beginning nor ending with a joining word (of, or, on, the ...; 或, 的): "on" is not
  short for On hold; nor ending with a word that goes before one (已), nor beginning with one
  that goes after one (中);
- naming one choice of the enum only: one several choices share (专家: 总部评审专家 and
  外部专家) is refused, naming them (`Names.read` gives them all). One that drops a marker of
  aspect or voice (已 done, 中 ongoing, 被 done to) is short for every choice whose label
  holds the words it keeps, in any order: 设立公司 may be 已设立公司 (spun off) or 公司设立
  (spin-off), 销项 已销项 (cleared) or 未销项 (open), so both are refused, naming the two.
  Where no other label holds them it reads as the one (验收, 结题, 豁免, 对接, 签约, 转股,
  归还, 暂缓), listed on the run as every short form is (`tracker.imports.shortened`): taking
  已 for a negation would refuse the words adopters write.

A value or a whole label always wins over a short form: "Submitted" is the state Submitted,
not "Submitted late" shortened. Every name is compared `folded`: widths, case, spaces,
underscores and hyphens aside (`spin_off`, `Spin-off`, `spin off` and 公司设立 are one choice).
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache

from babel.core import Locale, UnknownLocaleError
from flask import current_app
from flask_babel import force_locale

from tracker.display.labels import LABELS, LOCALE_NAMES

_JOINERS = re.compile(r"[_\-‐‑–—·・]+")
_CJK = "\u3400-\u9fff"
# A label's runs of Chinese and its other words, which spaces and punctuation separate.
_RUNS = re.compile(rf"[{_CJK}]+|[^\s{_CJK},;:.!?，；：。、()（）]+")
_HAN = re.compile(rf"[{_CJK}]")
_BRACKETED = re.compile(r"^(.*?)\s*[(（](.+)[)）]\s*$")
_NEGATIONS = frozenset({"not", "no", "non", "without", "awaiting",
                        "未", "不", "无", "非", "没", "否", "待"})
# Words that begin or end no short form: "on" is not On hold, nor "or" Own funds (HQ or ...).
_JOINING = frozenset({"a", "an", "and", "as", "at", "by", "for", "in", "of", "on", "or", "the",
                      "to", "with", "或", "的", "与", "和", "及"})
# Chinese words of one character: before a word (已|验收), which ends no short form; after one,
# the odd one of a run (进行|中, 国家|级), which begins none.
_BEFORE = frozenset("已被由按该")
_AFTER = frozenset("中级性制")
# Markers of aspect and voice a short form may drop (验收 for 已验收, 暂缓 for 暂缓中), unless
# another choice's label holds the words it keeps (设立公司: 已设立公司 or 公司设立?).
_MARKERS = frozenset("已中被")
_ALONE = frozenset(w for w in _BEFORE | _NEGATIONS | _JOINING if _HAN.fullmatch(w))
MIN_LENGTH = 2


def folded(text: str) -> str:
    """A choice as compared (see above)."""
    plain = "".join(unicodedata.normalize("NFKC", str(text)).split()).casefold()
    return _JOINERS.sub("", plain)


def _negates(words: Iterable[str]) -> bool:
    return any(word.casefold() in _NEGATIONS for word in words)


def words(text: str, known: frozenset[str] = frozenset()) -> list[str]:
    """The words of `text` (see above); `known`: the tracker's labels, words of their own."""
    found: list[str] = []
    for run in _RUNS.findall(text):
        found += _chinese(run, known) if _HAN.match(run) else [run]
    return found


def _chinese(run: str, known: frozenset[str]) -> list[str]:
    found: list[str] = []
    start = 0
    for at, char in enumerate([*run, ""]):
        if char in _ALONE or not char:
            found += _paired(run[start:at], known) + ([char] if char else [])
            start = at + 1
    return found


def _paired(run: str, known: frozenset[str]) -> list[str]:
    """A run of Chinese with no word standing alone in it, in words: a label of the tracker's,
    the odd one that goes after a word, pairs, and a last word of three."""
    found: list[str] = []
    at = 0
    while at < len(run):
        left = len(run) - at
        label = max((w for w in known if len(w) < left and len(w) != left - 1
                     and run.startswith(w, at)), key=len, default="")
        if at and left % 2 and run[at] in _AFTER:
            size = 1
        elif label:
            size = len(label)
        elif left == 3 and run[at + 2] not in _AFTER or left == 1:
            size = left
        else:
            size = 2
        found.append(run[at:at + size])
        at += size
    return found


def _may_be(kept: list[str], before: list[str]) -> bool:
    """Whether `kept` of a label's words may be a short form, `before`: the words dropped before
    them (a negation dropped after them goes with every word it goes before)."""
    first, last = kept[0].casefold(), kept[-1].casefold()
    return not (_negates(before) or _negates(kept[-1:]) or {first, last} & _JOINING
                or last in _BEFORE or first in _AFTER)


def _cuts(label: str, known: frozenset[str]) -> Iterator[tuple[str, list[str]]]:
    """Each short form of `label` (see above), folded, with its words, whatever the other
    labels; `known`: the tracker's labels (`tracker_words`)."""
    parts = [label]
    if (bracketed := _BRACKETED.match(label)) is not None:
        parts += [p for p in bracketed.groups() if p.strip()]
    for part in parts:
        cut = words(part, known)
        if part != label and _negates(words(label.replace(part, "", 1), known)):
            continue
        for n in range(1, len(cut) + (part != label)):
            for kept, before in ((cut[:n], []), (cut[len(cut) - n:], cut[:len(cut) - n])):
                form = folded("".join(kept))
                if _may_be(kept, before) and len(form) >= MIN_LENGTH and form != folded(label):
                    yield form, kept


def short_forms(label: str, known: frozenset[str] = frozenset()) -> set[str]:
    """The short forms of `label` (see above), folded, whatever the other labels; `known`: the
    tracker's labels (`tracker_words`)."""
    return {form for form, _kept in _cuts(label, known)}


def _drops_marker(label: str, kept: list[str], known: frozenset[str]) -> bool:
    """Whether a short form of `label`, its words `kept`, drops a marker of aspect or voice
    (已 done, 中 ongoing, 被 done to): 设立公司 of 已设立公司, 暂缓 of 暂缓中."""
    return bool(set(Counter(words(label, known)) - Counter(kept)) & _MARKERS)


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


def names(labels: Mapping[str, Iterable[str]], known: frozenset[str] = frozenset()) -> Names:
    """The names of the choices `labels` gives ({value: its labels}); `known`: the tracker's
    labels, words of their own in Chinese (`tracker_words`)."""
    labels = {value: list(texts) for value, texts in labels.items()}
    exact = {}
    for value, texts in labels.items():
        exact[folded(value)] = value
        exact.update((folded(text), value) for text in texts)
    worded = {value: [set(words(text, known)) for text in texts]
              for value, texts in labels.items()}
    short: dict[str, set[str]] = {}
    for value, texts in labels.items():
        for text in texts:
            for form, kept in _cuts(text, known):
                if form in exact:
                    continue
                short.setdefault(form, set()).add(value)
                if _drops_marker(text, kept, known):
                    # 设立公司 may be 已设立公司 or 公司设立: short for both, so refused.
                    short[form].update(other for other, held in worded.items()
                                       if any(set(kept) <= words_of for words_of in held))
    order = list(labels)
    return Names(exact, {form: tuple(sorted(values, key=order.index))
                         for form, values in short.items()})


@cache
def of_enum(enum_cls: type[enum.Enum]) -> Names:
    """The names of an enum's members, by their labels in every language of the tracker."""
    table = LABELS.get(enum_cls, {})
    labels: dict[str, list[str]] = {member.value: [] for member in enum_cls}
    for locale in current_app.config["LANGUAGES"]:
        with force_locale(locale):
            for member, label in table.items():
                labels[member.value].append(str(label))
    return names(labels, tracker_words())


@cache
def tracker_words() -> frozenset[str]:
    """Every label of the tracker's, of every enum, in each of its languages: in Chinese, a
    word of its own where a word of another label begins with it (研究所|所长)."""
    found = set(LOCALE_NAMES.values())
    for locale in current_app.config["LANGUAGES"]:
        with force_locale(locale):
            found.update(str(label) for table in LABELS.values() for label in table.values())
    return frozenset(found)


# Each language's name in the other language, as a file names it: 英文 was refused where 中文
# (简体中文 shortened) was read (issue 13).
LOCALE_NAMES_ELSEWHERE = {"zh_CN": ("Chinese", "Simplified Chinese", "中文"),
                          "en": ("英文", "英语")}


@cache
def of_locales() -> Names:
    """The languages a user may read the tracker in, by their own names (简体中文, English,
    a short form: 中文) and each other's (英文, Chinese)."""
    return names({code: [name, *LOCALE_NAMES_ELSEWHERE.get(code, ())]
                  for code, name in LOCALE_NAMES.items()}, tracker_words())


def locale_of(text: str) -> str | None:
    """The tracker's language `text` names: by its code, its name in either language or a
    short form of one (`of_locales`: 简体中文, 中文, 英文, Chinese), or by a language tag of its
    language, whatever region or script the tag adds (zh, zh-CN, zh-Hans, en-US, EN: what
    people write beside zh_CN and en, one rule: the tag's language); else none."""
    found = of_locales().read(text)
    if len(found) == 1:
        return found[0]
    try:
        language = Locale.parse(unicodedata.normalize("NFKC", text).strip().replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return None
    return next((code for code in LOCALE_NAMES
                 if Locale.parse(code).language == language.language), None)
