"""a gate decision's correction without a reason is one recorded before reasons were required

Revision ID: 0102
Revises: 0101
Create Date: 2026-11-28 00:00:00

Issue 9 (small 5): 0096 gave a correction its reason, required by the service, but left the
corrections recorded before it with none ('') and nothing in the schema to tell them from a
correction that lost its reason. They are marked now (`unreasoned_before`: the day of this
upgrade, before which they were recorded) and pages say "no reason recorded (before <day>)"
rather than a blank; a CHECK requires a reason of every other correction. The downgrade
drops both: the marked rows keep their empty reason.
"""

import sqlalchemy as sa
from alembic import op

revision = '0102'
down_revision = '0101'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('gate_decisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unreasoned_before', sa.Date(), nullable=True))
    op.execute("UPDATE gate_decisions SET unreasoned_before = CURRENT_DATE "
               "WHERE supersedes_id IS NOT NULL AND correction_reason = ''")
    with op.batch_alter_table('gate_decisions', schema=None) as batch_op:
        batch_op.create_check_constraint(
            op.f('ck_gate_decisions_correction_with_reason'),
            "supersedes_id IS NULL OR correction_reason <> '' OR "
            "unreasoned_before IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table('gate_decisions', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_gate_decisions_correction_with_reason'),
                                 type_='check')
        batch_op.drop_column('unreasoned_before')
