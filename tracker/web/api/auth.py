"""Who calls the API: the person whose personal access token the request carries, and no one
else. The session cookie is never read under /api/ (so no cross-site request can act there,
and no CSRF token is asked for), and a token's scope, expiry and revocation apply at every
request.

Guessing tokens is throttled like guessing passwords, in the same store: failed bearer
attempts count against the client address with `LOGIN_RATE_LIMIT_PER_IP`, and each token's
requests against `API_RATE_LIMIT_PER_TOKEN` (`tracker.accounts.throttle`).
"""

from __future__ import annotations

from flask import Flask, current_app, g, request
from flask_babel import gettext as _
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import Forbidden, TooManyRequests, Unauthorized

from tracker import db
from tracker.accounts import throttle
from tracker.accounts.steps import pending_step
from tracker.apitokens import services as tokens
from tracker.apitokens.models import AccessToken
from tracker.web.api.problems import is_api_request


def _bearer() -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _sep, secret = header.partition(" ")
    return secret.strip() if scheme.lower() == "bearer" and secret.strip() else None


def _unauthorized(message: str) -> Unauthorized:
    return Unauthorized(message, www_authenticate=WWWAuthenticate("bearer", {"realm": "api"}))


def _too_many(retry_after: int) -> TooManyRequests:
    return TooManyRequests(_("Too many requests from this address or with this token. Wait, "
                             "then try again."), retry_after=max(retry_after, 1))


def authenticate() -> AccessToken:
    """The token of this request, or the HTTP error that refuses it."""
    address = throttle.client_address()
    blocked = throttle.api_failures_block(address)
    if blocked:
        raise _too_many(blocked)
    secret = _bearer()
    token = tokens.authenticate(secret, db.utcnow()) if secret else None
    if token is None:
        throttle.count_api_failure(address)
        db.session.commit()
        raise _unauthorized(
            _("Send a personal access token: Authorization: Bearer <token>.") if secret is None
            else _("This token is unknown, expired or revoked."))
    db.session.commit()  # its last use
    wait = throttle.api_token_spent(token.id)
    if wait:
        raise _too_many(wait)
    return token


def check_allowed(token: AccessToken) -> None:
    """What the token's person and scope forbid before any view runs (audited as a 403)."""
    if pending_step(token.user) is not None:
        raise Forbidden(_("Sign in on the site first: your account has a step to complete "
                          "(a new password or two-step sign-in)."))
    if not token.allows(request.method):
        raise Forbidden(_("This token may only read."))


def init_app(app: Flask) -> None:
    """Registered before any other hook reads `current_user`: under /api/ the user is the
    token's (Flask-Login reads `g._login_user` before it would look at a cookie)."""

    @app.before_request
    def api_user() -> None:
        if not is_api_request():
            return
        g._login_user = current_app.login_manager.anonymous_user()
        if request.endpoint in PUBLIC_ENDPOINTS:
            return
        token = authenticate()
        g._login_user = token.user
        g.api_token = token
        check_allowed(token)


# The description of the API: readable without a token.
PUBLIC_ENDPOINTS = {"api.openapi"}
