"""Making, using and revoking personal access tokens; each step on the audit trail.

The secret is made here, returned once to be shown once, and kept only as its SHA-256 (like
session cookies, `tracker.tokens`): a copy of the database opens nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from tracker import db
from tracker.accounts.models import User, with_roles
from tracker.apitokens.models import AccessToken, TokenScope
from tracker.audit import services as audit
from tracker.display.formatting import on_day
from tracker.errors import Forbidden, Problems, require
from tracker.tokens import new_token, token_hash

# What every secret starts with, so a secret pasted where it should not be is recognisable
# (secret scanners look for such prefixes).
SECRET_PREFIX = "trk_"
# The lifetimes offered, in days; none is for ever.
LIFETIMES = (7, 30, 90, 365)
# last_used_at is written at most this often, not at every request.
_USE_PRECISION = timedelta(minutes=1)


def create_token(actor: User, name: str, scope: TokenScope, days: int) -> tuple[AccessToken, str]:
    """A token of `actor` for `days`; returns it with its secret, which is never seen again."""
    if not AccessToken.can_create(actor):
        raise Forbidden()
    problems = Problems()  # every problem at once, each beside its field
    if not name.strip():
        problems.add("name", _("Name the token after the tool that will use it."))
    if days not in LIFETIMES:
        problems.add("days", _("Choose a lifetime."))
    problems.raise_any()
    secret = SECRET_PREFIX + new_token()
    now = db.utcnow()
    token = AccessToken(user_id=actor.id, name=name.strip(), prefix=secret[:12],
                        token_hash=token_hash(secret), scope=scope, created_at=now,
                        expires_at=now + timedelta(days=days))
    db.session.add(token)
    audit.record(actor, "token.create", token, {
        "name": [None, token.name], "scope": [None, scope.value],
        "expires_at": [None, token.expires_at.isoformat()]})
    db.session.flush()
    return token, secret


def revoke_refusal(token: AccessToken, now: datetime) -> str | None:
    """Why `token` is not revoked now: it was revoked already, or it expired (it opens
    nothing either way); None while it still opens the API. The service refuses by it and the
    token page offers Revoke by it."""
    if token.revoked_at is not None:
        return _("This token was revoked on %(date)s: it no longer works. Create a new token "
                 "if you need one.", date=on_day(token.revoked_at))
    if token.expires_at <= now:
        return _("This token expired on %(date)s: it no longer works. Create a new token if "
                 "you need one.", date=on_day(token.expires_at))
    return None


def revoke_token(actor: User, token: AccessToken) -> None:
    require(token.can_revoke(actor), lambda: revoke_refusal(token, db.utcnow()))
    _revoke(actor, token)
    db.session.flush()


def revoke_all(actor: User, user: User) -> None:
    """Every live token of `user`, revoked by HQ as it ends their sessions (a password reset, a
    second factor reset, a deactivation): a token made by whoever had taken over the account
    must not outlive its recovery. Each revocation is audited."""
    now = db.utcnow()
    for token in db.session.scalars(select(AccessToken).where(
            AccessToken.user_id == user.id, AccessToken.revoked_at.is_(None),
            AccessToken.expires_at > now)):
        _revoke(actor, token)
    db.session.flush()


def _revoke(actor: User, token: AccessToken) -> None:
    token.revoked_at = db.utcnow()
    token.revoked_by_id = actor.id
    audit.record(actor, "token.revoke", token, {"revoked_at": [None, token.revoked_at.isoformat()]})


def authenticate(secret: str, now: datetime) -> AccessToken | None:
    """The usable token `secret` opens (with its user and roles), or None. Notes its use."""
    if not secret.startswith(SECRET_PREFIX) or len(secret) > 100:
        return None
    token = db.session.scalar(
        select(AccessToken).options(joinedload(AccessToken.user).options(*with_roles()))
        .where(AccessToken.token_hash == token_hash(secret)))
    if token is None or not token.usable(now):
        return None
    if token.last_used_at is None or now - token.last_used_at > _USE_PRECISION:
        token.last_used_at = now
    return token


def tokens_of(user: User) -> list[AccessToken]:
    return list(db.session.scalars(select(AccessToken).where(AccessToken.user_id == user.id)
                                   .order_by(AccessToken.created_at.desc(), AccessToken.id)))


def active_tokens(now: datetime) -> list[AccessToken]:
    """Every token that still opens the API, for HQ: whose, what for, until when."""
    return list(db.session.scalars(
        select(AccessToken).options(joinedload(AccessToken.user))
        .where(AccessToken.revoked_at.is_(None), AccessToken.expires_at > now)
        .order_by(AccessToken.expires_at, AccessToken.id)))
