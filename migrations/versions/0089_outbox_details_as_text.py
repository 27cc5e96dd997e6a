"""the outbox keeps a message's details as the text of their JSON

Revision ID: 0089
Revises: 0088
Create Date: 2026-11-27 12:20:00

Issue 21 (reminder scans cost what is new): PostgreSQL's JSON type parsed each document on
the way in, nearly a third of the server's CPU in a scan's COPY of 59,215 reminders (the
backend's CPU time, three runs: 0.55-0.61 s with JSON, 0.39-0.45 s with text), and no query
looks inside the details (the app reads them whole: `db.JSONText`). Each document is kept as
it was; the downgrade casts the text back to JSON.
"""

import sqlalchemy as sa
from alembic import op

revision = '0089'
down_revision = '0088'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('reminder_outbox', schema=None) as batch_op:
        batch_op.alter_column('details', existing_type=sa.JSON(), type_=sa.Text(),
                              existing_nullable=False, postgresql_using='details::text')


def downgrade() -> None:
    with op.batch_alter_table('reminder_outbox', schema=None) as batch_op:
        batch_op.alter_column('details', existing_type=sa.Text(), type_=sa.JSON(),
                              existing_nullable=False, postgresql_using='details::json')
