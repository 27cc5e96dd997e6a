"""Signed-in sessions (ASVS 4.0 V3): made at login, found by the hash of the cookie's token,
ended by logout, by a password change, by deactivation, and by time.

A session ends when unused for the `session_idle_minutes` setting (default 30) or when
`session_lifetime_hours` (default 12) have passed since its login, whichever comes first. Both
are checked on the server at every request against the session's row, so an old copy of a
cookie is worth nothing once its row is gone.
"""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache

from sqlalchemy import Select, bindparam, delete, select
from sqlalchemy.orm import joinedload

from tracker import db
from tracker.accounts.models import Provider, User, UserSession
from tracker.notifications.unread import unread_count_of
from tracker.settings import catalogue
from tracker.settings import services as settings
from tracker.tokens import new_token, token_hash

# last_seen_at is written at most this often, not at every request.
_SEEN_PRECISION = timedelta(minutes=1)


def start(user: User, provider: Provider | None = None) -> str:
    """A new session for `user`, opened by a local password or through `provider`; returns
    the token the cookie carries (kept only hashed)."""
    token = new_token()
    now = db.utcnow()
    db.session.add(UserSession(user_id=user.id, token_hash=token_hash(token), created_at=now,
                               last_seen_at=now, provider=provider))
    db.session.flush()
    user.session_token = token
    user.session_provider = provider
    return token


def expired(row: UserSession, now) -> bool:
    idle = timedelta(minutes=settings.get(catalogue.SESSION_IDLE_MINUTES))
    lifetime = timedelta(hours=settings.get(catalogue.SESSION_LIFETIME_HOURS))
    return now - row.last_seen_at > idle or now - row.created_at > lifetime


@lru_cache(maxsize=1)
def _session_statement() -> Select:
    """Every request starts here: the session, its user, the user's roles, directed
    institutes and the centres they are liaison of (the menu asks who may submit a need) in
    one statement (a user has a few of each, so the join stays a few rows), with the bell's
    count of unread notifications (read through its partial index) and every setting (the
    timeouts below, and whatever the page reads). Built once a process, the token's hash a
    parameter: building it and computing its cache key took twice as long as reading its
    row (a millisecond of every request's CPU, measured in the README's speed log)."""
    return (select(UserSession, unread_count_of(UserSession.user_id), settings.every_value())
            .options(joinedload(UserSession.user).options(
                joinedload(User.role_grants), joinedload(User.directed_institutes),
                joinedload(User.liaised_centres)))
            .where(UserSession.token_hash == bindparam("token_hash")))


def resume(token: str) -> tuple[User | None, bool]:
    """The active user of the session `token` opens, and whether it was found but timed out
    (its row is then deleted). Refreshes the session's last use."""
    found = db.session.execute(_session_statement(),
                               {"token_hash": token_hash(token)}).unique().first()
    if found is None or not found[0].user.active:
        return None, False
    row, unread, every_setting = found
    settings.remember(every_setting)
    row.user.unread_notifications = unread or 0
    now = db.utcnow()
    if expired(row, now):
        db.session.delete(row)
        db.session.commit()
        return None, True
    if now - row.last_seen_at > _SEEN_PRECISION:
        row.last_seen_at = now
        db.session.commit()
    row.user.session_token = token
    row.user.session_provider = row.provider
    return row.user, False


def end(user: User) -> None:
    """End the session this request came with (and so every copy of its cookie)."""
    if user.session_token:
        db.session.execute(delete(UserSession).where(
            UserSession.token_hash == token_hash(user.session_token)))
        user.session_token = None


def end_all(user: User) -> None:
    """End every session of `user`, on every browser."""
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    user.session_token = None
