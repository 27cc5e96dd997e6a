"""The second factor (ASVS 4.0 V2.7-2.8): a time-based one-time code from an authenticator app
(TOTP, RFC 6238, with pyotp), or one of ten one-time recovery codes.

Mandatory for HQ admins and the investment committee (`User.mfa_required`: they are led to
enrol at their next login, accounts.steps), optional for everyone else. A code is accepted
once: the time step it matched is kept and an older or equal one is refused. Recovery codes
are random (80 bits) and kept as their SHA-256. An HQ admin can reset someone's second factor
(a lost phone); every change is audited.
"""

from __future__ import annotations

import secrets

import pyotp
import segno
from flask_babel import gettext as _
from pyotp.utils import strings_equal
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm.attributes import set_committed_value

from tracker import db
from tracker.accounts import sessions
from tracker.accounts.models import RecoveryCode, User
from tracker.apitokens import services as tokens
from tracker.audit import services as audit
from tracker.errors import Forbidden, Invalid, Refused
from tracker.tokens import token_hash

ISSUER = "Research tracker"
RECOVERY_CODES = 10
# A code typed a little late (or early, by a phone's clock) still counts: one step each side.
VALID_WINDOW = 1


def new_secret() -> str:
    return pyotp.random_base32()


def qr_code_svg(user: User, secret: str) -> str:
    """The enrolment QR code as inline SVG, drawn here: the secret never leaves the server."""
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)
    return segno.make(uri, error="m").svg_inline(scale=4, dark="#000", light="#fff")


def _recovery_codes(user: User) -> list[str]:
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [secrets.token_hex(10) for _ in range(RECOVERY_CODES)]
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=token_hash(c)) for c in codes)
    # Shown in groups of five, as people copy them; typed with or without the dashes.
    return ["-".join(c[i:i + 5] for i in range(0, 20, 5)) for c in codes]


def _typed(code: str) -> str:
    return "".join(c for c in code.lower() if c not in " -")


def _matching_step(secret: str, code: str) -> int | None:
    totp = pyotp.TOTP(secret)
    now = db.utcnow()
    step = totp.timecode(now)
    for candidate in range(step - VALID_WINDOW, step + VALID_WINDOW + 1):
        if strings_equal(code, totp.generate_otp(candidate)):
            return candidate
    return None


def wrong_enrolment_code() -> str:
    return _("This code is not the one your app shows now. Check the time on your phone, and "
             "scan the code again if needed.")


def shows(secret: str, code: str) -> bool:
    """Whether an app set up with `secret` shows `code` about now."""
    return _matching_step(secret, _typed(code)) is not None


def enable(user: User, secret: str, code: str) -> list[str]:
    """Turn the second factor on once the app shows a right code; returns the recovery codes,
    to be shown this once."""
    step = _matching_step(secret, _typed(code))
    if step is None:
        raise Invalid("code", wrong_enrolment_code())
    user.totp_secret = secret
    user.totp_last_step = step
    user.mfa_enabled_at = db.utcnow()
    codes = _recovery_codes(user)
    audit.record(user, "user.mfa_enable", user, {"mfa_enabled_at": [None, "***"]})
    db.session.flush()
    return codes


def verify(user: User, code: str) -> bool:
    """Whether `code` is a current TOTP code (not used before) or an unused recovery code of
    `user`; a recovery code is used up by this."""
    code = _typed(code)
    if not user.mfa_enabled or not code:
        return False
    if len(code) == 6 and code.isdigit():
        step = _matching_step(user.totp_secret, code)
        return step is not None and _take_step(user, step)
    # Used up by one conditional UPDATE, as a time step is taken (see `_take_step`).
    db.session.flush()
    used = db.session.execute(
        update(RecoveryCode).where(RecoveryCode.user_id == user.id,
                                   RecoveryCode.code_hash == token_hash(code),
                                   RecoveryCode.used_at.is_(None))
        .values(used_at=db.utcnow()), execution_options={"synchronize_session": False})
    if not used.rowcount:
        return False
    left = db.session.scalar(select(func.count()).select_from(RecoveryCode).where(
        RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))) - 1
    audit.record(user, "user.mfa_recovery_code", user, {"recovery_codes_left": [None, left]})
    db.session.flush()
    return True


def used_already(user: User, code: str) -> bool:
    """Whether `code` is the app's code of a time step already used to sign in (the same
    30 s window): not wrong, but taken; the next one is good."""
    code = _typed(code)
    if not user.mfa_enabled or len(code) != 6 or not code.isdigit():
        return False
    step = _matching_step(user.totp_secret, code)
    return step is not None and user.totp_last_step is not None and step <= user.totp_last_step


def _take_step(user: User, step: int) -> bool:
    """Keep `step` as the last one used, if it is later than the one kept: one conditional
    UPDATE, so that of two sign-ins with the same code at once (on two workers or hosts, each
    with its own copy of the user) only one succeeds; the other's UPDATE waits for the first
    to commit and then finds the step taken."""
    db.session.flush()
    taken = db.session.execute(
        update(User).where(User.id == user.id, or_(User.totp_last_step.is_(None),
                                                   User.totp_last_step < step))
        .values(totp_last_step=step), execution_options={"synchronize_session": False})
    if not taken.rowcount:
        return False
    set_committed_value(user, "totp_last_step", step)
    return True


def new_recovery_codes(user: User) -> list[str]:
    if not user.mfa_enabled:
        raise Refused(_("Turn two-step sign-in on first."))
    codes = _recovery_codes(user)
    audit.record(user, "user.mfa_recovery_codes", user, {})
    db.session.flush()
    return codes


def _turn_off(user: User) -> None:
    user.totp_secret = None
    user.totp_last_step = None
    user.mfa_enabled_at = None
    db.session.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id))


def disable(user: User) -> None:
    """Someone for whom it is optional turns their second factor off."""
    if user.mfa_required:
        raise Refused(_("Your roles require two-step sign-in: it cannot be turned off."))
    _turn_off(user)
    audit.record(user, "user.mfa_disable", user, {"mfa_enabled_at": ["***", None]})
    db.session.flush()


def reset(actor: User, user: User) -> None:
    """An HQ admin removes `user`'s second factor (a lost phone): their sessions end, their API
    tokens are revoked, and if their roles require one they enrol again at their next login."""
    if not actor.can_manage_users():
        raise Forbidden()
    _turn_off(user)
    sessions.end_all(user)
    tokens.revoke_all(actor, user)
    audit.record(actor, "user.mfa_reset", user, {"mfa_enabled_at": ["***", None]})
    db.session.flush()
