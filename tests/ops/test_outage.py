"""The database goes down under a signed-in user and comes back (issue 19, point 4).

On PostgreSQL the app reaches the database through a TCP proxy the test stops (open
connections cut, new ones refused) and starts again; on SQLite the database's folder is moved
away and the pool emptied, so the next connection can't open the file. While it is down every
page answers a 503 in the user's language with Retry-After, built without the database, and
each failed request leaves one log line; once it is back the same browser is served again
without a restart.
"""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from sqlalchemy.engine import make_url

from tests.conftest import PG_URL, EnglishClient, _pg_admin, copy_of_head, head_template, login
from tests.factories import make_user
from tests.ops.proxy import TcpProxy
from tracker import create_app, db
from tracker.logs import JsonFormatter


def _app(url: str) -> Flask:
    app = create_app("test", DATABASE_URL=url)
    app.testing = False  # as in production: an error is a page, never raised to the caller
    app.test_client_class = EnglishClient
    db.session.remove()
    db.session.configure(bind=app.extensions["engine"])
    return app


@pytest.fixture(scope="module")
def pg_database(app: Flask) -> Iterator[str | None]:
    """PostgreSQL: a database of this module's at head (a copy of the suite's as the
    migrations left it)."""
    if not PG_URL:
        yield None
        return
    base = make_url(PG_URL)
    name = f"{base.database}_outage"
    admin = _pg_admin(PG_URL)
    copy_of_head(base.set(database=name).render_as_string(hide_password=False))
    yield name
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@pytest.fixture
def outage(app: Flask, tmp_path: Path, pg_database: str | None
           ) -> Iterator[tuple[str, Callable, Callable]]:
    """(database URL, take it down, bring it back)."""
    if pg_database:
        base = make_url(PG_URL)
        proxy = TcpProxy((base.host or "127.0.0.1", base.port or 5432)).start()
        url = base.set(database=pg_database, host="127.0.0.1", port=proxy.port
                       ).render_as_string(hide_password=False)
        try:
            yield url, proxy.stop, proxy.start
        finally:
            proxy.stop()
            db.session.remove()
        return
    folder = tmp_path / "data"
    folder.mkdir()
    shutil.copy(head_template(), folder / "tracker.db")
    url = f"sqlite:///{folder / 'tracker.db'}"

    def down() -> None:
        # (The test then empties the pool: the file's open handles would go on working.)
        folder.rename(tmp_path / "away")

    def up() -> None:
        (tmp_path / "away").rename(folder)

    yield url, down, up
    db.session.remove()


def test_pages_answer_a_translated_503_while_the_database_is_down_then_recover(
        outage, caplog):
    url, down, up = outage
    application = _app(url)
    user = make_user(locale="zh_CN")
    client = application.test_client()
    login(client, user)
    assert client.get("/").status_code == 200

    down()
    if not PG_URL:
        application.extensions["engine"].dispose()
    for attempt in range(3):  # the cut connection, then refused new ones
        caplog.clear()
        with caplog.at_level(logging.INFO):
            response = client.get("/", headers={"X-Request-ID": f"outage-test-{attempt:04d}"},
                                  buffered=True)  # closed at once, as a server does
        page = response.get_data(as_text=True)
        assert response.status_code == 503, page
        assert response.headers["Retry-After"] == "30"
        assert "暂时无法使用" in page and "Temporarily unavailable" not in page
        assert f"outage-test-{attempt:04d}" in page  # the request id, to quote
        # One line for the failed request, no traceback: the request's own line.
        lines = [r for r in caplog.records if r.levelno >= logging.INFO]
        assert [r.name for r in lines] == ["tracker.request"], [r.getMessage() for r in lines]
        line = json.loads(JsonFormatter().format(lines[0]))
        assert line["status"] == 503 and line["request_id"] == f"outage-test-{attempt:04d}"
        assert line["error"].startswith("database unavailable: OperationalError")
        assert not lines[0].exc_info
    health = client.get("/healthz")
    assert health.status_code == 503 and health.get_json()["database"] == "unreachable"

    up()
    response = client.get("/")
    assert response.status_code == 200  # the same session, served again: no restart needed
    assert client.get("/healthz").get_json()["database"] == "reachable"
    application.extensions["engine"].dispose()


def test_the_api_answers_a_problem_document_with_retry_after(outage):
    url, down, up = outage
    application = _app(url)
    down()
    application.extensions["engine"].dispose()
    response = application.test_client().get(
        "/api/v1/projects",
        headers={"Accept-Language": "en", "Authorization": "Bearer trk_" + "x" * 40})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert response.get_json()["title"] == "Temporarily unavailable"
    up()
    application.extensions["engine"].dispose()
