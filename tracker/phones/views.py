"""The phone pages: binding a number, codes at sign-in, and a forgotten password.

Every page is a 404 when no SMS gateway is configured (`SMS_GATEWAY`): nothing links to them
then. A typed code is checked like a password: a wrong one is recorded and committed, so it is
answered by the view itself (as the login page does), not through `submit`, which would roll
the count back.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, session, url_for
from flask_babel import gettext as _
from flask_login import login_required
from werkzeug.wrappers import Response

from tracker import db
from tracker.accounts.throttle import RESET_EMAIL, client_address
from tracker.phones import gateways, services
from tracker.phones.forms import (
    ForgotPasswordForm,
    PhoneCodeForm,
    PhoneForm,
    ResetByCodeForm,
    SmsSignInForm,
)
from tracker.web.actions import press, submit
from tracker.web.forms import page_has_errors
from tracker.web.permissions import acting_user

bp = Blueprint("phones", __name__)

# The number a binding code was sent to, until it is typed back.
BINDING = "binding_phone"
# How long a reset started on this browser waits for its code.
RESET_SINCE = "reset_since"
RESET_SECONDS = 15 * 60


@bp.before_request
def only_with_a_gateway() -> None:
    if not gateways.configured():
        abort(404)



def _phone_page(number: PhoneForm | None = None, code: PhoneCodeForm | None = None,
                sign_in: SmsSignInForm | None = None) -> str:
    user = acting_user()
    return render_template(
        "phones/phone.html", user=user, binding=session.get(BINDING),
        number=number or PhoneForm(prefix="number", formdata=None),
        code=code or PhoneCodeForm(prefix="code", formdata=None),
        sign_in=sign_in or SmsSignInForm(prefix="sms", formdata=None,
                                         data={"sms_sign_in": user.sms_sign_in}))


@bp.get("/account/phone")
@login_required
def phone() -> str:
    return _phone_page()


@bp.post("/account/phone/send")
@login_required
def send_binding_code() -> Response | str | tuple[str, int]:
    form = PhoneForm(prefix="number")

    def send() -> str:
        session[BINDING] = services.start_binding(acting_user(), form.phone.data, client_address())
        return session[BINDING]

    return submit(form, send, lambda phone: _("A code was sent to %(phone)s.", phone=phone),
                  url_for("phones.phone"), lambda: _phone_page(number=form))


@bp.post("/account/phone/code")
@login_required
def bind() -> Response | tuple[str, int]:
    form = PhoneCodeForm(prefix="code")
    if form.validate_on_submit():
        error = services.attempt_binding(acting_user(), form.code.data)
        db.session.commit()
        if not error:
            session.pop(BINDING, None)
            flash(_("Your mobile number is bound."), "success")
            return redirect(url_for("phones.phone"))
        form.code.errors.append(error)
    page_has_errors()
    return _phone_page(code=form), 400


@bp.post("/account/phone/sign-in")
@login_required
def sms_sign_in() -> Response | tuple[str, int]:
    form = SmsSignInForm(prefix="sms")
    return submit(form, lambda: services.set_sms_sign_in(acting_user(), form.sms_sign_in.data),
                  _("Saved."), url_for("phones.phone"), lambda: _phone_page(sign_in=form))


@bp.post("/account/phone/off")
@login_required
def unbind() -> Response | tuple[str, int]:
    session.pop(BINDING, None)
    return press(lambda: services.unbind(acting_user()),
                 _("The mobile number was removed from your account."),
                 url_for("auth.account"), _phone_page)


# A forgotten password -------------------------------------------------------------------------


@bp.route("/password/forgot", methods=["GET", "POST"])
def forgot_password() -> Response | str | tuple[str, int]:
    form = ForgotPasswordForm()

    def send() -> None:
        services.send_reset_code(form.email.data, client_address())
        session[RESET_EMAIL] = form.email.data.strip().lower()
        session[RESET_SINCE] = db.utcnow().timestamp()

    return submit(form, send,
                  _("If an account with this e-mail has a bound mobile number, a code was "
                    "texted to it."),
                  url_for("phones.reset_password"),
                  lambda: render_template("phones/forgot.html", form=form))


@bp.route("/password/reset", methods=["GET", "POST"])
def reset_password() -> Response | str | tuple[str, int]:
    email = session.get(RESET_EMAIL)
    if email is None or db.utcnow().timestamp() - session.get(RESET_SINCE, 0) > RESET_SECONDS:
        return redirect(url_for("phones.forgot_password"))
    form = ResetByCodeForm()
    status = 200
    if form.validate_on_submit():
        field, error = services.attempt_reset(email, form.code.data, form.password.data)
        db.session.commit()
        if not error:
            session.pop(RESET_EMAIL, None)
            flash(_("Your password was changed. Log in with it."), "success")
            return redirect(url_for("auth.login"))
        form[field].errors.append(error)
        # A wrong code answers 401, so the sign-in limiter counts it (accounts.throttle).
        status = 401 if field == "code" else 400
    elif form.is_submitted():
        status = 400
    if status != 200:
        page_has_errors()
    return render_template("phones/reset.html", form=form, email=email), status
