"""TOTP secrets encrypted at rest: the column grows to hold a Fernet token, and the secrets
already there are encrypted under the first of ENCRYPTION_KEYS (tracker/crypto.py). Run it with
the same ENCRYPTION_KEYS (or, in development, SECRET_KEY) as the app.

Revision ID: 0020
Revises: 0019
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from tracker import crypto

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

USERS = sa.table("users", sa.column("id", sa.Integer), sa.column("totp_secret", sa.String))


def _rewrite(change) -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.select(USERS.c.id, USERS.c.totp_secret).where(
        USERS.c.totp_secret.is_not(None))).all()
    for row_id, value in rows:
        connection.execute(sa.update(USERS).where(USERS.c.id == row_id)
                           .values(totp_secret=change(value)))


def upgrade() -> None:
    with op.batch_alter_table("users") as batch_op:
        batch_op.alter_column("totp_secret", existing_type=sa.String(length=32),
                              type_=sa.String(length=255), existing_nullable=True)
    ring = crypto.keyring()
    _rewrite(lambda plain: crypto.encrypt(plain, ring))


def downgrade() -> None:
    ring = crypto.keyring()
    _rewrite(lambda token: crypto.decrypt(token, ring))
    with op.batch_alter_table("users") as batch_op:
        batch_op.alter_column("totp_secret", existing_type=sa.String(length=255),
                              type_=sa.String(length=32), existing_nullable=True)
