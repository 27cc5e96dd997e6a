"""a gate deliverable uploaded by mistake is taken off with the reason

Revision ID: 0101
Revises: 0100
Create Date: 2026-11-27 22:05:00

Issue 9 point 5: a deliverable was replaced by uploading it again (the latest counted), with no
reason, and never taken off. Before its gate's review is requested it is now corrected: its
file replaced, or the deliverable taken off, with the reason (`tracker.files.attached`). A
deliverable taken off stays, marked (when, why, by whom), and counts for its gate no more.
The downgrade refuses while one is taken off: the older schema would count it again.
"""

import sqlalchemy as sa
from alembic import op

import tracker.db

revision = '0101'
down_revision = '0100'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('deliverables', schema=None) as batch_op:
        batch_op.add_column(sa.Column('voided_at', tracker.db.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('void_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('voided_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_deliverables_voided_by_id_users'),
                                    'users', ['voided_by_id'], ['id'])
        batch_op.create_check_constraint(
            op.f('ck_deliverables_void_whole'),
            "(voided_at IS NULL AND void_reason IS NULL AND voided_by_id IS NULL) OR "
            "(voided_at IS NOT NULL AND void_reason IS NOT NULL AND voided_by_id IS NOT NULL)")


def downgrade() -> None:
    taken_off = op.get_bind().scalar(sa.text(
        "SELECT count(*) FROM deliverables WHERE voided_at IS NOT NULL"))
    if taken_off:
        raise RuntimeError(f"deliverables holds {taken_off} deliverables taken off, "
                           "which revision 0100 would count for their gate again: downgrade "
                           "refused")
    with op.batch_alter_table('deliverables', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_deliverables_void_whole'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_deliverables_voided_by_id_users'),
                                 type_='foreignkey')
        batch_op.drop_column('voided_by_id')
        batch_op.drop_column('void_reason')
        batch_op.drop_column('voided_at')
