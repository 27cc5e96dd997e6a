"""Password hashing with Argon2id, a memory-hard KDF.

Its cost comes from the configuration (`ARGON2_*` in config.py): production keeps RFC 9106's
low-memory profile, the test suite uses the cheapest parameters so a login costs microseconds.
A hash made with other parameters still verifies, and is redone with the configured ones at the
user's next login (`needs_rehash`), so raising the cost needs no migration.
"""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app


@cache
def _hasher_for(time_cost: int, memory_kib: int, parallelism: int) -> PasswordHasher:
    return PasswordHasher(time_cost=time_cost, memory_cost=memory_kib,
                          parallelism=parallelism, type=Type.ID)


def _hasher() -> PasswordHasher:
    config = current_app.config
    return _hasher_for(config["ARGON2_TIME_COST"], config["ARGON2_MEMORY_KIB"],
                       config["ARGON2_PARALLELISM"])


@cache
def _dummy_hash(hasher: PasswordHasher) -> str:
    """Verified against when the e-mail is unknown, so both failures take the same time. Made
    on first use with the configured cost, not at import, which would cost every process (and
    every test worker) a full-strength hash whether or not anyone logs in."""
    return hasher.hash("not-a-real-password")


# An account with no password yet keeps a marker instead of a hash, which no password matches
# (`usable`): an imported user's, or the one single sign-on made, until an HQ admin's reset
# gives one. Argon2 hashes start with "$argon2"; no marker does.
NO_PASSWORD = "!none"
SSO_NO_PASSWORD = "!sso"


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def usable(password_hash: str | None) -> bool:
    """Whether the account has a password (an Argon2 hash, not a marker of none)."""
    return bool(password_hash) and password_hash.startswith("$argon2")


def verify_password(password_hash: str | None, password: str) -> bool:
    """A password against the account's hash. An account without one (unknown, or a marker)
    is checked against the dummy hash, so it fails in the same time as a wrong password."""
    hasher = _hasher()
    has = usable(password_hash)
    try:
        return hasher.verify(password_hash if has else _dummy_hash(hasher), password) and has
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher().check_needs_rehash(password_hash)
