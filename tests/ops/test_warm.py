"""A served worker compiles the statements of the home pages and the overdue list before its
first request (tracker/web/warm.py, called by gunicorn.conf.py): a page's first request in a
worker then compiles none of them, for each kind of account, whoever is signed in."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlsplit

from tests.conftest import login
from tests.factories import make_institute, make_project, make_user
from tracker import db
from tracker.accounts.models import Role, User
from tracker.milestones.models import Milestone
from tracker.projects.lifecycle import Phase
from tracker.web.warm import warm_statements


def _viewers() -> list[User]:
    director = make_user(name="Director")
    institute = make_institute(director=director)
    pm = make_user(Role.PROJECT_MANAGER)
    project = make_project(pm=pm, institute=institute, phase=Phase.CONTRACT_RESEARCH)
    db.session.add(Milestone(project=project, phase=Phase.CONTRACT_RESEARCH, title="Late",
                             due_date=date.today() - timedelta(days=20)))
    db.session.flush()
    return [make_user(Role.HQ_ADMIN), pm, director, make_user(Role.EVALUATOR),
            make_user(Role.OBSERVER), make_user(Role.INVESTMENT_COMMITTEE)]


def test_the_first_home_page_and_overdue_list_compile_no_statement(app, engine, monkeypatch):
    viewers = _viewers()
    cache = engine._compiled_cache
    cache.clear()
    with monkeypatch.context() as production:
        # As in production, where only BASE_URL's host is served (config.ProductionConfig):
        # the test client's "localhost" is refused there, and so was every page of the warm-up.
        production.setitem(app.config, "TRUSTED_HOSTS",
                           [urlsplit(app.config["BASE_URL"]).hostname])
        assert warm_statements(app)
    warmed = len(cache)
    assert warmed > 30  # the session's, and every list of each account's home page
    for user in viewers:
        client = app.test_client()
        login(client, user)
        before = set(cache.keys())
        assert client.get("/").status_code == 200
        if Milestone.can_list_overdue(user):
            assert client.get("/milestones/overdue").status_code == 200
        compiled = [cache[key].string[:300] for key in cache.keys() if key not in before]
        assert not compiled, (sorted(user.roles), compiled)


def test_warming_writes_nothing(app):
    assert warm_statements(app)
    assert not db.session.new and not db.session.dirty
    assert db.session.get(User, 0) is None
