"""How often signing in may be tried, counted where every worker and host sees the same count.

Two limits on the failed sign-in attempts (a wrong password or second-factor code): one per
client address, one per account (the e-mail typed, known or not, so the answer never tells
which e-mails exist). Only failures count (the answer 401): a successful sign-in is not an
attack, and a user with a second factor succeeds twice per sign-in; so an office behind one
NAT address is limited by its mistakes, not by its logins (`LOGIN_RATE_LIMIT_PER_IP`, larger
than the per-account limit for that reason). Once a limit is reached every attempt answers 429,
a right password too, until the window moves on. They are Flask-Limiter application limits
exempt outside the sign-in POSTs; the counts live in `RATELIMIT_STORAGE_URI` (Redis in
production, memory in one development process). A breach answers 429 with the error page of
`tracker.web.errors`.

The same storage counts the failures of e-mails that have no account, so that after
`LOGIN_MAX_FAILURES` of them the answer is the lockout message a real account would get.
"""

from __future__ import annotations

import time

from flask import Flask, Response, current_app, request, session
from flask_limiter import ApplicationLimit, Limiter
from limits import parse

SIGN_IN_ENDPOINTS = {"auth.login", "mfa.code", "phones.reset_password", "sso.ldap_login"}
# Set in the session between the password and the second factor (accounts.views, mfa_views):
# the e-mail of the account waiting for its code, and since when.
PENDING_USER = "pending_email"
PENDING_SINCE = "pending_since"
# The identity service whose password was right (LDAP), or none for a local password.
PENDING_PROVIDER = "pending_provider"
# Set between asking for a password-reset code and typing it (tracker.phones.views).
RESET_EMAIL = "reset_email"


def client_address() -> str:
    return request.remote_addr or "unknown"


def _account() -> str:
    """The account an attempt is aimed at: the e-mail typed, or the one waiting for its code
    (the password and the code count together)."""
    if request.endpoint == "mfa.code":
        return "email:" + session.get(PENDING_USER, "")
    if request.endpoint == "phones.reset_password":
        return "email:" + session.get(RESET_EMAIL, "")
    if request.endpoint == "sso.ldap_login":
        return "ldap:" + request.form.get("username", "").strip().lower()
    return "email:" + request.form.get("email", "").strip().lower()


def _not_a_sign_in() -> bool:
    return request.method != "POST" or request.endpoint not in SIGN_IN_ENDPOINTS


def _failed(response: Response) -> bool:
    """A refused password or code answers 401 (accounts.views, mfa_views): only those count."""
    return response.status_code == 401


def init_app(app: Flask) -> None:
    limiter = Limiter(
        client_address,
        app=app,
        storage_uri=app.config["RATELIMIT_STORAGE_URI"],
        key_prefix=app.config["RATELIMIT_KEY_PREFIX"],
        application_limits=[
            ApplicationLimit(lambda: current_app.config["LOGIN_RATE_LIMIT_PER_IP"],
                             key_function=client_address, scope="sign-in-address",
                             exempt_when=_not_a_sign_in, deduct_when=_failed),
            ApplicationLimit(lambda: current_app.config["LOGIN_RATE_LIMIT_PER_ACCOUNT"],
                             key_function=_account, scope="sign-in-account",
                             exempt_when=_not_a_sign_in, deduct_when=_failed),
        ],
    )
    # Every other request is let through before any limit is looked at: the limits'
    # `exempt_when` alone left each request resolving both limits, their strings and keys
    # (about 0.1 ms of every page's CPU).
    limiter.request_filter(_not_a_sign_in)


def _limiter() -> Limiter:
    (limiter,) = current_app.extensions["limiter"]
    return limiter


def _unknown_failures():
    config = current_app.config
    return parse(f"{config['LOGIN_MAX_FAILURES']} per {config['LOGIN_LOCK_MINUTES']} minutes")


def _unknown_key(email: str) -> tuple[str, ...]:
    return (current_app.config["RATELIMIT_KEY_PREFIX"], "unknown-email", email)


def count_unknown_failure(email: str) -> None:
    _limiter().limiter.hit(_unknown_failures(), *_unknown_key(email))


def unknown_email_locked(email: str) -> bool:
    return not _limiter().limiter.test(_unknown_failures(), *_unknown_key(email))


# The JSON API (tracker.web.api.auth): a bearer token tried from an address counts like a
# password tried from it, and a token's requests are counted per token.


def _key(kind: str, value: object) -> tuple[str, ...]:
    return (current_app.config["RATELIMIT_KEY_PREFIX"], kind, str(value))


def _seconds_left(limit, key: tuple[str, ...]) -> int:
    reset, _remaining = _limiter().limiter.get_window_stats(limit, *key)
    return max(int(reset - time.time()) + 1, 1)


def api_failures_block(address: str) -> int:
    """Seconds until `address` may try a token again; 0 when it may now."""
    limit, key = parse(current_app.config["LOGIN_RATE_LIMIT_PER_IP"]), _key("api-fail", address)
    return 0 if _limiter().limiter.test(limit, *key) else _seconds_left(limit, key)


def count_api_failure(address: str) -> None:
    _limiter().limiter.hit(parse(current_app.config["LOGIN_RATE_LIMIT_PER_IP"]),
                           *_key("api-fail", address))


def api_token_spent(token_id: int) -> int:
    """Counts one request of the token; the seconds to wait when it has made too many."""
    limit, key = parse(current_app.config["API_RATE_LIMIT_PER_TOKEN"]), _key("api", token_id)
    return 0 if _limiter().limiter.hit(limit, *key) else _seconds_left(limit, key)


# Texts with a code (tracker.phones): each number and each client address has a budget.


def sms_wait(phone: str, address: str) -> int:
    """Counts one text to `phone` from `address`; the seconds to wait when either has sent too
    many (nothing is counted then)."""
    config = current_app.config
    budgets = [(parse(config["SMS_RATE_LIMIT_GAP"]), _key("sms-gap", phone)),
               (parse(config["SMS_RATE_LIMIT_PER_PHONE"]), _key("sms-phone", phone)),
               (parse(config["SMS_RATE_LIMIT_PER_IP"]), _key("sms-address", address))]
    spent = [(limit, key) for limit, key in budgets if not _limiter().limiter.test(limit, *key)]
    if spent:
        return max(_seconds_left(limit, key) for limit, key in spent)
    for limit, key in budgets:
        _limiter().limiter.hit(limit, *key)
    return 0
