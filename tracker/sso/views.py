"""Single sign-on pages: to the identity service and back (OIDC, CAS), and the LDAP form.

A sign-in that is refused (no account, a deactivated one, an answer that could not be
checked) is recorded and committed, then answered on the login page with the reason; so these
views answer it themselves, as the login page does, rather than through `submit`.
"""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from tracker import db
from tracker.accounts import throttle
from tracker.accounts.forms import LoginForm
from tracker.accounts.models import Provider, User
from tracker.accounts.services import locked_message
from tracker.accounts.throttle import PENDING_PROVIDER, PENDING_SINCE, PENDING_USER
from tracker.accounts.views import SSO_ID_TOKEN, sign_in
from tracker.phones import gateways
from tracker.sso import cas, identities, ldap, oidc, providers
from tracker.sso.forms import LdapLoginForm
from tracker.web.forms import page_has_errors
from tracker.web.navigation import safe_next

bp = Blueprint("sso", __name__)

# Where the person was going, kept across the round trip to the identity service.
NEXT = "sso_next"


def _refused(error: str) -> tuple[str, int]:
    page_has_errors()
    return render_template("accounts/login.html", form=LoginForm(formdata=None), error=error,
                           providers=providers.buttons(), sms=gateways.configured()), 403


def _signed_in(user: User | None, error: str, provider: Provider,
               id_token: str = "") -> Response | tuple[str, int]:
    if user is None:
        db.session.commit()
        return _refused(error)
    target = session.get(NEXT)
    sign_in(user, provider)
    if id_token:
        session[SSO_ID_TOKEN] = id_token
    return redirect(target or url_for("web.home"))


def _leaving() -> None:
    session[NEXT] = safe_next(request.args.get("next"))


@bp.get("/login/oidc")
def oidc_start() -> Response:
    if not oidc.configured():
        abort(404)
    _leaving()
    return oidc.redirect_to_provider()


@bp.get("/login/oidc/callback")
def oidc_callback() -> Response | tuple[str, int]:
    if not oidc.configured():
        abort(404)
    try:
        identity, id_token = oidc.identity_from_callback()
    except oidc.Failed:
        return _refused(_("The identity service's answer could not be checked. Try again."))
    user, error = identities.attempt(identity)
    return _signed_in(user, error, Provider.OIDC, id_token)


@bp.get("/login/cas")
def cas_start() -> Response:
    if not cas.configured():
        abort(404)
    _leaving()
    return redirect(cas.login_url())


@bp.get("/login/cas/callback")
def cas_callback() -> Response | tuple[str, int]:
    if not cas.configured():
        abort(404)
    try:
        identity = cas.validate(request.args.get("ticket", ""))
    except cas.Failed:
        return _refused(_("The identity service's answer could not be checked. Try again."))
    user, error = identities.attempt(identity)
    return _signed_in(user, error, Provider.CAS)


@bp.route("/login/ldap", methods=["GET", "POST"])
def ldap_login() -> Response | tuple[str, int]:
    if not ldap.configured():
        abort(404)
    form = LdapLoginForm()
    error = ""
    if form.validate_on_submit():
        user, error = _ldap_attempt(form.username.data, form.password.data)
        db.session.commit()
        if user is not None and user.has_second_factor:
            target = safe_next(request.args.get("next"))
            session.clear()
            session[PENDING_USER] = user.email
            session[PENDING_SINCE] = db.utcnow().timestamp()
            session[PENDING_PROVIDER] = Provider.LDAP.value
            return redirect(url_for("mfa.code", next=target))
        if user is not None:
            target = safe_next(request.args.get("next"))
            sign_in(user, Provider.LDAP)
            return redirect(target or url_for("web.home"))
    if error:
        page_has_errors()
    # A refused password answers 401, so the sign-in limiter counts it (accounts.throttle).
    return render_template("sso/ldap_login.html", form=form, error=error), (
        401 if error else 400 if form.errors else 200)


def _ldap_attempt(username: str, password: str) -> tuple[User | None, str]:
    """The account of a directory username and password, or None and the reason to show.
    Failures count per username towards a lock, as unknown e-mails do."""
    name = "ldap:" + username.strip().lower()
    if throttle.unknown_email_locked(name):
        identities.record_failed_attempt(name, Provider.LDAP, "locked")
        return None, locked_message()
    try:
        identity = ldap.authenticate(username, password)
    except ldap.Unavailable:
        return None, _("The directory did not answer. Try again in a few minutes.")
    if identity is None:
        throttle.count_unknown_failure(name)
        identities.record_failed_attempt(name, Provider.LDAP, "wrong_password")
        return None, _("Wrong username or password.")
    return identities.attempt(identity, ldap.group_roles(), password_typed=True)
