"""An unexpected error: the debugger's traceback in development and in tests, a page in the
user's language in production."""

from __future__ import annotations

import pytest
from flask import Flask

from tracker import create_app

# The error handlers of apps of its own, which serve no query: run once (pyproject.toml).
pytestmark = pytest.mark.no_db


def _app_that_fails(**overrides) -> Flask:
    app = create_app("test", **overrides)

    @app.get("/fails")
    def fails():
        raise RuntimeError("a bug")

    return app


def test_production_shows_the_error_page():
    app = _app_that_fails()
    app.testing = False  # as in production, without rebinding the test's database session
    response = app.test_client().get("/fails", headers={"Accept-Language": "en"})
    assert response.status_code == 500
    assert "Something went wrong" in response.get_data(as_text=True)


@pytest.mark.parametrize("flag", ["debug", "testing"])
def test_development_and_tests_see_the_exception(flag):
    app = _app_that_fails()
    app.testing = False
    setattr(app, flag, True)
    # It reaches the caller: the Werkzeug debugger in `make run`, pytest's report in a test.
    with pytest.raises(RuntimeError, match="a bug"):
        app.test_client().get("/fails")


def test_the_suite_fails_a_page_with_an_id_used_twice():
    from tests.conftest import ids_are_unique

    app = Flask(__name__)
    app.after_request(ids_are_unique)
    app.add_url_rule("/twice", "twice", lambda: '<p id="a">x</p><input id="b"><div id="a">')
    app.add_url_rule("/once", "once", lambda: '<p id="a">id="a"</p><label for="a">')
    app.testing = True
    assert app.test_client().get("/once").status_code == 200
    with pytest.raises(AssertionError, match=r"on /twice: \['a'\]"):
        app.test_client().get("/twice")
