"""Logging in and out, one's own account, and HQ admins managing users."""

from __future__ import annotations

from flask import (
    Blueprint,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select
from werkzeug.wrappers import Response

from tracker import db
from tracker.accounts import mfa, services, sessions
from tracker.accounts.columns import USER_COLUMNS
from tracker.accounts.forms import (
    ChangePasswordForm,
    LoginForm,
    NewUserForm,
    ProfileForm,
    ResetPasswordForm,
    UserForm,
)
from tracker.accounts.models import (
    Provider,
    Role,
    RoleGrant,
    User,
    with_roles,
)
from tracker.accounts.throttle import PENDING_SINCE, PENDING_USER
from tracker.display.collation import ordered
from tracker.export import responses as exports
from tracker.imports import page_files
from tracker.organisations.listing import enterprise_choices
from tracker.organisations.models import Institute
from tracker.phones import gateways
from tracker.search import matching
from tracker.sso import providers
from tracker.web.actions import press, submit
from tracker.web.forms import page_has_errors
from tracker.web.navigation import choice_arg, paginate, safe_next, text_arg
from tracker.web.permissions import acting_user, loaded, requires

auth_bp = Blueprint("auth", __name__)
admin_bp = Blueprint("users", __name__, url_prefix="/admin/users")


@auth_bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response:
    if current_user.is_authenticated:
        return redirect(url_for("web.home"))
    form = LoginForm()
    error = ""
    if form.validate_on_submit():
        # Not through tracker.web.actions.submit: a failed attempt is recorded, and what it
        # recorded must be committed like a success.
        user, error = services.attempt_login(form.email.data, form.password.data)
        if user is None:
            db.session.commit()
        else:
            target = safe_next(request.args.get("next"))
            if user.has_second_factor:
                # The password was right; the session opens only with the second factor.
                session.clear()
                session[PENDING_USER] = user.email
                session[PENDING_SINCE] = db.utcnow().timestamp()
                db.session.commit()
                return redirect(url_for("mfa.code", next=target))
            sign_in(user)
            return redirect(target or url_for("web.home"))
    if error:
        page_has_errors()
    return render_template("accounts/login.html", form=form, error=error,
                           providers=providers.buttons(), sms=gateways.configured()), (
        401 if error else 200)


def sign_in(user: User, provider: Provider | None = None) -> None:
    """Give this browser a new session for `user`, opened by a local password or through
    `provider`. Nothing of the session before survives, its CSRF secret included (ASVS 3.2.1:
    a session fixed before the login is worthless)."""
    session.clear()
    sessions.start(user, provider)
    db.session.commit()
    login_user(user)


# The ID token of an OIDC session (set by tracker.sso.views), handed back at sign-out.
SSO_ID_TOKEN = "sso_id_token"


@auth_bp.post("/logout")
@login_required
def logout() -> Response:
    """End this session; one opened through OIDC or CAS ends the provider's session too, where
    it offers that (the browser is sent there, and comes back to the login page)."""
    user = acting_user()
    provider, id_token = user.session_provider, session.get(SSO_ID_TOKEN, "")
    services.logout(user)
    db.session.commit()
    logout_user()
    session.clear()
    flash(_("You have been logged out."), "info")
    return redirect(providers.logout_url(provider, id_token) or url_for("auth.login"))


@auth_bp.route("/account", methods=["GET", "POST"])
@login_required
def account() -> Response | tuple[str, int]:
    """Two forms on one page: the language, and the password."""
    user = acting_user()
    profile = ProfileForm(prefix="profile", obj=None, data={"locale": user.locale or ""})
    password = ChangePasswordForm(prefix="pw")

    def page() -> str:
        return render_template("accounts/account.html", profile=profile, password=password,
                               sms=gateways.configured())

    if "pw-submit" in request.form:
        def change() -> None:
            services.change_password(user, password.current_password.data,
                                     password.new_password.data)
            sign_in(user)  # every session ended with the old password; this one starts anew

        return submit(password, change,
                      _("Your password was changed. Your other sessions have been logged out."),
                      url_for("auth.account"), page)
    return submit(profile, lambda: services.set_locale(user, profile.locale.data or None),
                  _("Your settings were saved."), url_for("auth.account"), page)


# --- HQ admins managing users ------------------------------------------------------------------




def _user_or_404(user_id: int) -> User:
    user = loaded(User, user_id, may=None)
    return user


def _choices() -> dict:
    return {
        "institutes": ordered(db.session.scalars(select(Institute))),
        "enterprises": enterprise_choices(),
    }


@admin_bp.get("/")
@requires(User.can_manage_users)
def list_users() -> str | Response:
    query = select(User).options(*with_roles()).order_by(User.name)
    q = text_arg("q")
    if q:
        query = query.where(matching(q, User.name, User.email))
    role = choice_arg("role", _l("Role"), {"none", *(r.value for r in Role)})
    if role == Role.INSTITUTE_DIRECTOR:  # no grant: an institute names them (Institute.director)
        query = query.where(User.directed_institutes.any())
    elif role and role != "none":
        query = query.where(User.role_grants.any(RoleGrant.role == Role(role)))
    elif role == "none":  # accounts single sign-on made, waiting for HQ to grant a role
        query = query.where(~User.role_grants.any(), ~User.directed_institutes.any())
    status = choice_arg("status", _l("Status"), {"active", "inactive"})
    if status == "active":
        query = query.where(User.active.is_(True))
    elif status == "inactive":
        query = query.where(User.active.is_(False))
    if asked := page_files.requested(acting_user(), "users"):
        return page_files.send(asked, page_files.ids_of(query))
    if fmt := exports.requested():
        return exports.send(USER_COLUMNS, exports.stream(query), "users", fmt, title=_("Users"))
    return render_template("accounts/users.html", page=paginate(query), columns=USER_COLUMNS,
                           roles=list(Role), q=q, role=role, status=status,
                           for_import=page_files.offered(acting_user(), "users"))


def _user_data(user: User) -> dict:
    return {
        "email": user.email, "name": user.name, "staff_number": user.staff_number or "",
        "roles": [g.role.value for g in user.role_grants],
        "locale": user.locale or "", "institute_id": user.institute_id or 0,
        "enterprise_id": user.enterprise_id or 0, "active": user.active,
    }


def _user_form_kwargs(form: UserForm) -> dict:
    return {
        "email": form.email.data,
        "name": form.name.data,
        "staff_number": form.staff_number.data or None,
        "roles": form.roles.data,
        "locale": form.locale.data or None,
        "institute_id": form.institute_id.data or None,
        "enterprise_id": form.enterprise_id.data or None,
    }


@admin_bp.route("/new", methods=["GET", "POST"])
@requires(User.can_manage_users)
def new_user() -> Response | tuple[str, int]:
    actor = acting_user()
    form = NewUserForm(**_choices())
    return submit(
        form, lambda: services.create_user(actor, password=form.password.data,
                                           **_user_form_kwargs(form)),
        lambda user: _("Account created for %(name)s.", name=user.name),
        lambda user: url_for("users.edit_user", user_id=user.id),
        lambda: render_template("accounts/user_form.html", form=form, user=None))


@admin_bp.route("/<int:user_id>", methods=["GET", "POST"])
@requires(User.can_manage_users)
def edit_user(user_id: int) -> Response | tuple[str, int]:
    actor = acting_user()
    user = _user_or_404(user_id)
    form = UserForm(**_choices(), data=None if request.method == "POST" else _user_data(user))
    return submit(
        form, lambda: services.update_user(actor, user, active=form.active.data,
                                           **_user_form_kwargs(form)),
        _("Saved."), url_for("users.edit_user", user_id=user.id),
        lambda: render_template("accounts/user_form.html", form=form, user=user,
                                reset=ResetPasswordForm(prefix="reset")))


@admin_bp.post("/<int:user_id>/password")
@requires(User.can_manage_users)
def reset_password(user_id: int) -> Response | tuple[str, int]:
    actor = acting_user()
    user = _user_or_404(user_id)
    reset = ResetPasswordForm(prefix="reset")
    return submit(
        reset, lambda: services.reset_password(actor, user, reset.password.data),
        _("The password was reset, the person's sessions were ended and their API tokens "
          "revoked."),
        url_for("users.edit_user", user_id=user.id),
        lambda: render_template("accounts/user_form.html", reset=reset, user=user,
                                form=UserForm(formdata=None, **_choices(),
                                              data=_user_data(user))))


@admin_bp.post("/<int:user_id>/mfa/reset")
@requires(User.can_manage_users)
def reset_mfa(user_id: int) -> Response | tuple[str, int]:
    actor = acting_user()
    user = _user_or_404(user_id)
    return press(
        lambda: mfa.reset(actor, user),
        _("Two-step sign-in was reset: the person's sessions ended, their API tokens were "
          "revoked, and they enrol again at their next login if their roles require it."),
        url_for("users.edit_user", user_id=user.id),
        lambda: render_template("accounts/user_form.html", user=user,
                                reset=ResetPasswordForm(prefix="reset"),
                                form=UserForm(formdata=None, **_choices(),
                                              data=_user_data(user))))
