"""a transfer or licence of the achievements register recorded by mistake is voided

Revision ID: 0095
Revises: 0094
Create Date: 2026-11-27 15:00:00

As every record entered by mistake since 0094 (`tracker.voids`): a deal of the register is
voided with a reason once nothing recorded under it stands (its receipts and royalty reports
reversed first), stays on its achievement's page and in the history, marked (when, why, by
whom), and counts in no figure (the dashboard, /transfers/, the annual report, the assessment,
the exports, the API). The downgrade refuses while a deal is voided: the older schema would
count it again.
"""

import sqlalchemy as sa
from alembic import op

import tracker.db

revision = '0095'
down_revision = '0094'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('ip_transfers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('voided_at', tracker.db.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('void_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('voided_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_ip_transfers_voided_by_id_users'),
                                    'users', ['voided_by_id'], ['id'])
        batch_op.create_check_constraint(
            op.f('ck_ip_transfers_void_whole'),
            "(voided_at IS NULL AND void_reason IS NULL AND voided_by_id IS NULL) OR "
            "(voided_at IS NOT NULL AND void_reason IS NOT NULL AND voided_by_id IS NOT NULL)")


def downgrade() -> None:
    voided = op.get_bind().scalar(sa.text(
        "SELECT count(*) FROM ip_transfers WHERE voided_at IS NOT NULL"))
    if voided:
        raise RuntimeError(f"ip_transfers holds {voided} voided deals, which revision 0094 "
                           "would count again: downgrade refused")
    with op.batch_alter_table('ip_transfers', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_ip_transfers_void_whole'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_ip_transfers_voided_by_id_users'),
                                 type_='foreignkey')
        batch_op.drop_column('voided_by_id')
        batch_op.drop_column('void_reason')
        batch_op.drop_column('voided_at')
