"""Pages that list things load them in a fixed number of statements, whatever their number."""

from __future__ import annotations

from collections import Counter
from contextlib import contextmanager

import pytest
from sqlalchemy import event

from tests.conftest import login
from tests.factories import install_gates, make_need, make_project, make_user
from tests.gates import helpers
from tracker import db
from tracker.accounts.models import Role


@contextmanager
def counting(engine):
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


# The savepoints of the test harness's transaction, which a real request does not run.
HARNESS = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


def page_statements(client, engine, path: str) -> list[str]:
    """The statements one GET of `path` runs, with everything the test made expired first, so
    that objects still in the session do not hide the loads a real request makes."""
    db.session.expire_all()
    with counting(engine) as statements:
        assert client.get(path).status_code == 200, path
    return [s for s in statements if not s.startswith(HARNESS)]


def records_loaded(model, client, path: str, language: str) -> tuple[str, list[int]]:
    """The page at `path` in `language`: its text and the ids of the `model` records its GET
    loaded (a drop-down filled from ids and names loads none)."""
    db.session.expunge_all()  # read anew by the page, as in production
    loaded: list[int] = []

    def count(target, context):
        loaded.append(target.id)

    event.listen(model, "load", count)
    try:
        page = client.get(path, headers={"Accept-Language": language})
    finally:
        event.remove(model, "load", count)
    assert page.status_code == 200, path
    return page.get_data(as_text=True), loaded


def grown(before: list[str], after: list[str]) -> list[str]:
    """The statements `after` runs more often than `before`, shortened: what a failing count
    test shows, so the one that grew with the data is named."""
    def short(statement: str) -> str:
        return " ".join(statement.split())[:160]

    more = Counter(map(short, after))
    more.subtract(Counter(map(short, before)))
    return [f"{n:+d} {statement}" for statement, n in more.items() if n]


def assert_steady(app, engine, grow, pages) -> None:
    """Each page, as its viewer, runs as many statements before `grow()` as after it.

    `pages`: (user, path) pairs; a path may be a function called when the page is fetched.
    Each viewer gets a browser of their own, logged in once."""
    clients = {}

    def fetch(user, path):
        if user.id not in clients:
            clients[user.id] = app.test_client()
            login(clients[user.id], user)
        path = path() if callable(path) else path
        return path, page_statements(clients[user.id], engine, path)

    before = [fetch(user, path) for user, path in pages]
    grow()
    for (user, path), (shown, earlier) in zip(pages, before, strict=True):
        shown, later = fetch(user, path)
        assert len(later) == len(earlier), (user.name, shown, len(earlier), len(later),
                                            grown(earlier, later))


def assert_counts_steady(client, engine, paths: tuple[str, ...], grow) -> None:
    """Each page runs as many statements after `grow()` as after a second `grow()`: the data
    grown for all the pages at once, every page counted at both sizes."""
    counts: dict[str, list[int]] = {path: [] for path in paths}
    for _ in range(2):
        grow()
        for path in paths:
            counts[path].append(len(page_statements(client, engine, path)))
    for path, (first, second) in counts.items():
        assert first == second, (path, counts[path])


@pytest.fixture(autouse=True)
def _gates():
    install_gates()


def test_pm_home_and_project_list(client, engine):
    pm = make_user(Role.PROJECT_MANAGER)

    def grow():
        for _ in range(3):
            project = make_project(pm=pm)
            helpers.go(helpers.submit(project))

    login(client, pm)
    assert_counts_steady(client, engine, ("/", "/projects/"), grow)


def test_hq_lists(client, engine):
    admin = make_user(Role.HQ_ADMIN)

    def grow():
        for _ in range(3):
            helpers.name_panel(helpers.submit(make_project()), admin=admin)
            helpers.submit(make_project())
            make_need()

    login(client, admin)
    assert_counts_steady(client, engine, ("/gates/awaiting", "/needs/", "/contracts/", "/"), grow)


def test_evaluator_lists(client, engine):
    evaluator = make_user(Role.EVALUATOR)
    admin = make_user(Role.HQ_ADMIN)

    def grow():
        from tracker.gates import services as gates

        for _ in range(3):
            review = helpers.submit(make_project())
            gates.name_panel(admin, review, evaluator,
                             [evaluator, make_user(Role.EVALUATOR), make_user(Role.EVALUATOR)],
                             None)

    login(client, evaluator)
    assert_counts_steady(client, engine, ("/my/reviews", "/"), grow)
