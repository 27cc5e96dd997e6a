"""The second factor's pages: the code at login, enrolment, recovery codes, turning it off.

An HQ admin's reset is on the user's page (accounts.views)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from tracker import db
from tracker.accounts import mfa, services
from tracker.accounts.forms import CodeForm
from tracker.accounts.models import Provider, User
from tracker.accounts.throttle import (
    PENDING_PROVIDER,
    PENDING_SINCE,
    PENDING_USER,
    client_address,
)
from tracker.accounts.views import sign_in
from tracker.phones import gateways
from tracker.phones import services as phones
from tracker.web.actions import press
from tracker.web.navigation import safe_next
from tracker.web.permissions import acting_user

bp = Blueprint("mfa", __name__)

# Between the right password and the code: after this, the password is asked again.
PENDING_SECONDS = 5 * 60


def _pending_user() -> User | None:
    email, since = session.get(PENDING_USER), session.get(PENDING_SINCE, 0)
    if email is None or db.utcnow().timestamp() - since > PENDING_SECONDS:
        return None
    return services.find_by_email(email)


@bp.route("/login/code", methods=["GET", "POST"])
def code() -> str | Response | tuple[str, int]:
    user = _pending_user()
    if user is None:
        session.pop(PENDING_USER, None)
        return redirect(url_for("auth.login"))
    form = CodeForm()
    error = ""
    if form.validate_on_submit():
        # As the login page: a failure is recorded, and must be committed like a success.
        error = services.attempt_second_factor(user, form.code.data)
        db.session.commit()
        if not error:
            provider = session.get(PENDING_PROVIDER)
            sign_in(user, Provider(provider) if provider else None)
            return redirect(safe_next(request.args.get("next")) or url_for("web.home"))
    return _code_page(user, form, error), (401 if error else 200)


def _code_page(user: User, form: CodeForm, error: str = "") -> str:
    if not user.mfa_enabled:  # a texted code is their only second step
        form.code.description = _("The six digits of the text message.")
    return render_template("accounts/mfa_code.html", form=form, error=error,
                           can_text=user.phone is not None and gateways.configured(),
                           app_too=user.mfa_enabled)


@bp.post("/login/code/text")
def text_code() -> Response | str | tuple[str, int]:
    """Text a code to the bound phone of the sign-in waiting for its second step."""
    user = _pending_user()
    if user is None:
        return redirect(url_for("auth.login"))
    return press(lambda: phones.send_sign_in_code(user, client_address()),
                 lambda sent: _("A code was texted to your mobile number ending %(end)s.",
                                end=user.phone[-4:]),
                 url_for("mfa.code", next=request.args.get("next")),
                 lambda: _code_page(user, CodeForm(formdata=None)))



def _status_page(codes: list[str] | None = None) -> str:
    return render_template("accounts/mfa.html", user=acting_user(), codes=codes)


@bp.route("/account/mfa", methods=["GET", "POST"])
@login_required
def setup() -> str | tuple[str, int]:
    user = acting_user()
    if user.mfa_enabled:
        return _status_page()
    if user.totp_secret is None:
        user.totp_secret = mfa.new_secret()  # not in force until a code confirms it
        db.session.commit()
    form = CodeForm()
    if form.validate_on_submit():
        if mfa.shows(user.totp_secret, form.code.data):
            # Shown on this answer only, never stored: not a redirect.
            codes = mfa.enable(user, user.totp_secret, form.code.data)
            db.session.commit()
            flash(_("Two-step sign-in is on."), "success")
            return _status_page(codes)
        form.code.errors.append(mfa.wrong_enrolment_code())
    return render_template("accounts/mfa_setup.html", form=form, secret=user.totp_secret,
                           qr=mfa.qr_code_svg(user, user.totp_secret)), (
        400 if form.errors else 200)


@bp.post("/account/mfa/recovery-codes")
@login_required
def recovery_codes() -> str:
    codes = mfa.new_recovery_codes(acting_user())
    db.session.commit()
    flash(_("New recovery codes: the old ones no longer work."), "success")
    return _status_page(codes)


@bp.post("/account/mfa/off")
@login_required
def disable() -> Response | tuple[str, int]:
    return press(lambda: mfa.disable(acting_user()), _("Two-step sign-in is off."),
                 url_for("auth.account"), _status_page)
