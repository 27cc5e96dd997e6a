"""Each operation of the API declared once (`operation`), and the OpenAPI 3.1 document built
from those declarations and their pydantic models: nothing of it is written by hand.

An operation names its query model (its parameters), its body model (a multipart form), its
answer model, the errors it may answer besides the ones every operation may (400, 401, 403,
404, 429), and whether its resource is versioned (an ETag on reading it, If-Match required to
change it: 412 when it moved, 428 when If-Match is missing).
"""

from __future__ import annotations

import inspect
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps
from typing import Any

from flask import abort
from flask_babel import gettext
from markupsafe import Markup, escape
from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from tracker.web.api.blueprint import bp
from tracker.web.permissions import Rule, acting_user, may_open

COMMON_ERRORS = (400, 401, 403, 404, 429)
REF = "#/components/schemas/{model}"


@dataclass
class Operation:
    rule: str
    method: str
    endpoint: str
    summary: str
    tag: str
    response: type[BaseModel]
    description: str = ""
    query: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    files: str | None = None  # the multipart field of evidence files
    errors: tuple[int, ...] = ()
    versioned: bool = False  # answers with an ETag
    changes: bool = False  # needs If-Match
    extra: dict[str, Any] = field(default_factory=dict)


OPERATIONS: list[Operation] = []


def operation(rule: str, method: str = "GET", *, allowed: Rule | str | None = None,
              **declared: Any) -> Callable:
    """Register the view on the API blueprint and declare it for the document. `allowed`:
    who may call it at all, as `requires` says it of a page (403 to anyone else, before the
    view runs): a rule (`ResearchContract.can_list`), or the endpoint of the page whose rule
    it shares (`"reminders.outbox"`)."""

    def decorate(view: Callable) -> Callable:
        # The docstring as one line: a message of the catalogue, said in the reader's
        # language on the help page (`said`).
        OPERATIONS.append(Operation(rule=rule, method=method, endpoint=view.__name__,
                                    description=_one_line(inspect.getdoc(view) or ""),
                                    **declared))
        guarded = view if allowed is None else _guarded(view, allowed)
        bp.add_url_rule(rule, endpoint=view.__name__, view_func=guarded, methods=[method])
        return guarded

    return decorate


def _guarded(view: Callable, allowed: Rule | str) -> Callable:
    check: Rule = ((lambda user: may_open(user, allowed)) if isinstance(allowed, str)
                   else allowed)

    @wraps(view)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        if not check(acting_user()):
            abort(403)
        return view(*args, **kwargs)

    return guarded


def _path(rule: str) -> tuple[str, list[dict]]:
    params = []
    for name in re.findall(r"<int:(\w+)>", rule):
        params.append({"name": name, "in": "path", "required": True,
                       "schema": {"type": "integer", "minimum": 0, "maximum": 2**31 - 1}})
    return bp.url_prefix + re.sub(r"<int:(\w+)>", r"{\1}", rule), params


def _query_parameters(model: type[BaseModel], defs: dict) -> list[dict]:
    schema = model.model_json_schema(ref_template=REF, mode="validation")
    defs.update(schema.pop("$defs", {}))
    required = set(schema.get("required", ()))
    params = []
    for name, prop in schema["properties"].items():
        description = prop.pop("description", None)
        param = {"name": name, "in": "query", "required": name in required, "schema": prop}
        if description:
            param["description"] = description
        params.append(param)
    return params


def _problem(description: str) -> dict:
    return {"description": description, "content": {
        "application/problem+json": {"schema": {"$ref": REF.format(model="Problem")}}}}


PROBLEM_SCHEMA = {
    "type": "object", "title": "Problem",
    "description": "RFC 9457 problem details, in the language of Accept-Language.",
    "properties": {
        "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
        "detail": {"type": "string"}, "instance": {"type": "string"},
        "errors": {"type": "array", "items": {
            "type": "object", "required": ["field", "detail"],
            "properties": {"field": {"type": "string"}, "detail": {"type": "string"}}}},
    },
    "required": ["type", "title", "status"],
}

ERROR_TEXT = {
    400: "The input was refused (see errors).",
    401: "No usable personal access token.",
    403: "The token's person or scope may not do this.",
    404: "Nothing here, or not yours to see.",
    409: "A rule of the domain refuses the change now.",
    412: "The resource changed since the ETag sent in `If-Match`.",
    413: "The upload is too large.",
    428: "`If-Match` is missing.",
    429: "Too many requests: wait for `Retry-After` seconds.",
}


def _operation(op: Operation, path_params: list[dict], defs: dict) -> dict:
    params = list(path_params)
    if op.query is not None:
        params += _query_parameters(op.query, defs)
    if op.changes:
        params.append({"name": "If-Match", "in": "header", "required": True,
                       "description": "The ETag of the resource as last read.",
                       "schema": {"type": "string", "maxLength": 100}})
    ok: dict[str, Any] = {"description": "OK", "content": {
        "application/json": {"schema": {"$ref": REF.format(model=op.response.__name__)}}}}
    if op.versioned:
        ok["headers"] = {"ETag": {"description": "The resource's version, for If-Match.",
                                  "schema": {"type": "string"}}}
    responses = {"200": ok}
    for status in sorted({*COMMON_ERRORS, *op.errors}):
        responses[str(status)] = _problem(ERROR_TEXT[status])
    document: dict[str, Any] = {
        "operationId": op.endpoint, "summary": str(op.summary), "tags": [op.tag],
        "parameters": params, "responses": responses}
    if op.description:
        document["description"] = op.description
    if op.body is not None:
        schema = op.body.model_json_schema(ref_template=REF, mode="validation")
        defs.update(schema.pop("$defs", {}))
        if op.files:
            schema["properties"][op.files] = {
                "type": "array", "items": {"type": "string", "format": "binary"}}
        document["requestBody"] = {"required": True, "content": {
            "multipart/form-data": {"schema": schema}}}
    return document


def document() -> dict:
    """The OpenAPI 3.1 document of every declared operation."""
    defs: dict[str, Any] = {}
    paths: dict[str, dict] = {}
    for op in OPERATIONS:
        path, path_params = _path(op.rule)
        paths.setdefault(path, {})[op.method.lower()] = _operation(op, path_params, defs)
    _, answers = models_json_schema([(op.response, "serialization") for op in OPERATIONS],
                                    ref_template=REF)
    defs.update(answers.get("$defs", {}))
    defs["Problem"] = PROBLEM_SCHEMA
    return {
        "openapi": "3.1.0",
        "info": {"title": "Research project tracker API", "version": "1",
                 "description": inspect.getdoc(_about) or ""},
        "paths": paths,
        "components": {"schemas": defs, "securitySchemes": {
            "token": {"type": "http", "scheme": "bearer",
                      "description": "A personal access token, made on the account page."}}},
        "security": [{"token": []}],
    }


def descriptions(spec: dict) -> set[str]:
    """The English descriptions the help page (`/help/api`) shows of each operation, parameter
    and answer, and in its schemas (a model's docstring, a field's description, the token's
    scheme): messages of the catalogue that no `_()` marks (tests/test_i18n.py counts them as
    used)."""
    texts = _of_operations(spec)
    _described([spec["paths"], spec["components"]], texts)  # a body's schema's too
    return texts


def _of_operations(spec: dict) -> set[str]:
    operations = [op for methods in spec["paths"].values() for op in methods.values()]
    texts = {p.get("description", "") for op in operations for p in op["parameters"]}
    texts |= {op.get("description", "") for op in operations}
    texts |= {r["description"] for op in operations for r in op["responses"].values()}
    return texts - {""}


def _one_line(text: str) -> str:
    """A docstring as one line: the message of the catalogue it is."""
    return " ".join(text.split())


def _described(node: Any, texts: set[str]) -> None:
    """Every description of a schema in `node`, into `texts` (a property named "description"
    is a schema, not one)."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "description" and isinstance(value, str):
                texts.add(_one_line(value))
            else:
                _described(value, texts)
    elif isinstance(node, list):
        for value in node:
            _described(value, texts)


def _in_language(node: Any) -> Any:
    """`node` with each description said in the reader's language, the rest as it is."""
    if isinstance(node, dict):
        return {key: gettext(_one_line(value)) if key == "description" and isinstance(value, str)
                else _in_language(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_in_language(value) for value in node]
    return node


def shown(node: Any, indent: int | None = None) -> str:
    """A part of the document (a schema, a request's body) as the help page shows it: its JSON
    as the document gives it, with its descriptions in the reader's language, written as they
    read (not as \\u escapes)."""
    return json.dumps(_in_language(node), indent=indent, ensure_ascii=False)


def said(spec: dict) -> dict[str, str]:
    """What the help page says of each operation, parameter and answer, in the reader's
    language: {the English description: its translation}. The document itself, for programs,
    stays in English; tests/test_language_walk.py reads the Chinese page."""
    return {text: _coded(gettext(text)) for text in _of_operations(spec)}


def _coded(text: str) -> Markup:
    """A description as HTML: what it writes between backticks (a name of the API, a
    header, a value) as code, as CommonMark reads the document's descriptions."""
    return Markup(re.sub(r"`([^`]+)`", r"<code>\1</code>", str(escape(text))))


def _about() -> None:
    """Read what the pages show, and post milestone progress from your own tools.

    Every request carries a personal access token (Authorization: Bearer trk_...), made on
    your account page, read-only or read-write; the API lets it do what its person may do on
    the pages, no more. Lists answer a page of items and a next_cursor: pass it as cursor for
    the next page. Errors are RFC 9457 problem details in the language of Accept-Language.
    Reading a changeable resource gives its ETag; a change sends it back in If-Match
    (required: 428 without it, 412 when the resource moved meanwhile)."""
