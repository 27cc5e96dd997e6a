"""Errors of the JSON API as RFC 9457 problem details (`application/problem+json`).

The web layer's error handlers (`tracker.web.errors`) answer every error of a request under
/api/ through `problem` instead of an HTML page: the same refusals, mapped to the same codes in
one place, written for a program. `title` and `detail` are in the caller's language.
"""

from __future__ import annotations

from typing import Any

from flask import Response, json, request

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
