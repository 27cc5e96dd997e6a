"""Errors of the JSON API as RFC 9457 problem details (`application/problem+json`).

The web layer's error handlers (`tracker.web.errors`) answer every error of a request under
/api/ through `problem` instead of an HTML page: the same refusals, mapped to the same codes in
one place, written for a program. `title` and `detail` are in the caller's language.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Response, json, request
from flask_babel import gettext as _

from tracker.display.formatting import number
from tracker.display.said import listed

PROBLEM_TYPE = "application/problem+json"
API_PREFIX = "/api/"


def is_api_request() -> bool:
    return request.path.startswith(API_PREFIX)


def problem(status: int, title: str, detail: str | None = None,
            headers: dict[str, str] | None = None, **extensions: Any) -> Response:
    """A problem document. Its type is "about:blank": the status says what happened, and
    `errors` (a list of {field, detail}) says which input was refused."""
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body["instance"] = request.path
    body.update({k: v for k, v in extensions.items() if v is not None})
    response = Response(json.dumps(body, ensure_ascii=False), status=status,
                        mimetype=PROBLEM_TYPE)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    response.headers["Cache-Control"] = "no-store"
    return response


# Pydantic's messages are English only: each kind of refusal of a query string or a body is said
# here again in the caller's language, with the bound it names written as the pages write
# numbers (the forms' `Range` messages). A kind not listed gets the general sentence.
def _bound(value: Any) -> str:
    return number(value)


def _options(ctx: dict[str, Any]) -> str:
    """The codes pydantic lists as "'a', 'b' or 'c'", without its English "or"."""
    return listed(code for code in re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
                     if code)


_MESSAGES: dict[str, Any] = {
    "missing": lambda ctx: _("Missing: send a value."),
    "extra_forbidden": lambda ctx: _("Unknown field: this address does not take it."),
    "int_parsing": lambda ctx: _("Not a whole number."),
    "int_type": lambda ctx: _("Not a whole number."),
    "int_from_float": lambda ctx: _("Not a whole number."),
    "float_parsing": lambda ctx: _("Enter a number."),
    "decimal_parsing": lambda ctx: _("Enter a number."),
    "greater_than_equal": lambda ctx: _("At least %(min)s.", min=_bound(ctx["ge"])),
    "greater_than": lambda ctx: _("More than %(min)s.", min=_bound(ctx["gt"])),
    "less_than_equal": lambda ctx: _("At most %(max)s.", max=_bound(ctx["le"])),
    "less_than": lambda ctx: _("Less than %(max)s.", max=_bound(ctx["lt"])),
    "string_too_long": lambda ctx: _("At most %(n)s characters.", n=_bound(ctx["max_length"])),
    "string_too_short": lambda ctx: _("At least %(n)s characters.",
                                      n=_bound(ctx["min_length"])),
    "date_parsing": lambda ctx: _("Not a date: write it as YYYY-MM-DD."),
    "date_from_datetime_parsing": lambda ctx: _("Not a date: write it as YYYY-MM-DD."),
    "date_from_datetime_inexact": lambda ctx: _("Not a date: write it as YYYY-MM-DD."),
    "date_type": lambda ctx: _("Not a date: write it as YYYY-MM-DD."),
    "enum": lambda ctx: _("Choose one of: %(options)s.", options=_options(ctx)),
    "literal_error": lambda ctx: _("Choose one of: %(options)s.", options=_options(ctx)),
    "bool_parsing": lambda ctx: _("Not true or false."),
}


def input_problems(error: Any) -> list[dict[str, str]]:
    """Every value a pydantic model refused (a `ValidationError`), each as {field, detail} in
    the caller's language. An input refused by several members of a union (`type: X | ""`)
    is said once, by its first."""
    said: dict[str, str] = {}
    for each in error.errors(include_url=False):
        # A union's member names itself in the location: keep the field's own names only.
        loc = [str(p) for p in each["loc"] if not _is_union_member(p)]
        field = ".".join(loc) or "body"
        if field in said:
            continue
        message = _MESSAGES.get(each["type"])
        said[field] = (message(each.get("ctx") or {}) if message
                       else _("This value is not accepted."))
    return [{"field": field, "detail": detail} for field, detail in said.items()]


def _is_union_member(part: Any) -> bool:
    text = str(part)
    return "[" in text or text in ("int", "str", "date", "datetime", "bool", "float",
                                   "decimal") or text.startswith(("literal", "function-"))
