"""a deal's upfront payment has a due date

Revision ID: 0062
Revises: 0061
Create Date: 2026-11-26 19:30:00

Issue 16: an upfront payment not received by its due date is reminded (rule upfront_payment).
"""

import sqlalchemy as sa
from alembic import op

revision = '0062'
down_revision = '0061'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('ip_transfers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('upfront_due_on', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('ip_transfers', schema=None) as batch_op:
        batch_op.drop_column('upfront_due_on')
