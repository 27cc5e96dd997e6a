"""Secrets the app must read back, encrypted at rest (ASVS 4.0 V6.2, V8.3.7).

A TOTP key can't be kept as a hash like a password: the server computes the current code from
it. So it is stored encrypted with Fernet (AES-128-CBC and an HMAC-SHA256, from the
`cryptography` package) under keys that live in the configuration, never in the database: a
copy of the database or of a backup alone gives no one a second factor.

`ENCRYPTION_KEYS` lists Fernet keys, newest first (MultiFernet): the first encrypts, any of them
decrypts. To rotate, put a new key in front, run `flask keys rotate` (every value re-encrypted
under the new key), then drop the old one. Without the variable, development and tests derive
a key from `SECRET_KEY`; production refuses to start without it (config.py).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import click
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app, has_app_context
from flask.cli import AppGroup
from sqlalchemy import String, column, select, table, update
from sqlalchemy.types import TypeDecorator

from config import config_for
from tracker import db

# Every column kept encrypted, as (table, column): what `flask keys rotate` re-encrypts.
ENCRYPTED_COLUMNS = [("users", "totp_secret"),
                     ("notification_settings", "wecom_webhook"),
                     ("notification_settings", "dingtalk_webhook"),
                     ("notification_settings", "dingtalk_secret")]


def new_key() -> str:
    return Fernet.generate_key().decode()


def development_key(secret_key: str) -> str:
    """A Fernet key derived from SECRET_KEY, for development and tests only."""
    digest = hashlib.sha256(b"tracker encryption key\n" + secret_key.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


def configured_keys(config: Mapping[str, Any]) -> tuple[str, ...]:
    return tuple(config.get("ENCRYPTION_KEYS") or ()) or (
        development_key(config["SECRET_KEY"]),)


@lru_cache(maxsize=8)
def _keyring(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key.encode()) for key in keys])


def keyring(config: Mapping[str, Any] | None = None) -> MultiFernet:
    """The keys of the running app; outside one (a migration run by Alembic alone), of the
    configuration TRACKER_CONFIG names."""
    if config is None:
        if has_app_context():
            config = current_app.config
        else:
            settings = config_for()
            config = {name: getattr(settings, name) for name in dir(settings) if name.isupper()}
    return _keyring(configured_keys(config))


def encrypt(plain: str, ring: MultiFernet | None = None) -> str:
    return (ring or keyring()).encrypt(plain.encode()).decode()


def decrypt(token: str, ring: MultiFernet | None = None) -> str:
    try:
        return (ring or keyring()).decrypt(token.encode()).decode()
    except InvalidToken:
        raise RuntimeError("An encrypted value can't be read with ENCRYPTION_KEYS: the key it "
                           "was encrypted with is missing from the list.") from None


class Encrypted(TypeDecorator):
    """A string column stored encrypted: code reads and writes the plain value."""

    impl = String(255)
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Any) -> str | None:
        return None if value is None else encrypt(value)

    def process_result_value(self, value: str | None, dialect: Any) -> str | None:
        return None if value is None else decrypt(value)


class LongEncrypted(Encrypted):
    """For values up to about 300 characters (a webhook's address): Fernet's token is about
    4/3 of the value plus 80 characters."""

    impl = String(600)
    cache_ok = True


def rotate(connection: Any) -> int:
    """Re-encrypt every encrypted value under the first key; returns how many."""
    ring, count = keyring(), 0
    for table_name, column_name in ENCRYPTED_COLUMNS:
        rows = table(table_name, column("id"), column(column_name, String))
        target = rows.c[column_name]
        for row_id, token in connection.execute(
                select(rows.c.id, target).where(target.is_not(None))).all():
            connection.execute(update(rows).where(rows.c.id == row_id)
                               .values({column_name: ring.rotate(token.encode()).decode()}))
            count += 1
    return count


keys_cli = AppGroup("keys", help="The keys of the values encrypted at rest.")


@keys_cli.command("new")
def new_cmd() -> None:
    """Print a new key, to put in front of ENCRYPTION_KEYS."""
    click.echo(new_key())


@keys_cli.command("rotate")
def rotate_cmd() -> None:
    """Re-encrypt every encrypted value under the first key of ENCRYPTION_KEYS."""
    count = rotate(db.session.connection())
    db.session.commit()
    click.echo(f"Re-encrypted {count} values under the first key.")
