"""Verification codes by SMS: made, sent through the gateway, checked.

One code in force per person and purpose (a new one replaces it). Each text is counted
(accounts.throttle.sms_wait: per number and per client address). A code lives
`SMS_CODE_MINUTES`, works once, and dies after `SMS_CODE_ATTEMPTS` wrong tries. It is never
logged or audited: the trail says a code was sent, for what, to which number (masked).
Separate from phones.services so that the sign-in's second step (accounts.services) can check
a code without importing the pages' services, which import it.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import timedelta

from flask import current_app
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import delete, select

from tracker import db
from tracker.accounts import throttle
from tracker.accounts.models import User
from tracker.audit import services as audit
from tracker.errors import Refused
from tracker.phones import gateways
from tracker.phones.models import PhoneCode, Purpose


def _digest(code: str) -> str:
    key = current_app.config["SECRET_KEY"].encode()
    return hmac.new(key, code.encode(), hashlib.sha256).hexdigest()


def _text(user: User, code: str) -> str:
    sign = current_app.config["SMS_SIGN"]
    with force_locale(user.locale or current_app.config["DEFAULT_LOCALE"]):
        body = ngettext("Your verification code is %(code)s, valid for %(num)d minute. Do not "
                        "tell it to anyone.", "Your verification code is %(code)s, valid for "
                        "%(num)d minutes. Do not tell it to anyone.",
                        current_app.config["SMS_CODE_MINUTES"], code=code)
    return f"【{sign}】{body}" if sign else body


def spend_budget(phone: str, address: str) -> None:
    """Count one text to `phone` from `address`, or Refused when either has sent too many."""
    wait = throttle.sms_wait(phone, address)
    if wait:
        raise Refused(ngettext("Too many codes were sent: try again in %(num)d minute.",
                               "Too many codes were sent: try again in %(num)d minutes.",
                               max(1, (wait + 59) // 60)))


def send(user: User, purpose: Purpose, phone: str, address: str) -> None:
    """A new code for `purpose` to `phone`, replacing any before it; Refused when the budget of
    texts is spent or the gateway did not take it."""
    if not gateways.configured():
        raise Refused(_("Text messages are not set up on this installation."))
    spend_budget(phone, address)
    code = f"{secrets.randbelow(10**6):06d}"
    now = db.utcnow()
    db.session.execute(delete(PhoneCode).where(PhoneCode.user_id == user.id,
                                               PhoneCode.purpose == purpose))
    db.session.add(PhoneCode(
        user_id=user.id, purpose=purpose, phone=phone, code_hash=_digest(code), created_at=now,
        expires_at=now + timedelta(minutes=current_app.config["SMS_CODE_MINUTES"])))
    try:
        gateways.gateway().send(phone, _text(user, code), code)
    except gateways.NotSent:
        raise Refused(_("The text message could not be sent. Try again in a few minutes.")) \
            from None
    # Before a sign-in or a reset nobody is signed in: the trail names no actor then.
    actor = user if purpose is Purpose.BIND else None
    audit.record(actor, "user.sms_code_sent", user,
                 {"purpose": [None, purpose.value], "phone": [None, gateways.masked(phone)]})
    db.session.flush()


def live_code(user: User, purpose: Purpose) -> PhoneCode | None:
    return db.session.scalar(select(PhoneCode).where(
        PhoneCode.user_id == user.id, PhoneCode.purpose == purpose,
        PhoneCode.used_at.is_(None), PhoneCode.expires_at > db.utcnow()))


def check_code(user: User, purpose: Purpose, code: str) -> PhoneCode | None:
    """The code in force for `purpose` when `code` is it (it is spent by this); else None, and
    the wrong try is counted (the code is void after `SMS_CODE_ATTEMPTS`)."""
    row = live_code(user, purpose)
    typed = re.sub(r"[\s-]", "", code or "")
    if row is None or len(typed) != 6 or not typed.isdigit():
        return None
    now = db.utcnow()
    if hmac.compare_digest(row.code_hash, _digest(typed)):
        row.used_at = now
        db.session.flush()
        return row
    row.attempts += 1
    if row.attempts >= current_app.config["SMS_CODE_ATTEMPTS"]:
        row.used_at = now  # void: a new one must be asked for
    db.session.flush()
    return None
