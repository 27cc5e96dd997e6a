"""What every signed-in request costs before its page does anything: its session, user,
roles and the settings in one statement; the rows read once per transaction
(`db.cached`) read again once they may have changed; pooled PostgreSQL connections pinged only
after being idle."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from tests.conftest import PG_URL, login
from tests.factories import install_gates, make_institute, make_project, make_user
from tests.test_query_counts import counting, page_statements
from tracker import db
from tracker.accounts.models import Role
from tracker.gates import services as gates
from tracker.gates.models import GateTemplate
from tracker.milestones.models import Milestone, MilestoneState
from tracker.projects.lifecycle import Phase
from tracker.projects.models import ProjectMember
from tracker.reminders import scheduler
from tracker.settings import catalogue
from tracker.settings import services as settings
from tracker.settings.models import SettingValue


def _viewers():
    director = make_user(name="Director")
    make_institute(director=director)
    return [make_user(Role.PROJECT_MANAGER), make_user(Role.HQ_ADMIN), director,
            make_user(Role.EVALUATOR, Role.OBSERVER)]


@pytest.mark.parametrize("viewer", range(4))
def test_a_signed_in_request_costs_one_statement(app, engine, viewer):
    """A page that reads nothing of its own (the error page of an unknown address, with the
    menu for the viewer's roles) runs the fixed cost of every request: one statement for the
    session, its user, their roles, directed institutes and liaised centres, and every
    setting."""
    user = _viewers()[viewer]
    client = app.test_client()
    login(client, user)
    db.session.expire_all()
    with counting(engine) as statements:
        assert client.get("/no-such-page").status_code == 404
    statements = [" ".join(s.split()) for s in statements if "SAVEPOINT" not in s]
    assert len(statements) == 1, statements
    assert "FROM user_sessions" in statements[0] and "role_grants" in statements[0] \
        and "institutes" in statements[0] and "FROM setting_values" in statements[0]


def test_the_settings_a_request_brings_along_are_those_set(app, engine):
    """The settings read with the session are the values HQ set, as a read of their own
    would give: a session idle longer than HQ's shorter timeout has ended."""
    user = make_user(Role.PROJECT_MANAGER)
    settings.set_value(make_user(Role.HQ_ADMIN), catalogue.SESSION_LIFETIME_HOURS, "2")
    settings.set_value(make_user(Role.HQ_ADMIN), catalogue.SESSION_IDLE_MINUTES, "5")
    client = app.test_client()
    login(client, user)
    assert client.get("/").status_code == 200
    db.forget_cached()
    with counting(engine) as statements:
        assert client.get("/no-such-page").status_code == 404
    assert not [s for s in statements if "setting_values" in s and "user_sessions" not in s]
    assert settings.get(catalogue.SESSION_IDLE_MINUTES) == 5
    assert settings.get(catalogue.SESSION_LIFETIME_HOURS) == 2
    db.session.execute(text("UPDATE user_sessions SET last_seen_at = :at"),
                       {"at": db.utcnow() - timedelta(minutes=6)})
    response = client.get("/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def _reads(engine, action) -> tuple[object, int]:
    with counting(engine) as statements:
        result = action()
    return result, len([s for s in statements if "setting_values" in s])


def test_settings_are_read_once_and_again_after_a_change(engine):
    db.forget_cached()
    idle = catalogue.SESSION_IDLE_MINUTES
    first, reads = _reads(engine, lambda: [settings.get(idle),
                                          settings.get(catalogue.SESSION_LIFETIME_HOURS)])
    assert reads == 1 and first[0] == catalogue.CATALOGUE[idle].default
    assert _reads(engine, lambda: settings.get(idle))[1] == 0
    settings.set_value(make_user(Role.HQ_ADMIN), idle, "45")
    assert _reads(engine, lambda: settings.get(idle)) == (45, 1)
    # A write the ORM does not track (an UPDATE statement) is seen too.
    db.session.execute(SettingValue.__table__.update().where(SettingValue.key == idle)
                       .values(value="50"))
    assert _reads(engine, lambda: settings.get(idle)) == (50, 1)
    # So is a row added and flushed by hand, and anything after the transaction ends.
    db.session.add(SettingValue(key=catalogue.SESSION_LIFETIME_HOURS, value="10"))
    db.session.flush()
    assert _reads(engine, lambda: settings.get(catalogue.SESSION_LIFETIME_HOURS)) == (10, 1)
    db.session.commit()
    assert _reads(engine, lambda: settings.get(idle)) == (50, 1)


def test_gate_templates_are_read_once_and_again_when_they_change(engine):
    db.forget_cached()
    assert gates.find_template(1) is None  # none configured yet: remembered as none
    install_gates()  # adds them: the next read sees them
    with counting(engine) as statements:
        templates = [gates.find_template(gate) for gate in (1, 2, 3, 4, 1)]
    assert [t.gate for t in templates] == [1, 2, 3, 4, 1]
    assert len([s for s in statements if "FROM gate_templates" in s]) == 1
    templates[1].review_days = 17
    db.session.flush()
    assert gates.find_template(2).review_days == 17
    db.session.delete(templates[3])
    db.session.flush()
    assert gates.find_template(4) is None
    assert db.session.scalar(select(GateTemplate.review_days).where(GateTemplate.gate == 2)) == 17


pg_only = pytest.mark.skipif(not PG_URL, reason="the pool pings PostgreSQL connections")


def _terminate(engine) -> None:
    """Close the pooled connection's backend from another connection, as a server restart or
    an idle timeout would."""
    with engine.connect() as conn:
        pid = conn.scalar(text("SELECT pg_backend_pid()"))
    other = create_engine(PG_URL)
    with other.connect() as conn:
        conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    other.dispose()


@pg_only
def test_an_idle_pooled_connection_closed_by_the_server_is_replaced():
    engine = create_engine(PG_URL, pool_size=1)
    db.ping_when_idle(engine, idle=0)  # every connection counts as idle
    try:
        _terminate(engine)
        with engine.connect() as conn:
            assert conn.scalar(text("SELECT 1")) == 1
    finally:
        engine.dispose()


@pg_only
def test_a_connection_used_a_moment_ago_is_not_pinged():
    """The round trip a ping costs is saved on a busy server; the proof: a connection closed
    under it is not noticed before use (the request then fails, and the pool is renewed)."""
    engine = create_engine(PG_URL, pool_size=1)
    db.ping_when_idle(engine, idle=3600)
    try:
        _terminate(engine)
        with pytest.raises(Exception, match="terminat|closed|server"), engine.connect() as conn:
            conn.scalar(text("SELECT 1"))
        with engine.connect() as conn:  # the pool opened a new one
            assert conn.scalar(text("SELECT 1")) == 1
    finally:
        engine.dispose()


@pg_only
def test_the_app_s_connections_compile_no_query_to_machine_code(engine):
    """PostgreSQL's JIT compiled the dashboard's needs statement first, since its estimated
    cost passed `jit_above_cost`: a second of compiling for 10 ms of work (`db.make_engine`)."""
    with engine.connect() as conn:
        assert conn.scalar(text("SHOW jit")) == "off"


@pg_only
def test_connections_outside_the_app_compile_no_query_to_machine_code(engine):
    """The migrations' ANALYZE, a backup's counts and the scheduler's lock open engines of
    their own (`db.plain_engine`): no JIT there either."""
    url = engine.url.render_as_string(hide_password=False)
    for made in (db.plain_engine(url), scheduler.lock_engine(url, 30)):
        try:
            with made.connect() as conn:
                assert conn.scalar(text("SHOW jit")) == "off"
        finally:
            made.dispose()


def test_every_engine_is_made_in_tracker_engines():
    """An engine made elsewhere would miss the connection options above."""
    root = Path(db.__file__).parent
    makers = [path.relative_to(root).as_posix() for path in root.rglob("*.py")
              if "create_engine(" in path.read_text(encoding="utf-8")]
    assert makers == ["engines.py"]


def test_a_home_list_brings_its_projects_and_people_with_its_rows(app, engine):
    """A director's home: places on their institute's teams waiting for confirmation, with
    each member and project and its PM, and the institute's overdue milestones with their
    projects, read in one statement a list (joined), whether the lists are empty or not."""
    director = make_user()
    institute = make_institute(director=director)
    client = app.test_client()
    login(client, director)
    empty = page_statements(client, engine, "/")
    project = make_project(pm=make_user(Role.PROJECT_MANAGER), institute=institute,
                           phase=Phase.CONTRACT_RESEARCH)
    for n in range(3):
        db.session.add(ProjectMember(project_id=project.id, user_id=make_user().id,
                                     role="Engineer"))
        db.session.add(Milestone(project_id=project.id, phase=Phase.CONTRACT_RESEARCH,
                                 title=f"Step {n}", due_date=date.today() - timedelta(days=9),
                                 state=MilestoneState.IN_PROGRESS))
    db.session.commit()
    page = client.get("/").get_data(as_text=True)
    assert "Step 2" in page and project.code in page
    assert len(page_statements(client, engine, "/")) == len(empty)
