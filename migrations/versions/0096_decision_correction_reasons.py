"""a correction of a gate decision says why

Revision ID: 0096
Revises: 0095
Create Date: 2026-11-27 18:20:00

Every correction carries a reason (issue 9 point 5): a gate decision's correction now keeps
its own (`gate_decisions.correction_reason`), required by `tracker.gates.decisions
.correct_decision` and shown on the review page and in the history. A first decision has
none (''). No CHECK ties it to `supersedes_id`: corrections recorded before this revision were
made without one, and the page says so rather than inventing it.
"""

import sqlalchemy as sa
from alembic import op

revision = '0096'
down_revision = '0095'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('gate_decisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('correction_reason', sa.Text(), nullable=False,
                                      server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('gate_decisions', schema=None) as batch_op:
        batch_op.drop_column('correction_reason')
