"""The app is built once per test process; each test runs in a transaction rolled back after it.

`TEST_DATABASE_URL` selects PostgreSQL; without it each test process uses its own SQLite file.
The schema is built by the migrations (never `create_all`), so every run exercises them.
"""

from __future__ import annotations

import fcntl
import gc
import os
import re
import shutil
import tempfile
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from flask import Flask, Response, g, request
from flask.ctx import RequestContext
from flask.testing import EnvironBuilder, FlaskClient
from flask_wtf.csrf import generate_csrf
from sqlalchemy import Connection, Engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.sql.expression import (
    ReleaseSavepointClause,
    RollbackToSavepointClause,
    SavepointClause,
)

import tracker.models  # noqa: F401  (every mapper, before a test module's imports configure them)
from tracker import create_app, db
from tracker.migrate import upgrade

PG_URL = os.environ.get("TEST_DATABASE_URL", "")


def database_url(tmp_root: Path) -> str:
    """SQLite: a file per test process. PostgreSQL: a database per test process, created next
    to TEST_DATABASE_URL's, so concurrent runs (xdist workers, two developers) never collide."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    if PG_URL:
        base = make_url(PG_URL)
        return base.set(database=f"{base.database}_{worker}_{os.getpid()}").render_as_string(
            hide_password=False)
    return f"sqlite:///{tmp_root / f'test-{worker}.db'}"


def _pg_admin(url: str):
    from tracker.db import make_engine

    return make_engine(make_url(url).set(database="postgres").render_as_string(
        hide_password=False)).execution_options(isolation_level="AUTOCOMMIT")


def _recreate(url: str, template: str | None = None) -> None:
    """PostgreSQL: the database of `url` dropped if it exists and created again, empty or as a
    copy of the database `template` (which no session may be connected to)."""
    admin = _pg_admin(url)
    name = make_url(url).database
    copy = f' TEMPLATE "{template}"' if template else ""
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"{copy}'))
    admin.dispose()


# The migrations run once a run, into the run's head template, which every test process copies
# for its own database (and the tests that need one of their own at head, `copy_of_head`): the
# controller process starts them as pytest starts (`pytest_configure`), while the xdist workers
# import and collect, and holds HEAD_LOCK until they are done; a process wanting a copy waits
# for the lock. The folder, named in the environment the workers inherit, holds the lock, the
# SQLite template and the error of a failed upgrade.
HEAD_FOLDER = "TRACKER_TEST_HEAD"
HEAD_LOCK, HEAD_FAILED = "lock", "failed"


def head_template() -> str:
    """The run's database as the migrations left it, empty: a file on SQLite, a database on
    PostgreSQL (copied with CREATE DATABASE ... TEMPLATE, so nothing ever connects to it)."""
    folder = Path(os.environ[HEAD_FOLDER])
    if not PG_URL:
        return str(folder / "head.db")
    return f"{make_url(PG_URL).database}_{folder.name.replace('-', '_')}"


def _head_url() -> str:
    if not PG_URL:
        return f"sqlite:///{head_template()}"
    return make_url(PG_URL).set(database=head_template()).render_as_string(hide_password=False)


def _migrate_head(lock) -> None:
    """Run every migration into the run's head template, then let the waiting processes in."""
    try:
        if PG_URL:
            _recreate(_head_url())
        upgrade(_head_url())
    except BaseException as error:  # the workers report it: this thread has nobody to tell
        (Path(os.environ[HEAD_FOLDER]) / HEAD_FAILED).write_text(
            f"the migrations into the run's head template failed: {error!r}")
        raise
    finally:
        fcntl.flock(lock, fcntl.LOCK_UN)
        lock.close()


def head_ready() -> None:
    """Wait until the run's head template is made (the controller's `_migrate_head`)."""
    folder = Path(os.environ[HEAD_FOLDER])
    with (folder / HEAD_LOCK).open() as lock:
        fcntl.flock(lock, fcntl.LOCK_SH)
        fcntl.flock(lock, fcntl.LOCK_UN)
    failed = folder / HEAD_FAILED
    assert not failed.exists(), failed.read_text()


def copy_of_head(url: str) -> str:
    """The database `url` (replaced if it exists) at the head revision, holding no rows: a
    copy of the run's `head_template`. Returns `url`."""
    head_ready()
    return copy_database(head_template(), url)


def copy_database(template: str, url: str) -> str:
    """The database `url` (replaced if it exists) as a copy of `template`: a SQLite file's
    path, or the name of a PostgreSQL database nothing is connected to. Returns `url`."""
    if make_url(url).get_backend_name() == "sqlite":
        shutil.copyfile(template, make_url(url).database)
    else:
        _recreate(url, template=template)
    return url


def seed_demo(url: str) -> None:
    """`flask demo seed` into the database at `url`, through an app of its own."""
    app = create_app("test", DATABASE_URL=url)
    suite_session = db.session.registry()  # the suite's, bound to the test's transaction
    try:
        with app.app_context():  # above the suite's own app, which a test may have pushed
            db.session.registry.set(db.session.session_factory(bind=app.extensions["engine"]))
            result = app.test_cli_runner().invoke(args=["demo", "seed"])
    finally:
        db.session.registry.set(suite_session)
        app.extensions["engine"].dispose()
    assert result.exit_code == 0, result.output


def drop_database(url: str) -> None:
    """PostgreSQL: drop the database of `url`."""
    if make_url(url).get_backend_name() != "sqlite":
        admin = _pg_admin(url)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
        admin.dispose()


# Tables whose rows a migration writes (0045: the national budget template, the default every
# proposal starts from): kept, as a fresh installation has them.
SEEDED = {"budget_templates", "budget_categories"}


def empty_every_table(engine) -> None:
    """After a test whose commits really committed (PostgreSQL): every table emptied but the
    migrations' reference data (SEEDED), the audit trail too, which refuses TRUNCATE unless its
    owner steps around the trigger."""
    from tracker.db import Base

    tables = ", ".join(t.name for t in Base.metadata.sorted_tables if t.name not in SEEDED)
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE audit_records DISABLE TRIGGER audit_records_no_truncate"))
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        conn.execute(text("ALTER TABLE audit_records ENABLE TRIGGER audit_records_no_truncate"))


class EnglishClient(FlaskClient):
    """A browser asking for English unless a test says otherwise; tests read English text."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.environ_base.setdefault("HTTP_ACCEPT_LANGUAGE", "en")
        # (the session's CSRF secret, the form token a page rendered for it): see csrf_token
        self.csrf: tuple[str | None, str] | None = None


ELEMENT_ID = re.compile(r'<[a-zA-Z][^>]*?\sid="([^"]*)"')


def ids_are_unique(response: Response) -> Response:
    """Every page the suite renders is checked: an id names one element (a label's `for`, a
    link's #fragment and an aria reference each find one)."""
    if response.mimetype == "text/html" and not response.direct_passthrough:
        ids = Counter(ELEMENT_ID.findall(response.get_data(as_text=True)))
        repeated = sorted(i for i, n in ids.items() if n > 1)
        assert not repeated, f"ids used more than once on {request.path}: {repeated}"
    return response


def pytest_configure(config: pytest.Config) -> None:
    # A test makes hundreds of thousands of short-lived objects (ORM states, rows, template
    # output) in few reference cycles; the collector's default of a pass every 700 allocations
    # spent several per cent of the suite's time finding nothing.
    gc.set_threshold(50_000, 20, 100)
    if hasattr(config, "workerinput") or config.option.collectonly or config.option.help:
        return  # a worker copies the controller's head template; nothing else needs one
    folder = Path(tempfile.mkdtemp(prefix="tracker-head-"))
    os.environ[HEAD_FOLDER] = str(folder)
    lock = (folder / HEAD_LOCK).open("w")
    fcntl.flock(lock, fcntl.LOCK_EX)
    migrating = threading.Thread(target=_migrate_head, args=(lock,), name="head", daemon=True)
    migrating.start()
    config.stash[HEAD_THREAD] = migrating


HEAD_THREAD = pytest.StashKey[threading.Thread]()


def pytest_unconfigure(config: pytest.Config) -> None:
    """The controller drops the run's head template once every process is done with it."""
    migrating = config.stash.get(HEAD_THREAD, None)
    if migrating is None:
        return
    migrating.join()
    drop_database(_head_url())
    shutil.rmtree(os.environ.pop(HEAD_FOLDER), ignore_errors=True)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    """A test marked `no_db` (pyproject.toml: its outcome cannot depend on the database, so
    `make test` runs it in the SQLite pass only) fails if it runs a statement on any database."""
    if item.get_closest_marker("no_db") is None:
        return (yield)
    ran: list[str] = []

    def note(conn, cursor, statement: str, *args) -> None:
        ran.append(statement)

    event.listen(Engine, "before_cursor_execute", note)
    try:
        result = yield
    finally:
        event.remove(Engine, "before_cursor_execute", note)
    assert not ran, f"marked no_db but ran {len(ran)} statements, the first: {ran[0][:200]}"
    return result


def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """`--dist=loadfile` (pyproject.toml), but the browser modules first: each test module runs
    whole on one worker, so the data its tests share (`module_connection`, and a browser
    module's walks, which its last test checks) is built once and seen by all of them; the
    browser modules, which wait on the browser and the server more than they compute, are the
    longest, so both workers start with them, each with a server and Chromium of its own
    (tests/browser/conftest.py), and the other modules fill in around them (xdist's own
    `loadgroup` no longer reads the group marker under pytest 9)."""
    if config.getoption("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class BrowserFirst(LoadScopeScheduling):
        def _assign_work_unit(self, node) -> None:
            for scope in [s for s in self.workqueue if s.startswith("tests/browser/")][::-1]:
                self.workqueue.move_to_end(scope, last=False)
            super()._assign_work_unit(node)

    return BrowserFirst(config, log)


@pytest.fixture(scope="session")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    url = database_url(tmp_path_factory.getbasetemp())
    upload_dir = tmp_path_factory.mktemp("uploads")
    # English outside requests too, so service-level tests read the messages as written.
    application = create_app("test", DATABASE_URL=url, UPLOAD_DIR=str(upload_dir),
                             DEFAULT_LOCALE="en")

    application.test_client_class = EnglishClient

    def forget_previous_request() -> None:
        # Each test keeps one app context open (one transaction), and Flask reuses it for the
        # requests the test makes, `g` included. A browser's requests never share `g`: clear it
        # so Flask-Login and Flask-WTF do not serve one client's cached user or token to another,
        # nor Flask-Babel the previous request's language. First of all hooks: the rate
        # limiter's may answer before the others run. Nor the rows the session keeps for a
        # transaction (`db.cached`): each real request has a session of its own.
        g.__dict__.clear()
        db.forget_cached()

    application.before_request_funcs.setdefault(None, []).insert(0, forget_previous_request)
    application.after_request(ids_are_unique)
    copy_of_head(url)
    # What lives for the whole run (modules, the app, its compiled templates and statements)
    # is never garbage: the collector's full passes stop walking it.
    gc.collect()
    gc.freeze()
    yield application
    application.extensions["engine"].dispose()
    drop_database(url)


@pytest.fixture(scope="session")
def demo_template(app: Flask, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The run's head with `flask demo seed` in it, made once per test process for the
    migration tests that take the demo organisation down and up (each copies it,
    tests/test_migrations.py:demo_database): a file on SQLite, a database on PostgreSQL."""
    if PG_URL:
        url = make_url(app.config["DATABASE_URL"])
        url = url.set(database=f"{url.database}_demo").render_as_string(hide_password=False)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}"
    seed_demo(copy_of_head(url))
    yield make_url(url).database
    drop_database(url)


@pytest.fixture(scope="session")
def engine(app: Flask):
    engine = app.extensions["engine"]

    @event.listens_for(engine, "before_cursor_execute")
    def note_analyze(conn, cursor, statement: str, *args) -> None:
        if statement.lstrip()[:7].upper() == "ANALYZE":
            conn.info["ran_analyze"] = True

    for method, clause in SAVEPOINT_CLAUSES.items():
        setattr(engine.dialect, method, _sent_as_compiled_once(engine.dialect, clause))
    return engine


# Every test runs in a transaction and each of its requests' commits in a savepoint of it, so
# the suite sends tens of thousands of SAVEPOINT, RELEASE and ROLLBACK TO statements a real
# request never does. SQLAlchemy compiles each afresh (their clauses are never cached:
# `inherit_cache = False`), half of all the compiles of a run. The suite's engine compiles each
# clause once, for a placeholder name, and puts each savepoint's name in its place as the
# compiler does (`format_savepoint`): the same statements, through the same connection and its
# events. Not once a name: a connection numbers its savepoints from 1 and never again, and a
# module whose tests share data (`module_connection`) keeps one connection for all its tests'
# requests, so there every savepoint had a name of its own (41,284 compiles in the access
# table's module alone).
SAVEPOINT_CLAUSES = {
    "do_savepoint": SavepointClause,
    "do_release_savepoint": ReleaseSavepointClause,
    "do_rollback_to_savepoint": RollbackToSavepointClause,
}
PLACEHOLDER = "sa_savepoint_placeholder"


def _sent_as_compiled_once(dialect, clause: type) -> Callable[[Connection, str], None]:
    compiled = str(clause(PLACEHOLDER).compile(dialect=dialect))
    head, placeholder = compiled[:-len(PLACEHOLDER)], compiled[-len(PLACEHOLDER):]
    assert placeholder == PLACEHOLDER, f"the name is not last in {compiled!r}"
    name_of = dialect.identifier_preparer.format_savepoint

    def send(connection: Connection, name: str) -> None:
        connection.exec_driver_sql(head + name_of(None, name))

    return send


def _give_back(connection: Connection) -> None:
    """Close a test's connection, its transaction rolled back. One that ran ANALYZE (the demo
    seed does) is dropped instead: SQLite keeps the statistics it gathered in the connection
    after the rollback, and the next test's query plans would follow data it never had."""
    if connection.info.pop("ran_analyze", False):
        connection.invalidate()
    connection.close()


def _bind_session(connection) -> None:
    """The session works inside `connection`'s transaction: its commits release a savepoint."""
    db.session.remove()
    db.session.configure(bind=connection, join_transaction_mode="create_savepoint")


def _unbind_session(engine) -> None:
    db.session.remove()
    db.session.configure(bind=engine, join_transaction_mode="conditional_savepoint")


# The connection of each test module whose tests share data, while that data lives.
_SHARED: dict[str, Connection] = {}


@pytest.fixture(scope="module")
def module_connection(request: pytest.FixtureRequest, app: Flask, engine) -> Iterator:
    """For a module whose tests share data built once (a module-scoped fixture that asks for
    this one and builds in `shared_data`): one transaction for the whole module, rolled back
    after its last test. Each test of the module then runs in a savepoint inside it, rolled
    back after the test, so every test starts from the same shared data and nothing else."""
    connection = engine.connect()
    outer = connection.begin()
    _SHARED[request.module.__name__] = connection
    try:
        yield connection
    finally:
        del _SHARED[request.module.__name__]
        outer.rollback()
        _give_back(connection)


@contextmanager
def shared_data(app: Flask, connection) -> Iterator[None]:
    """Build a module's shared data (in a module-scoped fixture): what is committed inside
    stays in the module's transaction for its tests. Return ids or plain values, not ORM
    objects: each test loads its own from them."""
    _bind_session(connection)
    try:
        with app.app_context():
            yield
            db.session.commit()
    finally:
        _unbind_session(app.extensions["engine"])


@pytest.fixture(autouse=True)
def transaction(request: pytest.FixtureRequest, app: Flask, engine) -> Iterator[None]:
    """Everything a test does, requests included, happens in one transaction rolled back after
    (a savepoint of the module's transaction when the module shares data)."""
    # Every test of such a module, the ones that don't use the shared data too: on SQLite a
    # second connection would wait for the module's write lock.
    shared = _SHARED.get(request.module.__name__)
    connection = shared or engine.connect()
    outer = connection.begin_nested() if shared else connection.begin()
    _bind_session(connection)
    ctx = app.app_context()
    ctx.push()
    for limiter in app.extensions["limiter"]:  # sign-in attempts count afresh in each test
        limiter.reset()
    try:
        yield
    finally:
        ctx.pop()
        db.session.remove()
        outer.rollback()
        if not shared:
            _give_back(connection)
        _unbind_session(engine)


class Clock:
    """The process's clock, standing still where a test puts it (time-machine moves
    `datetime.now`, `date.today` and `time.time` alike, so every module sees the same time)."""

    def __init__(self, traveller, zone: ZoneInfo) -> None:
        self._traveller = traveller
        self._zone = zone

    def set(self, when: date | datetime, hour: int = 9) -> datetime:
        """Stop the clock at `when`: an aware instant as given, a date at `hour` o'clock in
        the organisation's zone. Returns the instant in UTC."""
        if not isinstance(when, datetime):
            when = datetime.combine(when, time(hour), self._zone)
        self._traveller.move_to(when, tick=False)
        return when.astimezone(UTC)


@pytest.fixture
def clock(app: Flask, time_machine) -> Clock:
    """The one way a test sets the date and time. Set it before the test's first request:
    session cookies are signed with the time, and a cookie from the future is refused."""
    return Clock(time_machine, ZoneInfo(app.config["ORG_TIMEZONE"]))


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
# A page every visitor may ask for, signed in or not, which carries a token (the header's
# language form): where a test that reads the token as a browser does reads it.
TOKEN_PAGE = "/page-not-found"


def csrf_token(client: FlaskClient) -> str:
    """The CSRF token of the client's session, as every form of its pages carries it.

    The token is what the app's own `generate_csrf` (Flask-WTF, the function the forms call)
    signs for the session's secret, made here in a request context bound to the client's
    session instead of by rendering a page for it (which cost a whole page after each sign-in);
    a session without a secret is given one, as a page would give it. It is kept on the client
    while the secret stays the same (WTF_CSRF_TIME_LIMIT is None: the token lasts the session);
    a logout or login clears the session, and the next post takes the new secret's token. The
    POST is checked by the app as always: a missing or foreign token is refused
    (tests/test_security.py), and the token a page renders is accepted there too.
    """
    app = client.application
    with client.session_transaction() as session:
        secret = session.get("csrf_token")
        if client.csrf is None or secret is None or client.csrf[0] != secret:
            # the client's session: a new secret is saved into it
            with RequestContext(app, EnvironBuilder(app).get_environ(), session=session):
                # The test's app context is reused, and with it `g`, where the token is cached
                # for a request: neither an earlier token nor this one may be served to another.
                g.pop("csrf_token", None)
                token = generate_csrf()
                g.pop("csrf_token", None)
            client.csrf = (session["csrf_token"], token)
    return client.csrf[1]


def post(client: FlaskClient, path: str, data: dict | None = None, **kwargs):
    """POST a form the way a browser does: with the CSRF token of the session."""
    data = dict(data or {})
    data.setdefault("csrf_token", csrf_token(client))
    return client.post(path, data=data, **kwargs)


def signed_in(client: FlaskClient) -> bool:
    with client.session_transaction() as session:
        return "_user_id" in session


def login(client: FlaskClient, user, password: str | None = None):
    """Sign `user` in on `client`. Whoever is signed in there is signed out first: the login
    page sends a signed-in visitor home without signing anyone in, so a second login on the
    same client would otherwise leave the test reading the first user's pages."""
    from tests.factories import PASSWORD

    if signed_in(client):
        assert post(client, "/logout").status_code == 302
    response = post(client, "/login", {"email": user.email, "password": password or PASSWORD})
    assert response.status_code == 302, response.get_data(as_text=True)
    if response.headers["Location"].startswith("/login/code"):
        response = post(client, "/login/code", {"code": totp_code(user)})
        assert response.status_code == 302, response.get_data(as_text=True)
    assert signed_in(client), f"{user.email} was not signed in"
    return response


def totp_code(user) -> str:
    """The code `user`'s authenticator app shows now. A code is accepted once (its time step is
    kept): the helper forgets the last one, so a test may log the same user in twice a step."""
    import pyotp

    user.totp_last_step = None
    db.session.commit()
    return pyotp.TOTP(user.totp_secret).now()
