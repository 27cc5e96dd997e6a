"""Phone binding, and the codes of a sign-in and a forgotten password.

A person binds a mobile number by typing back the code sent to it. The bound number then
receives codes that reset a forgotten password and, when they choose (`User.sms_sign_in`), are
the second step of a local sign-in (accounts.services.confirm_second_factor). HQ admins and the
investment committee still enrol the authenticator app (accounts.mfa): a text message can be
diverted by a SIM swap, so for them a texted code stands in for the app at one sign-in, as a
recovery code does, but never replaces the enrolment.

The codes themselves are made, sent and checked in phones.codes.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _
from sqlalchemy import func, select

from tracker import db
from tracker.accounts import sessions
from tracker.accounts.models import User
from tracker.accounts.passwords import hash_password
from tracker.accounts.policy import check_new_password
from tracker.accounts.services import count_failure, find_by_email, record_failed_login
from tracker.apitokens import services as tokens
from tracker.audit import services as audit
from tracker.errors import Invalid, Refused
from tracker.phones import codes
from tracker.phones.models import Purpose

# A mainland mobile number typed as its 11 digits, or any number in E.164 with its +.
_MAINLAND = re.compile(r"1[3-9]\d{9}")
_E164 = re.compile(r"\+[1-9]\d{7,14}")


def normalise(number: str) -> str:
    """The number in E.164, or Invalid: `138 0013 8000` and `+86 138-0013-8000` are the same."""
    typed = re.sub(r"[\s\-()]", "", number or "")
    if _MAINLAND.fullmatch(typed):
        typed = "+86" + typed
    if typed.startswith("0086"):
        typed = "+" + typed[2:]
    if not _E164.fullmatch(typed):
        raise Invalid("phone", _("Enter a mobile number: 11 digits, or + and the country code."))
    return typed


def _wrong_code() -> str:
    return _("This is not the code we sent, or it has expired. Ask for a new one.")


# Binding a number -----------------------------------------------------------------------------


def start_binding(user: User, number: str, address: str) -> str:
    """Send a code to the number `user` typed; returns it in E.164 for the page to show."""
    phone = normalise(number)
    taken = db.session.scalar(select(func.count()).select_from(User).where(
        User.phone == phone, User.id != user.id))
    if taken:
        raise Invalid("phone", _("Another account already uses this number."))
    codes.send(user, Purpose.BIND, phone, address)
    return phone


def attempt_binding(user: User, code: str) -> str:
    """Bind the number the code was sent to when `code` is right: "" or the reason to show.
    Returned, not raised: the wrong try it counted must be committed like a success."""
    row = codes.check_code(user, Purpose.BIND, code)
    if row is None:
        return _wrong_code()
    before = user.phone
    user.phone = row.phone
    user.phone_bound_at = db.utcnow()
    audit.record(user, "user.phone_bind", user, {"phone": [before, row.phone]})
    db.session.flush()
    return ""


def unbind(user: User) -> None:
    before = user.phone
    user.phone = None
    user.phone_bound_at = None
    user.sms_sign_in = False
    audit.record(user, "user.phone_unbind", user, {"phone": [before, None]})
    db.session.flush()


def set_sms_sign_in(user: User, on: bool) -> None:
    if on and user.phone is None:
        raise Refused(_("Bind a mobile number first."))
    if user.sms_sign_in != on:
        audit.record(user, "user.sms_sign_in", user, {"sms_sign_in": [user.sms_sign_in, on]})
        user.sms_sign_in = on
    db.session.flush()


# The second step of a sign-in, and a forgotten password --------------------------------------


def send_sign_in_code(user: User, address: str) -> None:
    """A code for the sign-in waiting for its second step (accounts.mfa_views)."""
    if user.phone is None:
        raise Refused(_("No mobile number is bound to this account."))
    codes.send(user, Purpose.SIGN_IN, user.phone, address)


def send_reset_code(email: str, address: str) -> None:
    """A code to the phone of the account with this e-mail. The answer is the same whether
    the account exists, has a phone, or not (no oracle of who has an account); only the
    budget of the address is spent for those."""
    user = find_by_email(email)
    if user is None or not user.active or user.phone is None:
        codes.spend_budget("none:" + email.strip().lower(), address)
        return
    codes.send(user, Purpose.RESET, user.phone, address)


def attempt_reset(email: str, code: str, password: str) -> tuple[str, str]:
    """Set a new password when `code` is the one texted for it: ("", "") or (field, reason).
    A wrong code counts towards the account's lock like a wrong password, and is audited;
    returned, not raised, so what it recorded is committed. Every session of the account ends
    and its API tokens are revoked (whoever held the old password is out)."""
    user = find_by_email(email)
    if user is not None:
        try:
            check_new_password(password, email=user.email, name=user.name, field="password")
        except Invalid as invalid:
            return invalid.field, invalid.message
    now = db.utcnow()
    if user is None or not user.active or user.is_locked(now) \
            or codes.check_code(user, Purpose.RESET, code) is None:
        if user is not None and not user.is_locked(now):
            count_failure(user, now)
        record_failed_login(user, email, "wrong_reset_code")
        return "code", _wrong_code()
    user.password_hash = hash_password(password)
    user.must_change_password = False
    user.failed_logins = 0
    sessions.end_all(user)
    tokens.revoke_all(user, user)
    audit.record(user, "user.reset_password_by_phone", user,
                 {"password_hash": ["***", "***"]})
    db.session.flush()
    return "", ""
