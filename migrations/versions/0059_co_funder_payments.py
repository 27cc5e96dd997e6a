"""what co-funders paid

Revision ID: 0059
Revises: 0058
Create Date: 2026-11-26 19:00:00

Issue 15, point 3: the payments each co-funder of an allocation-investment agreement made
against what it committed by the ratio, never edited or deleted; one recorded by mistake is
reversed by an entry of the negated amount naming it, with a reason.
"""

import sqlalchemy as sa
from alembic import op

import tracker.db

revision = '0059'
down_revision = '0058'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'co_funder_payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('co_funder_id', sa.Integer(), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('reference', sa.String(length=100), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', tracker.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reverses_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.CheckConstraint('(reverses_id IS NULL AND amount > 0) OR (reverses_id IS NOT NULL AND amount < 0)', name=op.f('ck_co_funder_payments_amount_sign')),
    sa.ForeignKeyConstraint(['co_funder_id'], ['co_funders.id'], name=op.f('fk_co_funder_payments_co_funder_id_co_funders'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_co_funder_payments_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['reverses_id'], ['co_funder_payments.id'], name=op.f('fk_co_funder_payments_reverses_id_co_funder_payments')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_co_funder_payments')),
    sa.UniqueConstraint('reverses_id', name=op.f('uq_co_funder_payments_reverses_id'))
    )
    with op.batch_alter_table('co_funder_payments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_co_funder_payments_co_funder_id'), ['co_funder_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('co_funder_payments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_co_funder_payments_co_funder_id'))

    op.drop_table('co_funder_payments')
