"""The second factor's pages: the code at login, enrolment, recovery codes, turning it off.

An HQ admin's reset is on the user's page (accounts.views)."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, session, url_for
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
from tracker.web.actions import press, submit
from tracker.web.forms import Button
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


def _secret(user: User) -> str:
    """The key of the app being set up: made once, not in force until a code confirms it."""
    if user.totp_secret is None:
        user.totp_secret = mfa.new_secret()
        db.session.commit()
    return user.totp_secret


def _enrolment_page(user: User, form: CodeForm) -> str:
    return render_template("accounts/mfa_setup.html", form=form, secret=_secret(user),
                           qr=mfa.qr_code_svg(user, _secret(user)))


def _two_step_page() -> str:
    """The account's two-step page as it is now: on, its status; off, the enrolment."""
    user = acting_user()
    return _status_page() if user.mfa_enabled else _enrolment_page(user, CodeForm(formdata=None))


@bp.route("/account/mfa", methods=["GET", "POST"])
@login_required
def setup() -> str | Response | tuple[str, int]:
    user = acting_user()
    if user.mfa_enabled:
        return _status_page()
    secret, form = _secret(user), CodeForm()
    # The recovery codes are shown on this answer only, never stored: not a redirect.
    return submit(form, lambda: mfa.enable(user, secret, form.code.data),
                  _("Two-step sign-in is on."), url_for("mfa.setup"),
                  lambda: _enrolment_page(user, form), shown=_status_page)


@bp.post("/account/mfa/recovery-codes")
@login_required
def recovery_codes() -> str | Response | tuple[str, int]:
    return submit(Button(), lambda: mfa.new_recovery_codes(acting_user()),
                  _("New recovery codes: the old ones no longer work."), url_for("mfa.setup"),
                  _two_step_page, shown=_status_page)


@bp.post("/account/mfa/off")
@login_required
def disable() -> Response | tuple[str, int]:
    return press(lambda: mfa.disable(acting_user()), _("Two-step sign-in is off."),
                 url_for("auth.account"), _status_page)
