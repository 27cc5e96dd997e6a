"""Personal access tokens: made on the account page and shown once, kept hashed, scoped,
expiring, revoked by their owner or HQ, audited, throttled like sign-ins; the API reads no
cookie and asks for no CSRF token."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from tests.api.helpers import bearer, token_for
from tests.conftest import login, post
from tests.factories import PASSWORD, make_user
from tracker import db
from tracker.accounts import services
from tracker.accounts.models import Role
from tracker.apitokens.models import AccessToken, TokenScope
from tracker.audit.models import AuditRecord
from tracker.tokens import token_hash


def test_a_token_is_made_on_the_account_page_shown_once_and_kept_hashed(client):
    user = make_user(Role.PROJECT_MANAGER)
    login(client, user)
    page = client.get("/account/tokens")
    once = re.search(r'name="once"[^>]*value="([^"]+)"', page.get_data(as_text=True)).group(1)
    response = post(client, "/account/tokens", {"name": "Lab notebook", "scope": "write",
                                                "days": "30", "once": once})
    assert response.status_code == 200
    secret = re.search(r"(trk_[\w-]{40,})", response.get_data(as_text=True)).group(1)
    token = db.session.scalar(select(AccessToken).where(AccessToken.user_id == user.id))
    assert token.token_hash == token_hash(secret) and secret not in str(vars(token))
    assert token.scope is TokenScope.WRITE
    assert secret not in client.get("/account/tokens").get_data(as_text=True)
    record = db.session.scalar(select(AuditRecord).where(AuditRecord.action == "token.create"))
    assert record.actor_id == user.id and secret not in str(record.changes)
    assert client.get("/api/v1/me", headers=bearer(secret)).json["name"] == user.name


def test_the_token_page_speaks_chinese(client):
    user = make_user(Role.PROJECT_MANAGER, locale="zh_CN")
    login(client, user)
    assert "API 令牌" in client.get("/account/tokens").get_data(as_text=True)


def test_no_token_no_cookie_and_no_csrf_on_the_api(client):
    user = make_user(Role.PROJECT_MANAGER)
    login(client, user)  # a browser's session cookie opens nothing under /api/
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"].lower().startswith("bearer")
    assert response.json["status"] == 401 and response.json["title"] == "Not signed in"
    # A POST with a token and without a CSRF token reaches the view (404: no such milestone).
    secret = token_for(user)
    assert client.post("/api/v1/milestones/999999/submit",
                       headers=bearer(secret, **{"If-Match": "x"})).status_code == 404


def test_problems_speak_the_callers_language(client):
    response = client.get("/api/v1/me", headers={"Accept-Language": "zh-CN"})
    assert response.status_code == 401
    assert response.json["title"] == "未登录"


def test_a_read_token_changes_nothing_and_the_refusal_is_audited(client):
    user = make_user(Role.PROJECT_MANAGER)
    secret = token_for(user, TokenScope.READ)
    assert client.get("/api/v1/me", headers=bearer(secret)).json["token_scope"] == "read"
    response = client.post("/api/v1/milestones/1/submit", headers=bearer(secret))
    assert response.status_code == 403 and "only read" in response.json["detail"]
    denied = db.session.scalar(select(AuditRecord).where(AuditRecord.action == "access.denied"))
    assert denied.actor_id == user.id


def test_expired_and_revoked_tokens_open_nothing(client, clock):
    clock.set(db.utcnow().date())
    user = make_user(Role.PROJECT_MANAGER)
    hq = make_user(Role.HQ_ADMIN)
    expiring, revoked_by_hq = token_for(user, days=7), token_for(user)
    assert client.get("/api/v1/me", headers=bearer(expiring)).status_code == 200
    clock.set(db.utcnow() + timedelta(days=8))
    assert client.get("/api/v1/me", headers=bearer(expiring)).status_code == 401
    token = db.session.scalar(select(AccessToken).where(
        AccessToken.token_hash == token_hash(revoked_by_hq)))
    login(client, hq)
    assert token.prefix in client.get("/admin/tokens").get_data(as_text=True)
    assert post(client, f"/tokens/{token.id}/revoke").status_code == 302
    assert db.session.get(AccessToken, token.id).revoked_by_id == hq.id
    assert client.get("/api/v1/me", headers=bearer(revoked_by_hq)).status_code == 401
    assert db.session.scalar(select(AuditRecord).where(AuditRecord.action == "token.revoke"))


def test_an_expired_token_is_not_offered_revoking_nor_revoked(client, clock):
    """The page offered Revoke by its own reading of the dates and the service refused only a
    revoked token: an expired one, shown 'Expired' with no button, was still revoked by a
    POST. One `revoke_refusal` answers both now."""
    clock.set(db.utcnow().date())
    user = make_user(Role.PROJECT_MANAGER)
    token_for(user, days=7)
    token = db.session.scalar(select(AccessToken).where(AccessToken.user_id == user.id))
    login(client, user)
    assert f"/tokens/{token.id}/revoke" in client.get("/account/tokens").get_data(as_text=True)
    clock.set(db.utcnow() + timedelta(days=8))
    login(client, user)  # the session ended meanwhile
    page = client.get("/account/tokens").get_data(as_text=True)
    assert "Expired" in page and f"/tokens/{token.id}/revoke" not in page
    response = post(client, f"/tokens/{token.id}/revoke")
    assert response.status_code == 409 and "expired on" in response.get_data(as_text=True)
    assert db.session.get(AccessToken, token.id).revoked_at is None


def test_only_the_owner_or_hq_revokes(client):
    owner, other = make_user(Role.PROJECT_MANAGER), make_user(Role.PROJECT_MANAGER)
    token_for(owner)
    token = db.session.scalar(select(AccessToken).where(AccessToken.user_id == owner.id))
    login(client, other)
    assert post(client, f"/tokens/{token.id}/revoke").status_code == 404
    assert client.get("/admin/tokens").status_code == 403
    assert db.session.get(AccessToken, token.id).revoked_at is None


def test_guessing_tokens_is_throttled_like_passwords(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "LOGIN_RATE_LIMIT_PER_IP", "5 per 15 minutes")
    for _ in range(5):
        assert client.get("/api/v1/me", headers=bearer("trk_guess")).status_code == 401
    response = client.get("/api/v1/me", headers=bearer("trk_guess"))
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0
    assert response.mimetype == "application/problem+json"


def test_each_token_has_its_own_request_budget(app, client, monkeypatch):
    user = make_user(Role.PROJECT_MANAGER)
    secret = token_for(user)
    monkeypatch.setitem(app.config, "API_RATE_LIMIT_PER_TOKEN", "3 per minute")
    codes = [client.get("/api/v1/me", headers=bearer(secret)).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


def test_hq_recovering_an_account_revokes_its_tokens_and_its_owner_keeps_them(client):
    """A token made by whoever had taken over an account must not outlive HQ's recovery of it
    (a password reset, a second factor reset, a deactivation), as the sessions do not; the
    owner's own password change keeps their tools working (their tokens are listed on the
    token page to revoke)."""
    hq = make_user(Role.HQ_ADMIN)
    login(client, hq)
    for step in ("password", "mfa", "deactivate"):
        user = make_user(Role.PROJECT_MANAGER, Role.INVESTMENT_COMMITTEE)
        secret = token_for(user)
        assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 200
        if step == "password":
            assert post(client, f"/admin/users/{user.id}/password",
                        {"reset-password": "a long new passphrase 42"}).status_code == 302
        elif step == "mfa":
            assert post(client, f"/admin/users/{user.id}/mfa/reset").status_code == 302
        else:
            services.update_user(hq, user, email=user.email, name=user.name,
                                 roles=[r.value for r in user.roles], locale="en",
                                 institute_id=None, enterprise_id=None, active=False)
            db.session.commit()
        token = db.session.scalar(select(AccessToken).where(AccessToken.user_id == user.id))
        assert token.revoked_by_id == hq.id, step
        assert db.session.scalar(select(AuditRecord).where(
            AuditRecord.action == "token.revoke", AuditRecord.object_id == token.id)).actor_id \
            == hq.id
        assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 401
    owner = make_user(Role.PROJECT_MANAGER)
    secret = token_for(owner)
    services.change_password(owner, PASSWORD, "another long passphrase 7")
    db.session.commit()
    assert client.get("/api/v1/me", headers=bearer(secret)).status_code == 200


def test_the_api_sets_no_cookie_and_answers_no_cross_site_preflight(client):
    user = make_user(Role.PROJECT_MANAGER)
    secret = token_for(user)
    login(client, user)
    response = client.get("/api/v1/me", headers=bearer(secret))
    assert response.status_code == 200 and "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"
    preflight = client.options("/api/v1/milestones/1/submit", headers={
        "Origin": "https://elsewhere.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization"})
    assert "Access-Control-Allow-Origin" not in preflight.headers
