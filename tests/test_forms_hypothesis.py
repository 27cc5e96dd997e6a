"""No input makes a 500 (issue #18, point 3): every POST route of the app, sent generated values
by someone allowed to post there (the access matrix's table says who), answers a page with
messages, a redirect, or a 400/403/404/409: never a server error.

The fields posted are those of the route's WTForms classes (found in the view's source and the
helpers it calls, their prefixes and nested lists included), with those of the form the page
shows and the names the view reads from the request itself, so that the generated posts reach
validation and the services. Each field is left out, sent once or sent several times, with text
of any script and control characters, NUL bytes, huge and negative numbers, NaN and Infinity,
dates out of range and over-long strings; a file field gets random bytes under a random name.
Each request runs in a savepoint rolled back after it, in the world of tests/world.py.
"""

from __future__ import annotations

import html
import inspect
import io
import os
import re
from collections.abc import Iterator
from datetime import date
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wtforms import FieldList, FileField, FormField
from wtforms.fields.core import UnboundField

from tests.conftest import shared_data
from tests.test_access_matrix import ACCESS, parse
from tests.world import (
    SUBJECTS,
    People,
    World,
    build,
    classify,
    rules,
    signed_in_people,
    url_for_rule,
)

# Examples per route: about 100 routes, so the module stays near a minute on two cores (more
# for a longer hunt: FORMS_HYPOTHESIS_EXAMPLES=50).
EXAMPLES = int(os.environ.get("FORMS_HYPOTHESIS_EXAMPLES", "4"))

FORM_CALL = re.compile(r"\b((?:\w+\.)?[A-Z]\w*Form)\((.{0,160})", re.S)
PREFIX = re.compile(r"""\bprefix=["'](\w+)["']""")
HELPER_CALL = re.compile(r"\b(_\w+|\w+_form|\w+_page)\(")
READ = re.compile(r"""request\.form\.get(?:list)?\(["'](\w[\w-]*)["']"""
                  r"""|["'](\w[\w-]*)["'] in request\.form""")
FORM = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
ACTION = re.compile(r'\baction="([^"]*)"')
INPUT = re.compile(r'<(?:input|select|textarea)\b[^>]*\bname="([^"]+)"[^>]*>', re.I)
NOT_POSTED = {"csrf_token"}


# --- which fields a route's forms have ----------------------------------------------------------


def _fields_of(form_class, prefix: str = "") -> dict[str, str]:
    """{name as posted: "file" or "text"} of a WTForms class, lists and sub-forms unrolled."""
    found: dict[str, str] = {}
    for name in dir(form_class):
        unbound = getattr(form_class, name, None)
        if not isinstance(unbound, UnboundField):
            continue
        kind = unbound.field_class
        if issubclass(kind, FieldList):
            inner = unbound.args[0]
            for i in (0, 1):
                if issubclass(inner.field_class, FormField):
                    found.update(_fields_of(inner.args[0], f"{name}-{i}"))
                else:
                    found[f"{name}-{i}"] = "text"
        elif issubclass(kind, FormField):
            found.update(_fields_of(unbound.args[0], name))
        else:
            found[name] = "file" if issubclass(kind, FileField) else "text"
    return {f"{prefix}-{n}" if prefix else n: k for n, k in found.items()}


def _resolve(dotted: str, namespace: dict):
    head, _, rest = dotted.partition(".")
    found = namespace.get(head)
    return getattr(found, rest, None) if rest and found is not None else found


def fields_from_code(view) -> dict[str, str]:
    """The fields of every form class the view (or a helper of its module it calls) builds,
    and the names it reads from the request itself."""
    function = inspect.unwrap(view)
    namespace = function.__globals__
    sources, seen, queue = [], set(), [function]
    while queue and len(seen) < 12:
        current = queue.pop()
        if current in seen:
            continue
        seen.add(current)
        try:
            source = inspect.getsource(current)
        except (OSError, TypeError):
            continue
        sources.append(source)
        for call in HELPER_CALL.finditer(source):
            helper = namespace.get(call.group(1))
            if inspect.isfunction(helper) and helper.__module__ == function.__module__:
                queue.append(helper)
    fields: dict[str, str] = {}
    for source in sources:
        for call in FORM_CALL.finditer(source):
            form_class = _resolve(call.group(1), namespace)
            if not inspect.isclass(form_class):
                continue
            prefix = PREFIX.search(call.group(2).split(")")[0] + ")")
            fields.update(_fields_of(form_class, prefix.group(1) if prefix else ""))
        for name in READ.findall(source):
            fields.setdefault(name[0] or name[1], "text")
    return fields


def fields_from_page(page: str, path: str) -> dict[str, str]:
    """The fields of the page's forms that post to `path` (built at run time: scorecards,
    settings, decisions with their conditions)."""
    fields: dict[str, str] = {}
    for attributes, body in FORM.findall(page):
        action = ACTION.search(attributes)
        target = urlsplit(html.unescape(action.group(1))).path if action and action.group(1) \
            else None
        if target not in (path, None):
            continue
        for tag in INPUT.finditer(body):
            kind = "file" if 'type="file"' in tag.group(0) else "text"
            fields.setdefault(html.unescape(tag.group(1)), kind)
    return fields


def poster(endpoint: str) -> str | None:
    """The first person the access table lets reach the route's action by POST."""
    spec = ACCESS[endpoint].get("POST")
    if spec is None:
        return None
    answers = parse(spec, endpoint.startswith("api."))
    return next((who for who in SUBJECTS if answers[who] == "ok"), None)


POSTED = sorted(endpoint for endpoint in ACCESS if poster(endpoint))


@pytest.fixture(scope="module")
def world(app, module_connection) -> World:
    with shared_data(app, module_connection):
        return build()


@pytest.fixture(scope="module")
def people(app, module_connection, world) -> Iterator[People]:
    with signed_in_people(app, module_connection, world) as people:
        yield people


@pytest.fixture(scope="module")
def targets(app, module_connection, world, people) -> dict[str, tuple[str, str, dict[str, str]]]:
    """Each POST route: who posts, where, and the fields (read once for the module)."""
    with shared_data(app, module_connection):
        return _targets(app, world, people)


def _targets(app, world: World, people: People) -> dict[str, tuple[str, str, dict[str, str]]]:
    found = {}
    every = rules(app)
    for endpoint in POSTED:
        rule, who = every[endpoint], poster(endpoint)
        path = url_for_rule(rule, world)
        fields = fields_from_code(app.view_functions[endpoint])
        page_path = path if "GET" in rule.methods else path.rsplit("/", 1)[0] or "/"
        page = people.request(who, "GET", page_path)
        if page.status_code == 200 and page.mimetype == "text/html":
            fields.update(fields_from_page(page.get_data(as_text=True), path))
        found[endpoint] = who, path, {n: k for n, k in fields.items() if n not in NOT_POSTED}
    return found


def test_the_posts_reach_the_forms_fields(targets):
    """The discovery finds fields: the generated posts are not all empty ones."""
    with_fields = [e for e, (_who, _path, fields) in targets.items() if fields]
    assert len(with_fields) >= 0.8 * len(targets), sorted(set(targets) - set(with_fields))
    assert {"budget_lines-0-category", "budget_lines-0-amount"} <= set(
        targets["projects.new"][2])
    assert "pw-new_password" in targets["auth.account"][2]  # a prefixed form
    assert targets["projects.record_trl"][2].get("file") == "file"


# --- what is posted -----------------------------------------------------------------------------

SPECIAL = ["", " ", "\x00", "a\x00b", "NaN", "nan", "Infinity", "-Infinity", "inf", "1e309",
           "-1e309", "-1", "0", "-0", "1e-400", "0x10", "1_000", "99999999999999999999999999999",
           "-99999999999999999999999999999", "9" * 400, "2026-02-30", "2026-13-45", "0000-00-00",
           "0001-01-01", "9999-12-31", "10000-01-01", "-0001-01-01", "1900-01-01",
           "2026-01-01T25:61", "１２３", "٣", "true", "on", "None", "null", "[]", "{}",
           "' OR 1=1 --", "<script>alert(1)</script>", "{{ 7*7 }}", "%(name)s", "%s%s%s",
           "\u202e\u200b\ufeff", "\ud7ff\ue000\U0010ffff", "中文" * 300, "\r\n\t\x0b\x0c\x1b"]

VALUES = st.one_of(
    st.sampled_from(SPECIAL),
    st.text(max_size=40),  # any script, control characters included
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat),
    st.text(min_size=1, max_size=4).map(lambda s: s * 3_000),  # over-long: past any limit
)
FILES = st.tuples(st.binary(max_size=300), st.text(max_size=30).map(lambda n: n + ".pdf"))


def _field(kind: str):
    """Left out, sent once, or sent several times."""
    one = FILES if kind == "file" else VALUES
    return st.one_of(st.none(), one.map(lambda v: [v]), st.lists(one, min_size=2, max_size=3))


@st.composite
def posts(draw, fields: dict[str, str]) -> list[tuple[str, object]]:
    pairs = []
    for name, kind in sorted(fields.items()):
        for value in draw(_field(kind)) or []:
            if kind == "file":
                content, filename = value
                value = (io.BytesIO(content), filename)
            pairs.append((name, value))
    return pairs


@pytest.mark.parametrize("endpoint", POSTED)
@settings(max_examples=EXAMPLES, deadline=None, database=None,
          derandomize=bool(os.environ.get("CI")),
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(data=st.data())
def test_no_input_makes_a_500(people, targets, endpoint, data):
    who, path, fields = targets[endpoint]
    sent = data.draw(posts(fields), label="posted")
    answer = classify(people.request(who, "POST", path, sent))
    # 401 and 429: a sign-in refused, or refused for its attempts.
    assert answer in {"200", "redirect", "login", "400", "401", "403", "404", "409", "412",
                      "413", "415", "428", "429"}, answer
