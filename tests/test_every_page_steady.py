"""Every page of the app runs as many SQL statements on larger data as on small (issue 21
point 1): each GET route of the url_map, asked in the world of tests/world.py by each of its
people it answers with a page (200, or 409: the page saying why not) and by nobody signed in,
on the world grown once and then twice (tests/world_growth.py: more of everything its pages
list). A new route is counted as soon as it exists; one nobody gets a page from must be listed
in `NOT_COUNTED` with why.

The areas' own tests (tests/test_page_statements.py, tests/projects/test_query_counts.py and
the like) count their pages for more viewers and filters; this one makes sure none is
missed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import shared_data
from tests.test_query_counts import counting, grown
from tests.world import SUBJECTS, People, World, build, rules, signed_in_people, url_for_rule
from tests.world_growth import grow
from tracker import db
from tracker.web import health

# Routes no one gets a page from in the tests' configuration, and why.
OFF = "a feature the test configuration leaves off: 404 to everyone"
NOT_COUNTED = {
    "static": "files on disk, no statement",
    "metrics.scrape": "for machines, with a token the test configuration does not set: 404",
    "mfa.code": "the second step of a sign-in under way: none in the world, back to /login",
    "phones.phone": OFF, "phones.forgot_password": OFF, "phones.reset_password": OFF,
    "sso.cas_start": OFF, "sso.cas_callback": OFF, "sso.oidc_start": OFF,
    "sso.oidc_callback": OFF, "sso.ldap_login": OFF,
    "reminders.ladders": "an old address: redirects to the settings page, counted itself",
}
# What answers with a page: the page itself, else the page saying why the action is not open.
ANSWERS = (200, 409)


def _statements(engine, people: People, who: str, path: str) -> tuple[int, list[str]]:
    # /healthz lists the storage's files at most every five minutes a process: counted each
    # time, or a slow run (a loaded machine) counts it on one world and not the other.
    health.forget()
    db.session.expire_all()
    with counting(engine) as statements:
        status = people.request(who, "GET", path).status_code
    return status, [s for s in statements if "SAVEPOINT" not in s]


def pages(app, engine, world: World, people: People) -> dict[str, tuple[str, dict]]:
    """Each GET route's address in the world and everyone's answer to it: {endpoint: (path,
    {who: status})}."""
    found = {}
    for endpoint, rule in sorted(rules(app).items()):
        if "GET" not in rule.methods or endpoint in NOT_COUNTED:
            continue
        path = url_for_rule(rule, world)
        found[endpoint] = (path, {who: _statements(engine, people, who, path)[0]
                                  for who in SUBJECTS})
    return found


@pytest.fixture(scope="module")
def world(app, module_connection) -> World:
    with shared_data(app, module_connection):
        return build()


@pytest.fixture(scope="module")
def people(app, module_connection, world) -> Iterator[People]:
    with signed_in_people(app, module_connection, world) as people:
        yield people


@pytest.fixture(scope="module")
def asked(app, engine, module_connection, world, people) -> dict[str, tuple[str, dict]]:
    """`pages` of the world as built, asked once for both tests (each request is rolled back,
    so the world is the same for the second test's growth as for the first test)."""
    with shared_data(app, module_connection):
        return pages(app, engine, world, people)


def test_every_get_route_answers_someone_with_a_page(app, asked):
    """Else its statements are never counted: list it in NOT_COUNTED, saying why."""
    assert [(endpoint, path, answers) for endpoint, (path, answers) in asked.items()
            if not set(answers.values()) & set(ANSWERS)] == []
    assert sorted(set(NOT_COUNTED) - set(rules(app))) == [], "routes that are gone"


def test_every_page_runs_as_many_statements_on_more_data(engine, world, people, asked):
    """For everyone it answers with a page, counted on the world grown once, then twice: a
    page that loads a collection only when there is one (tracker/projects/queries.py) runs as
    many statements on both."""
    counted = [(endpoint, who, path, status)
               for endpoint, (path, answers) in asked.items()
               for who, status in answers.items() if status in ANSWERS]
    counts = []
    for _ in range(2):
        grow(world)
        counts.append([_statements(engine, people, who, path) for _, who, path, _ in counted])
    changed = []
    for (endpoint, who, path, status), (first, earlier), (got, later) in zip(
            counted, *counts, strict=True):
        assert (first, got) == (status, status), (endpoint, who, path, first, got)
        if len(later) != len(earlier):
            changed.append((endpoint, who, path, len(earlier), len(later),
                            grown(earlier, later)))
    assert changed == [], "\n".join(map(repr, changed))
