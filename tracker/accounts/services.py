"""What can be done to accounts: logging in, out, changing passwords, managing users."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select, update

from tracker import corrections, db
from tracker.accounts import mfa, sessions, throttle
from tracker.accounts.models import GRANTABLE_ROLES, Role, RoleGrant, User
from tracker.accounts.passwords import NO_PASSWORD, hash_password, needs_rehash, verify_password
from tracker.accounts.policy import check_new_password
from tracker.apitokens import services as tokens
from tracker.audit import services as audit
from tracker.display.said import listed
from tracker.errors import Forbidden, Invalid, Problems, Refused
from tracker.names import half_width
from tracker.phones import codes as phone_codes
from tracker.phones.models import Purpose
from tracker.projects.lifecycle import FINAL
from tracker.projects.models import Project


def normalise_email(email: str) -> str:
    """An e-mail as kept and found: full-width letters typed by a Chinese input method in
    their usual form (`names.half_width`), trimmed, in lower case."""
    return half_width(email).strip().lower()


def find_by_email(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def _wrong() -> Refused:
    return Refused(_("Wrong e-mail or password."))


def _locked() -> Refused:
    # The same words, whether or not the e-mail has an account: no minutes left to compare.
    return Refused(ngettext(
        "Too many failed attempts: sign-in to this account is blocked for %(num)d minute. "
        "Try again later.", "Too many failed attempts: sign-in to this account is blocked "
        "for %(num)d minutes. Try again later.", current_app.config["LOGIN_LOCK_MINUTES"]))


def locked_message() -> str:
    return _locked().message


def record_failed_login(user: User | None, email: str, reason: str) -> None:
    """Audit a refused sign-in: the e-mail typed, why, and (by the trail) the client address.

    An e-mail without an account is recorded about no user (the e-mail says whose it was).
    """
    changes = {"email": [None, email], "reason": [None, reason]}
    audit.record_about(None, "user.login_failed", "users", user.id if user else None, changes)


def authenticate(email: str, password: str) -> User:
    """The user these credentials belong to, or Refused saying why not.

    Every path verifies one Argon2 hash before it answers, so neither the words nor the time
    tell a known e-mail from an unknown one, or a locked account from a wrong password.
    Failures are counted in the database with an atomic increment (the lock holds across
    worker processes); those of unknown e-mails in the rate-limit storage (accounts.throttle).
    """
    now = db.utcnow()
    email = normalise_email(email)
    user = find_by_email(email)
    matches = verify_password(user.password_hash if user else None, password)
    if user is None:
        locked = throttle.unknown_email_locked(email)
        if not locked:
            throttle.count_unknown_failure(email)
        record_failed_login(None, email, "locked" if locked else "unknown_email")
        raise _locked() if locked else _wrong()
    if user.is_locked(now):
        record_failed_login(user, email, "locked")
        raise _locked()
    if not matches:
        count_failure(user, now)
        record_failed_login(user, email, "wrong_password")
        raise _wrong()
    if not user.active:
        record_failed_login(user, email, "inactive")
        raise Refused(_("This account has been deactivated. Ask an HQ admin."))
    changes = {}
    if user.failed_logins or user.locked_until:
        changes = {"failed_logins": [user.failed_logins, 0]}
        user.failed_logins = 0
        user.locked_until = None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    # With a second factor, the login is recorded when the code is right.
    audit.record(user, "user.password_ok" if user.has_second_factor else "user.login", user,
                 changes)
    db.session.flush()
    return user


def attempt_login(email: str, password: str) -> tuple[User | None, str]:
    """`authenticate` for the login page: the user, or None and the reason to show. A failed
    attempt is returned rather than raised because what it recorded (the failure count, the
    audit row) must be committed like a success."""
    try:
        return authenticate(email, password), ""
    except Refused as refused:
        return None, refused.message


def attempt_second_factor(user: User, code: str) -> str:
    """`confirm_second_factor` for the code page: "" or the reason to show (recorded, to be
    committed like a success, as `attempt_login`)."""
    try:
        confirm_second_factor(user, code)
    except Refused as refused:
        return refused.message
    return ""


def confirm_second_factor(user: User, code: str) -> None:
    """The second step of signing in; a wrong code counts towards the lock like a password."""
    now = db.utcnow()
    if user.is_locked(now) or not user.active:
        record_failed_login(user, user.email, "locked" if user.active else "inactive")
        raise _locked()
    if mfa.verify(user, code):
        factor = "ok"
    elif user.phone and phone_codes.check_code(user, Purpose.SIGN_IN, code):
        factor = "sms"
    elif mfa.used_already(user, code):  # counted as any refused code: a replay is one
        count_failure(user, now)
        record_failed_login(user, user.email, "reused_code")
        raise Refused(_("This code was just used; wait for the next one."))
    else:
        count_failure(user, now)
        record_failed_login(user, user.email, "wrong_code")
        raise Refused(_("Wrong code. Type the code your app shows now, the one we texted you, "
                        "or a recovery code."))
    audit.record(user, "user.login", user, {"second_factor": [None, factor]})
    db.session.flush()


def count_failure(user: User, now) -> None:
    limit = current_app.config["LOGIN_MAX_FAILURES"]
    db.session.execute(
        update(User).where(User.id == user.id).values(failed_logins=User.failed_logins + 1)
    )
    failures = db.session.scalar(select(User.failed_logins).where(User.id == user.id))
    db.session.refresh(user)
    if failures >= limit:
        lock_until = now + timedelta(minutes=current_app.config["LOGIN_LOCK_MINUTES"])
        user.locked_until = lock_until
        user.failed_logins = 0
        audit.record(None, "user.locked", user, {"locked_until": [None, lock_until.isoformat()]})
    db.session.flush()


def logout(user: User) -> None:
    sessions.end(user)
    audit.record(user, "user.logout", user, {})


def change_password(user: User, current: str, new: str) -> None:
    problems = Problems()  # every problem at once, each beside its field
    if not verify_password(user.password_hash, current):
        problems.add("current_password", _("This is not your current password."))
    problems.collect(check_new_password, new, email=user.email, name=user.name,
                     field="new_password")
    if "new_password" not in problems and verify_password(user.password_hash, new):
        problems.add("new_password", _("Choose a password different from the current one."))
    problems.raise_any()
    user.password_hash = hash_password(new)
    user.must_change_password = False
    sessions.end_all(user)
    audit.record(user, "user.change_password", user, {"password_hash": ["***", "***"]})


def set_locale(user: User, locale: str | None) -> None:
    user.locale = locale
    audit.record(user, "user.set_locale", user)
    db.session.flush()


def _check_roles(roles: list[str]) -> set[Role]:
    allowed = {r.value for r in GRANTABLE_ROLES}
    unknown = [r for r in roles if r not in allowed]
    if unknown:
        raise Invalid("roles", _("Unknown role: %(role)s", role=listed(unknown)))
    return {Role(r) for r in roles}


def _set_roles(user: User, roles: set[Role]) -> list[list[str]]:
    before = sorted(g.role.value for g in user.role_grants)
    # A role not granted here (an external expert's, given with the expert) stays.
    user.role_grants = [g for g in user.role_grants
                        if g.role in roles or g.role not in GRANTABLE_ROLES]
    have = {g.role for g in user.role_grants}
    for role in sorted(roles - have):
        user.role_grants.append(RoleGrant(role=role))
    after = sorted(g.role.value for g in user.role_grants)
    return [before, after]


def _check_email_free(email: str, user: User | None = None,
                      taken: Callable[[str], bool] | None = None) -> None:
    """`taken`: whether a new account's e-mail is another's, from what the caller read (the
    bulk import's every e-mail), instead of a query."""
    if taken is not None:
        used = taken(email)
    else:
        query = select(func.count()).select_from(User).where(User.email == email)
        if user is not None and user.id is not None:
            query = query.where(User.id != user.id)
        used = bool(db.session.scalar(query))
    if used:
        raise Invalid("email", _("Another account already uses this e-mail."))


def staff_number_taken() -> str:
    """Said when another account has the staff number (the form, the import)."""
    return _("Another account already has this staff number.")


def _staff_number(number: str | None, user: User | None = None) -> str | None:
    """The staff number as kept (None when blank), or Invalid when another account has it."""
    number = (number or "").strip() or None
    if number is not None:
        query = select(func.count()).select_from(User).where(User.staff_number == number)
        if user is not None and user.id is not None:
            query = query.where(User.id != user.id)
        if db.session.scalar(query):
            raise Invalid("staff_number", staff_number_taken())
    return number


def _check_contact(roles: list[str], enterprise_id: int | None, problems: Problems) -> None:
    """An enterprise contact's account names their enterprise and holds no other role: it
    opens that enterprise's needs and nothing else (tracker/accounts/walls.py)."""
    if Role.ENTERPRISE_CONTACT.value not in roles:
        return
    if len(set(roles)) > 1:
        problems.add("roles", _("An enterprise contact's account holds no other role: it "
                                "opens their enterprise's needs, and nothing else."))
    if not enterprise_id:
        problems.add("enterprise_id", _("Name the enterprise of the contact."))


def create_user(
    actor: User | None,
    *,
    email: str,
    name: str,
    password: str | None,
    roles: list[str],
    staff_number: str | None = None,
    locale: str | None = None,
    institute_id: int | None = None,
    enterprise_id: int | None = None,
) -> User:
    """Create an account. `actor` None means the shell (`flask users create`). `password`
    None: none yet (`passwords.NO_PASSWORD`: an import's, given one by an HQ admin's reset or
    signing in through the identity service); no Argon2 hash is made for a password no one
    would know."""
    email, role_set, staff_number = check_new_user(
        actor, email=email, name=name, password=password, roles=roles,
        staff_number=staff_number, enterprise_id=enterprise_id)
    user = User(**new_account(actor, email=email, name=name, staff_number=staff_number,
                              password=password, locale=locale, institute_id=institute_id,
                              enterprise_id=enterprise_id))
    changes = audit.pending_changes(user)
    changes["roles"] = _set_roles(user, role_set)
    db.session.add(user)
    audit.record(actor, "user.create", user, changes)
    db.session.flush()
    return user


def check_new_user(actor: User | None, *, email: str, name: str, password: str | None,
                   roles: list[str], staff_number: str | None, enterprise_id: int | None,
                   email_taken: Callable[[str], bool] | None = None
                   ) -> tuple[str, set[Role], str | None]:
    """What `create_user` checks, in its order: who may (Forbidden), an enterprise contact's
    account, the e-mail free (`email_taken`: as `_check_email_free`'s `taken`), the password,
    the roles, the staff number free (Invalid). The e-mail, the roles and the staff number as
    kept (the bulk import checks its rows by this)."""
    if actor is not None and not actor.can_manage_users():
        raise Forbidden()
    problems = Problems()
    _check_contact(roles, enterprise_id, problems)
    problems.raise_any()
    email = normalise_email(email)
    _check_email_free(email, taken=email_taken)
    if password is not None:
        check_new_password(password, email=email, name=name)
    return email, _check_roles(roles), _staff_number(staff_number)


def new_account(actor: User | None, *, email: str, name: str, staff_number: str | None,
                password: str | None, locale: str | None, institute_id: int | None,
                enterprise_id: int | None) -> dict[str, Any]:
    """The columns of an account `create_user` makes (the bulk import inserts these), from
    what `check_new_user` returned."""
    return {"email": email, "name": name.strip(), "staff_number": staff_number,
            "password_hash": NO_PASSWORD if password is None else hash_password(password),
            # A password an admin chose is known to two people: its owner replaces it first.
            "must_change_password": actor is not None, "locale": locale or None,
            "institute_id": institute_id, "enterprise_id": enterprise_id}


def update_user(
    actor: User,
    user: User,
    *,
    email: str,
    name: str,
    roles: list[str],
    locale: str | None,
    institute_id: int | None,
    enterprise_id: int | None,
    active: bool,
    staff_number: str | None = "",
) -> None:
    """`staff_number` "" (not given: a users file without its column) keeps it."""
    if not actor.can_manage_users():
        raise Forbidden()
    problems = Problems()  # every problem at once, each beside its field
    if user.id == actor.id and not active:
        problems.add("active", _("You cannot deactivate your own account."))
    if user.id == actor.id and Role.HQ_ADMIN.value not in roles:
        problems.add("roles", _("You cannot remove your own HQ admin role."))
    if user.is_external_expert and roles:
        problems.add("roles", _("An external expert's account holds no other role: it opens "
                                "the reviews the expert sits on, and nothing else."))
    _check_contact(roles, enterprise_id, problems)
    if (Role.PROJECT_MANAGER in user.roles and Role.PROJECT_MANAGER.value not in roles
            and (leads := still_leads(user))):
        problems.add("roles", leads)
    problems.raise_any()
    email = normalise_email(email)
    _check_email_free(email, user)
    role_set = _check_roles(roles)
    if staff_number != "":
        user.staff_number = _staff_number(staff_number, user)
    user.email = email
    user.name = name.strip()
    user.locale = locale or None
    user.institute_id = institute_id
    user.enterprise_id = enterprise_id
    user.active = active
    columns = audit.pending_changes(user)  # read before its roles load (and flush) them
    role_change = _set_roles(user, role_set)
    changes = corrections.changed(user, {"roles": role_change}
                                  if role_change[0] != role_change[1] else None, changes=columns)
    if "active" in changes and not active:
        sessions.end_all(user)
        tokens.revoke_all(actor, user)
    audit.record(actor, "user.update", user, changes)
    db.session.flush()


def still_leads(user: User) -> str | None:
    """Why `user` can't lose the project manager's role: the projects under way they lead
    (a draft to a project on hold), which would be left with a manager who can't act on
    them, by a form or by a users file whose Roles cell is empty (issue 13); None when
    they lead none. A project goes to another manager first (its page's handover)."""
    led = list(db.session.scalars(select(func.coalesce(Project.code, Project.title)).where(
        Project.pm_id == user.id, Project.phase.not_in(FINAL)).order_by(Project.id)))
    if not led:
        return None
    return ngettext("%(name)s leads %(num)d project under way, %(projects)s: hand it to another "
                    "project manager before removing the role.",
                    "%(name)s leads %(num)d projects under way, %(projects)s: hand them to "
                    "another project manager before removing the role.",
                    len(led), name=user.name, projects=listed(led))


def reset_password(actor: User, user: User, password: str) -> None:
    if not actor.can_manage_users():
        raise Forbidden()
    check_new_password(password, email=user.email, name=user.name)
    user.password_hash = hash_password(password)
    user.must_change_password = True
    user.failed_logins = 0
    user.locked_until = None
    sessions.end_all(user)
    tokens.revoke_all(actor, user)
    audit.record(actor, "user.reset_password", user, {"password_hash": ["***", "***"]})
