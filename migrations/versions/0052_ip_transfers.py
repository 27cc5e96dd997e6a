"""transfers and licences of achievements, royalty reports, income and its distribution

Revision ID: 0052
Revises: 0051
Create Date: 2026-11-26 15:20:00

`ip_transfers`: a transfer, licence (exclusive or not) or contribution for equity of an
achievement to an enterprise, with upfront, royalty rate and base, minimum, reporting period,
the contributors' share of the net income (article 45) and the reason of an exception, and the
spin-off's `ip_deals` record of the same deal when there is one; `royalty_reports` (one per
period); `ip_income` (each receipt, its costs and the contributors' part of it as it stood);
`ip_income_shares` (each contributor's amount of a receipt).
"""

import sqlalchemy as sa
from alembic import op

import tracker.db

revision = '0052'
down_revision = '0051'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ip_transfers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('achievement_id', sa.Integer(), nullable=False),
    sa.Column('enterprise_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('transfer', 'exclusive_licence', 'non_exclusive_licence', 'equity', name='transfer_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('signed_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('upfront', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('royalty_pct', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('royalty_base', sa.Enum('net_sales', 'gross_sales', 'profit', name='royalty_base', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('minimum_royalty', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('reporting_months', sa.Integer(), nullable=False),
    sa.Column('report_days', sa.Integer(), nullable=False),
    sa.Column('payment_days', sa.Integer(), nullable=False),
    sa.Column('contributor_pct', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('override_reason', sa.Text(), nullable=False),
    sa.Column('ip_deal_id', sa.Integer(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', tracker.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint('contributor_pct BETWEEN 0 AND 100', name=op.f('ck_ip_transfers_contributor_range')),
    sa.CheckConstraint('minimum_royalty >= 0', name=op.f('ck_ip_transfers_minimum_not_negative')),
    sa.CheckConstraint('reporting_months IN (0, 1, 3, 6, 12)', name=op.f('ck_ip_transfers_reporting_period')),
    sa.CheckConstraint('royalty_pct BETWEEN 0 AND 100', name=op.f('ck_ip_transfers_royalty_range')),
    sa.CheckConstraint('upfront >= 0', name=op.f('ck_ip_transfers_upfront_not_negative')),
    sa.ForeignKeyConstraint(['achievement_id'], ['achievements.id'], name=op.f('fk_ip_transfers_achievement_id_achievements')),
    sa.ForeignKeyConstraint(['enterprise_id'], ['enterprises.id'], name=op.f('fk_ip_transfers_enterprise_id_enterprises')),
    sa.ForeignKeyConstraint(['ip_deal_id'], ['ip_deals.id'], name=op.f('fk_ip_transfers_ip_deal_id_ip_deals')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_ip_transfers_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ip_transfers')),
    sa.UniqueConstraint('ip_deal_id', name=op.f('uq_ip_transfers_ip_deal_id'))
    )
    with op.batch_alter_table('ip_transfers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ip_transfers_achievement_id'), ['achievement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ip_transfers_enterprise_id'), ['enterprise_id'], unique=False)

    op.create_table('royalty_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('transfer_id', sa.Integer(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('base_amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('royalty_due', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('payment_due_on', sa.Date(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('base_amount >= 0', name=op.f('ck_royalty_reports_base_not_negative')),
    sa.CheckConstraint('royalty_due >= 0', name=op.f('ck_royalty_reports_royalty_not_negative')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_royalty_reports_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['transfer_id'], ['ip_transfers.id'], name=op.f('fk_royalty_reports_transfer_id_ip_transfers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_royalty_reports')),
    sa.UniqueConstraint('transfer_id', 'period_end', name=op.f('uq_royalty_reports_transfer_id_period_end'))
    )
    with op.batch_alter_table('royalty_reports', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_royalty_reports_transfer_id'), ['transfer_id'], unique=False)

    op.create_table('ip_income',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('transfer_id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=True),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('costs', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('contributor_pct', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('pool', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_ip_income_amount_positive')),
    sa.CheckConstraint('costs >= 0 AND costs <= amount', name=op.f('ck_ip_income_costs_range')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_ip_income_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['report_id'], ['royalty_reports.id'], name=op.f('fk_ip_income_report_id_royalty_reports')),
    sa.ForeignKeyConstraint(['transfer_id'], ['ip_transfers.id'], name=op.f('fk_ip_income_transfer_id_ip_transfers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ip_income'))
    )
    with op.batch_alter_table('ip_income', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ip_income_report_id'), ['report_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ip_income_transfer_id'), ['transfer_id'], unique=False)

    op.create_table('ip_income_shares',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('receipt_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('share_pct', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.ForeignKeyConstraint(['receipt_id'], ['ip_income.id'], name=op.f('fk_ip_income_shares_receipt_id_ip_income'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_ip_income_shares_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ip_income_shares'))
    )
    with op.batch_alter_table('ip_income_shares', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ip_income_shares_receipt_id'), ['receipt_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ip_income_shares_user_id'), ['user_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('ip_income_shares', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ip_income_shares_user_id'))
        batch_op.drop_index(batch_op.f('ix_ip_income_shares_receipt_id'))

    op.drop_table('ip_income_shares')
    with op.batch_alter_table('ip_income', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ip_income_transfer_id'))
        batch_op.drop_index(batch_op.f('ix_ip_income_report_id'))

    op.drop_table('ip_income')
    with op.batch_alter_table('royalty_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_royalty_reports_transfer_id'))

    op.drop_table('royalty_reports')
    with op.batch_alter_table('ip_transfers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ip_transfers_enterprise_id'))
        batch_op.drop_index(batch_op.f('ix_ip_transfers_achievement_id'))

    op.drop_table('ip_transfers')
