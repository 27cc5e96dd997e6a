"""Audit records about nothing that exists: a sign-in attempt with an unknown e-mail, a refusal
before anyone signed in. Their object id is empty instead of the #0 of a user who never
exists (the trail linked to it, and the link answered 404).

The hash chain reads an empty object id as 0 (tracker/audit/chain.py:canonical), so records
written before this revision keep their hashes, and so do those written after it if the
downgrade writes 0 back.

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_records") as batch_op:
        batch_op.alter_column("object_id", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres:  # the owner steps around the append-only trigger for this one rewrite
        op.execute("ALTER TABLE audit_records DISABLE TRIGGER audit_records_append_only")
    op.execute("UPDATE audit_records SET object_id = 0 WHERE object_id IS NULL")
    if postgres:
        op.execute("ALTER TABLE audit_records ENABLE TRIGGER audit_records_append_only")
    with op.batch_alter_table("audit_records") as batch_op:
        batch_op.alter_column("object_id", existing_type=sa.Integer(), nullable=False)
