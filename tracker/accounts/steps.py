"""What a signed-in person must do before anything else opens.

An HQ admin's password is replaced by its owner first (ASVS 2.1.x: an initial password is
known to two people); then HQ admins and the investment committee enrol a second factor
(accounts.mfa). Every other page redirects to the step until it is done; logging out,
changing the language and the step's own page stay open.
"""

from __future__ import annotations

from flask import Flask, redirect, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from tracker.accounts.models import Provider

ALWAYS_OPEN = {"static", "auth.logout", "auth.login", "mfa.code", "web.set_language",
               "web.healthz", "metrics.scrape"}


def pending_step(user) -> str | None:
    """The endpoint of the step `user` must take now, or None.

    Only a session opened with a local password has these steps: its password is the one an
    admin set, and its second factor is the app. An LDAP sign-in types a password here too, so
    the enrolment applies to it; a session opened by OIDC or CAS was authenticated by the
    organisation's identity service, whose own rules (and second factor) apply."""
    provider = user.session_provider
    if user.must_change_password and provider is None:
        return "auth.account"
    if user.mfa_required and not user.mfa_enabled and provider in (None, Provider.LDAP):
        return "mfa.setup"
    return None


def init_app(app: Flask) -> None:
    @app.before_request
    def lead_to_pending_step() -> Response | None:
        if request.endpoint in ALWAYS_OPEN or not current_user.is_authenticated:
            return None
        step = pending_step(current_user)
        if step is None or request.endpoint == step:
            return None
        return redirect(url_for(step))
