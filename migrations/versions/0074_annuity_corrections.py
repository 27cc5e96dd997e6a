"""a patent annuity's payment recorded by mistake is reversed; a late payment says its surcharge

Revision ID: 0074
Revises: 0073
Create Date: 2026-11-27 05:40:00

An annuity paid is paid once: a payment recorded by mistake is reversed with a reason, and the
annuity is due again (its reminders resume). The reversal keeps the payment as it was recorded
(`annuity_payment_reversals`: its date, amount and surcharge reason), beside the reversal's own
date, reason and author, so both stay on the patent's page and in its history.

A payment above the fee is a late payment's surcharge (滞纳金) and says so
(`patent_annuities.late_fee_reason`); payments recorded before say nothing.
"""

import sqlalchemy as sa
from alembic import op

import tracker.db

revision = '0074'
down_revision = '0073'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('patent_annuities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('late_fee_reason', sa.Text(), server_default='',
                                      nullable=False))
    op.create_table('annuity_payment_reversals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('annuity_id', sa.Integer(), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('paid_amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('late_fee_reason', sa.Text(), server_default='', nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', tracker.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("reason <> ''", name=op.f('ck_annuity_payment_reversals_reason_given')),
    sa.ForeignKeyConstraint(['annuity_id'], ['patent_annuities.id'], name=op.f('fk_annuity_payment_reversals_annuity_id_patent_annuities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_annuity_payment_reversals_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_annuity_payment_reversals'))
    )
    with op.batch_alter_table('annuity_payment_reversals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_annuity_payment_reversals_annuity_id'),
                              ['annuity_id'], unique=False)


def downgrade() -> None:
    # The older schema has no place for a reversed payment, and dropping one would lose the
    # payment it records: refuse rather than lose it.
    reversals = op.get_bind().scalar(sa.text("SELECT count(*) FROM annuity_payment_reversals"))
    if reversals:
        raise RuntimeError(f"annuity_payment_reversals holds {reversals} rows, which revision "
                           "0073 cannot represent: downgrade refused")
    with op.batch_alter_table('annuity_payment_reversals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_annuity_payment_reversals_annuity_id'))
    op.drop_table('annuity_payment_reversals')
    with op.batch_alter_table('patent_annuities', schema=None) as batch_op:
        batch_op.drop_column('late_fee_reason')
