"""The second factor's pages: the code at login, enrolment, recovery codes, an admin's reset."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from tracker import db
from tracker.accounts import mfa, services
from tracker.accounts.forms import CodeForm
from tracker.accounts.models import User
from tracker.accounts.throttle import PENDING_SINCE, PENDING_USER
from tracker.accounts.views import sign_in
from tracker.errors import Invalid, Refused
from tracker.web.forms import show_error
from tracker.web.navigation import safe_next

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
    error = None
    if form.validate_on_submit():
        try:
            services.confirm_second_factor(user, form.code.data)
        except Refused as refused:
            db.session.commit()  # the failure count and the audit record persist
            error = refused.message
        else:
            sign_in(user)
            return redirect(safe_next(request.args.get("next")) or url_for("web.home"))
    return render_template("accounts/mfa_code.html", form=form, error=error), (
        401 if error else 200)


def _me() -> User:
    return current_user._get_current_object()


@bp.route("/account/mfa", methods=["GET", "POST"])
@login_required
def setup() -> str | tuple[str, int]:
    user = _me()
    if user.mfa_enabled:
        return render_template("accounts/mfa.html", user=user, codes=None)
    if user.totp_secret is None:
        user.totp_secret = mfa.new_secret()  # not in force until a code confirms it
        db.session.commit()
    form = CodeForm()
    if form.validate_on_submit():
        try:
            codes = mfa.enable(user, user.totp_secret, form.code.data)
        except Invalid as invalid:
            db.session.rollback()
            show_error(form, invalid)
        else:
            db.session.commit()
            flash(_("Two-step sign-in is on."), "success")
            return render_template("accounts/mfa.html", user=user, codes=codes)
    return render_template("accounts/mfa_setup.html", form=form, secret=user.totp_secret,
                           qr=mfa.qr_code_svg(user, user.totp_secret)), (
        400 if form.errors else 200)


@bp.post("/account/mfa/recovery-codes")
@login_required
def recovery_codes() -> str:
    codes = mfa.new_recovery_codes(_me())
    db.session.commit()
    flash(_("New recovery codes: the old ones no longer work."), "success")
    return render_template("accounts/mfa.html", user=_me(), codes=codes)


@bp.post("/account/mfa/off")
@login_required
def disable() -> Response:
    mfa.disable(_me())
    db.session.commit()
    flash(_("Two-step sign-in is off."), "success")
    return redirect(url_for("auth.account"))


@bp.post("/admin/users/<int:user_id>/mfa/reset")
@login_required
def reset(user_id: int) -> Response:
    user = db.session.get(User, user_id)
    if user is None:
        abort(404)
    mfa.reset(_me(), user)
    db.session.commit()
    flash(_("Two-step sign-in was reset: the person's sessions ended, and they enrol again at "
            "their next login if their roles require it."), "success")
    return redirect(url_for("users.edit_user", user_id=user.id))
