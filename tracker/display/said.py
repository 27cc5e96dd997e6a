"""Sentences written now and read later, in the language of whoever reads them.

An import's problems are found once, in the language of the person who ran it (a web upload's
job runs under that person's locale), and read for as long as the run is kept, by any HQ admin
in either language. So they are stored as what was said, not as text: the catalogue's message
(its msgid) with its parameters, each parameter stored the same way, and said again in the
reader's language when shown (`say`).

While `recording()` is on, every message the catalogues give is a `Said`: the text in the
current language, which remembers how it was made. That covers our catalogue (gettext and
ngettext, lazy strings included: `SayingDomain`), WTForms' messages (tracker.web.forms reads
them through `said`), enum labels, and the formatters of dates, money and numbers
(tracker.display.formatting). Messages put one after the other are
`joined`, which keeps each one's recipe; a list is `listed`, joined again with the reader's
separator. A text put together by other means (an f-string) has
no recipe: it is stored as text and shown as it was written, the fallback for anything stored
before this existed too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import Domain, LazyString, gettext, ngettext

from tracker.display import catalogue

_recording: ContextVar[bool] = ContextVar("said_recording", default=False)

# How each formatter reads its stored value back: name -> (formatter, parse).
FORMATTERS: dict[str, tuple[Callable[[Any], str], Callable[[str], Any]]] = {}
# Catalogues other than ours, by name: (gettext, ngettext) (WTForms', from tracker.web.forms).
CATALOGUES: dict[str, tuple[Callable[[str], str], Callable[[str, str, int], str]]] = {}


def is_recording() -> bool:
    return _recording.get()


@contextmanager
def recording() -> Iterator[None]:
    """Messages said within are `Said`: `stored` keeps how they were made."""
    token = _recording.set(True)
    try:
        yield
    finally:
        _recording.reset(token)


class Said(str):
    """Text in the current language that remembers how it was said (`recipe`, stored as JSON).
    `str()` of it is itself, so that it survives the places that turn a message into text
    (an exception's message, a lazy string, WTForms' errors)."""

    recipe: dict[str, Any]

    def __new__(cls, text: str, recipe: dict[str, Any]) -> Said:
        said = super().__new__(cls, text)
        said.recipe = {**recipe, "text": str.__str__(said)}
        return said

    def __str__(self) -> str:
        return self

    def __mod__(self, params: Any) -> str:
        """WTForms translates a message, then fills it in: the parameters are kept too."""
        text = str.__mod__(self, params)
        if isinstance(params, dict) and "params" not in self.recipe:
            return Said(text, {**self.recipe, "params": stored_params(params)})
        return text


def stored(value: Any) -> Any:
    """A message (or a parameter of one) as JSON: the recipe of a `Said`, else the text."""
    if isinstance(value, LazyString):
        value = str(value)  # said now, in the current language (a `Said` while recording)
    if isinstance(value, Said):
        return value.recipe
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, dict):  # stored already
        return value
    return str(value)


def stored_params(params: dict[str, Any]) -> dict[str, Any]:
    return {key: stored(value) for key, value in params.items()}


def say(value: Any) -> Any:
    """A stored message in the current language (the reader's); its text as it was written
    when it has no recipe, or when the catalogue can no longer say it (a message since
    reworded)."""
    if not isinstance(value, dict):
        return value
    try:
        return _say(value)
    except (KeyError, TypeError, ValueError):
        return value.get("text", "")


def joined(separator: str, parts: list[Any]) -> str:
    """Messages put one after the other (a form's errors in one cell of an import): while
    recording, a `Said` that says each part again in the reader's language, where a plain
    `separator.join` would freeze them in the writer's."""
    text = separator.join(str(part) for part in parts)
    if not _recording.get():
        return text
    return Said(text, {"join": separator, "parts": [stored(part) for part in parts]})


def listed(parts: Any, *, apart: bool = False) -> str:
    """A list for a reader, the one way reader-facing lists are joined: 研究报告、测试报告
    in Chinese, "Research report, Test report" in English; `apart` for items that hold commas
    of their own (；/ "; "). While recording, a `Said` that joins the parts again in the reader's
    language, with the reader's separator."""
    parts = list(parts)
    kind = "apart" if apart else "list"
    text = catalogue.mark(kind).join(str(part) for part in parts)
    if not _recording.get():
        return text
    return Said(text, {"list": kind, "parts": [stored(part) for part in parts]})


def named(text: str, chinese: str | None, english: str | None) -> str:
    """A name kept in both languages (`tracker.display.bilingual`), `text` the one shown now:
    while recording, a `Said` that shows the reader's (a budget template's, an institute's)."""
    if not _recording.get():
        return text
    return Said(text, {"names": [chinese, english]})


def aside(text: Any) -> str:
    """`text` in parentheses, as the reader's language writes them (（…） or " (…)")."""
    said = f"{catalogue.mark('open')}{text}{catalogue.mark('close')}"
    if not _recording.get():
        return said
    return Said(said, {"aside": stored(text)})


# How a name kept in both languages is shown again: set by tracker.display.bilingual, which
# knows the reader's language (and imports this module).
NAMES: dict[str, Callable[[str | None, str | None], str]] = {}


def _say(recipe: dict[str, Any]) -> str:
    if "names" in recipe:
        return NAMES["shown"](*recipe["names"])
    if "aside" in recipe:
        return f"{catalogue.mark('open')}{say(recipe['aside'])}{catalogue.mark('close')}"
    if "list" in recipe:
        return catalogue.mark(recipe["list"]).join(str(say(part)) for part in recipe["parts"])
    if "join" in recipe:
        return recipe["join"].join(str(say(part)) for part in recipe["parts"])
    if "format" in recipe:
        formatter, parse = FORMATTERS[recipe["format"]]
        return formatter(parse(recipe["value"]))
    params = {key: say(value) for key, value in (recipe.get("params") or {}).items()}
    if "catalogue" in recipe:
        singular, plural = CATALOGUES[recipe["catalogue"]]
        text = (plural(recipe["msg"], recipe["plural"], recipe["n"]) if "plural" in recipe
                else singular(recipe["msg"]))
        return text % params if params else text
    message, plural, n = recipe["msg"], recipe.get("plural"), recipe.get("n")
    if plural is not None:
        params.pop("num", None)
        return ngettext(message, plural, n, **params)
    return gettext(message, **params)


class SayingDomain(Domain):
    """Our catalogue, whose messages are `Said` while `recording()` is on; found once per
    request and locale (`catalogue.translations`), not again for every message."""

    def get_translations(self):
        return catalogue.translations(self)

    def load_translations(self):
        """Flask-Babel's own search for the catalogue of the current locale."""
        return super().get_translations()

    def gettext(self, string, **variables):
        text = super().gettext(string, **variables)
        if not _recording.get():
            return text
        return Said(text, {"msg": string, "params": stored_params(variables)})

    def ngettext(self, singular, plural, num, **variables):
        text = super().ngettext(singular, plural, num, **variables)
        if not _recording.get():
            return text
        return Said(text, {"msg": singular, "plural": plural, "n": num,
                           "params": stored_params(variables)})


def formatter(parse: Callable[[str], Any]):
    """A formatter of values for the page's language, whose results are `Said` while
    recording (`parse` reads its stored value back)."""
    def register(function: Callable[[Any], str]) -> Callable[[Any], str]:
        def formatted(value):
            text = function(value)
            if not _recording.get() or value is None:
                return text
            return Said(text, {"format": function.__name__, "value": str(value)})

        formatted.__name__ = function.__name__
        formatted.__doc__ = function.__doc__
        FORMATTERS[function.__name__] = (function, parse)
        return formatted
    return register


def catalogue_said(name: str, msgid: str, text: str, plural: str | None = None,
                   n: int | None = None) -> str:
    """A message of catalogue `name` (see CATALOGUES), as a `Said` while recording."""
    if not _recording.get():
        return text
    recipe = {"catalogue": name, "msg": msgid}
    if plural is not None:
        recipe.update(plural=plural, n=n)
    return Said(text, recipe)


parse_day = date.fromisoformat
parse_decimal = Decimal
