"""One-time form tokens: a create form sent twice creates one record.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import tracker.db

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "form_tokens",
        sa.Column("token", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("used_at", tracker.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("location", sa.String(length=500), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_form_tokens_user_id_users"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("token", name=op.f("pk_form_tokens")),
    )


def downgrade() -> None:
    op.drop_table("form_tokens")
