"""Sessions end by time (idle and absolute, as settings), are re-issued at login, are kept only
as hashes, and what a signed-in person sees is never cached."""

from __future__ import annotations

import hashlib
import io
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text

from tests.conftest import CSRF_RE, login, post
from tests.factories import PASSWORD, install_gates, make_user
from tracker import db
from tracker.accounts.models import Role
from tracker.settings import catalogue
from tracker.settings import services as settings

T0 = datetime(2026, 6, 1, 1, 0, tzinfo=UTC)


def _signed_in(client) -> bool:
    return client.get("/").status_code == 200


def test_a_session_unused_for_thirty_minutes_ends(client, clock):
    clock.set(T0)
    login(client, make_user())
    clock.set(T0 + timedelta(minutes=29))
    assert _signed_in(client)
    clock.set(T0 + timedelta(minutes=29 + 30, seconds=30))
    answer = client.get("/")
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/login")
    assert "Your session ended" in client.get("/login").get_data(as_text=True)
    # Logging in again works, and the old cookie stays dead.
    login(client, make_user())


def test_a_session_in_use_ends_twelve_hours_after_its_login(client, clock):
    clock.set(T0)
    login(client, make_user())
    for minutes in range(20, 12 * 60, 20):  # a request every 20 minutes: never idle
        clock.set(T0 + timedelta(minutes=minutes))
        assert _signed_in(client), minutes
    clock.set(T0 + timedelta(hours=12, minutes=1))
    assert not _signed_in(client)


def test_the_timeouts_are_settings(client, clock):
    admin = make_user(Role.HQ_ADMIN)
    settings.set_value(admin, catalogue.SESSION_IDLE_MINUTES, "5")
    settings.set_value(admin, catalogue.SESSION_LIFETIME_HOURS, "1")
    db.session.commit()
    clock.set(T0)
    login(client, make_user())
    clock.set(T0 + timedelta(minutes=4))
    assert _signed_in(client)
    clock.set(T0 + timedelta(minutes=10))
    assert not _signed_in(client)
    login(client, make_user())  # at minute 10: the lifetime ends at minute 70
    for minutes in range(14, 70, 4):
        clock.set(T0 + timedelta(minutes=minutes))
        assert _signed_in(client), minutes
    clock.set(T0 + timedelta(minutes=71))
    assert not _signed_in(client)


def test_a_csrf_token_from_before_the_login_is_refused_after_it(client):
    user = make_user()
    before = CSRF_RE.search(client.get("/login").get_data(as_text=True)).group(1)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD,
                                           "csrf_token": before})
    assert response.status_code == 302
    refused = client.post("/logout", data={"csrf_token": before})
    assert refused.status_code == 400
    assert _signed_in(client)
    after = CSRF_RE.search(client.get("/account").get_data(as_text=True)).group(1)
    assert after != before
    assert client.post("/logout", data={"csrf_token": after}).status_code == 302


def test_the_session_cookie_is_new_at_login(client):
    user = make_user()
    client.get("/login")
    before = client.get_cookie("session").value
    login(client, user)
    assert client.get_cookie("session").value != before


def _token_of(client) -> str:
    with client.session_transaction() as session:
        return session["_user_id"]


def test_session_tokens_are_stored_only_as_hashes(client, app):
    user = make_user()
    login(client, user)
    other = app.test_client()
    login(other, user)
    tokens = {_token_of(client), _token_of(other)}
    rows = db.session.execute(text(
        "SELECT token_hash FROM user_sessions WHERE user_id = :id"), {"id": user.id}).scalars()
    assert set(rows) == {hashlib.sha256(t.encode()).hexdigest() for t in tokens}
    users_row = db.session.execute(text("SELECT * FROM users WHERE id = :id"),
                                   {"id": user.id}).one()
    assert not any(t in str(value) for t in tokens for value in users_row)


def test_two_browsers_have_sessions_of_their_own(client, app):
    user = make_user()
    login(client, user)
    other = app.test_client()
    login(other, user)
    post(client, "/logout")
    assert not _signed_in(client)
    assert _signed_in(other)  # logging out here does not log out the other browser


def test_logged_in_pages_and_downloads_are_not_cached(client):
    from tests.milestones.test_milestones import PNG, in_research, plan
    from tracker.milestones import services as milestones

    assert "no-store" not in client.get("/login").headers.get("Cache-Control", "")
    install_gates()
    project = in_research()
    milestone = plan(project)
    milestones.post_update(project.pm, milestone, 50, "", [(io.BytesIO(PNG), "evidence.png")])
    db.session.commit()
    login(client, project.pm)
    assert client.get("/").headers["Cache-Control"] == "no-store"
    assert client.get(f"/projects/{project.id}").headers["Cache-Control"] == "no-store"
    file_id = milestone.updates[0].evidence[0].file_id
    download = client.get(f"/files/{file_id}")
    assert download.status_code == 200
    assert download.headers["Cache-Control"] == "no-store"
    assert "no-store" not in client.get("/static/css/app.css").headers.get("Cache-Control", "")


def test_uploads_are_private_to_the_apps_user(app):
    from tests.milestones.test_milestones import PNG
    from tracker.files import services as files

    stored = files.store(make_user(), io.BytesIO(PNG), "evidence.png")
    path = Path(app.config["UPLOAD_DIR"]) / stored.storage_name
    root = Path(app.config["UPLOAD_DIR"])
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(root.stat().st_mode) == 0o700
