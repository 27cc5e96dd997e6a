"""equity incentives at the person level: grants from a company's incentive pool, exercises

Revision ID: 0051
Revises: 0050
Create Date: 2026-11-26 15:20:00

`incentive_grants`: shares or options from a company's incentive pool to a named person (a
user or a name), with the vesting schedule (start, months, cliff), lock-up and, once they left,
what was forfeited. `option_exercises`: options exercised, each with the ledger's transfer from
the pool. `share_entries.acquired_by` takes 'incentive', the acquisition of those transfers.
"""

import sqlalchemy as sa
from alembic import op

import tracker.db

revision = '0051'
down_revision = '0050'
branch_labels = None
depends_on = None

BEFORE = ('cash', 'ip', 'conversion')
AFTER = (*BEFORE, 'incentive')


def _acquisitions(values: tuple[str, ...]) -> None:
    with op.batch_alter_table('share_entries', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_share_entries_acquisition'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_share_entries_acquisition'),
            sa.text('acquired_by IN (' + ', '.join(f"'{v}'" for v in values) + ')'))


def upgrade() -> None:
    _acquisitions(AFTER)
    op.create_table(
        'incentive_grants',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('company_id', sa.Integer(), nullable=False),
        sa.Column('pool_id', sa.Integer(), nullable=False),
        sa.Column('holder_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('person_name', sa.String(length=200), nullable=False),
        sa.Column('kind', sa.Enum('shares', 'options', name='grant_kind', native_enum=False,
                                  create_constraint=True, length=7), nullable=False),
        sa.Column('shares', sa.Numeric(precision=20, scale=0), nullable=False),
        sa.Column('exercise_price', sa.Numeric(precision=18, scale=4), nullable=True),
        sa.Column('granted_on', sa.Date(), nullable=False),
        sa.Column('vesting_start', sa.Date(), nullable=False),
        sa.Column('vesting_months', sa.Integer(), nullable=False),
        sa.Column('cliff_months', sa.Integer(), nullable=False),
        sa.Column('lock_up_until', sa.Date(), nullable=True),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('left_on', sa.Date(), nullable=True),
        sa.Column('forfeited', sa.Numeric(precision=20, scale=0), nullable=False),
        sa.Column('forfeit_reason', sa.Text(), nullable=False),
        sa.Column('grant_entry_id', sa.Integer(), nullable=True),
        sa.Column('forfeit_entry_id', sa.Integer(), nullable=True),
        sa.Column('recorded_by_id', sa.Integer(), nullable=False),
        sa.Column('recorded_at', tracker.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('version', sa.Integer(), server_default='1', nullable=False),
        sa.CheckConstraint('shares > 0', name=op.f('ck_incentive_grants_shares_positive')),
        sa.CheckConstraint('vesting_months >= 0',
                           name=op.f('ck_incentive_grants_months_not_negative')),
        sa.CheckConstraint('cliff_months >= 0 AND cliff_months <= vesting_months',
                           name=op.f('ck_incentive_grants_cliff_within_vesting')),
        sa.CheckConstraint('forfeited >= 0',
                           name=op.f('ck_incentive_grants_forfeited_not_negative')),
        sa.ForeignKeyConstraint(['company_id'], ['companies.id'], ondelete='CASCADE',
                                name=op.f('fk_incentive_grants_company_id_companies')),
        sa.ForeignKeyConstraint(['pool_id'], ['shareholders.id'],
                                name=op.f('fk_incentive_grants_pool_id_shareholders')),
        sa.ForeignKeyConstraint(['holder_id'], ['shareholders.id'],
                                name=op.f('fk_incentive_grants_holder_id_shareholders')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_incentive_grants_user_id_users')),
        sa.ForeignKeyConstraint(['grant_entry_id'], ['share_entries.id'],
                                name=op.f('fk_incentive_grants_grant_entry_id_share_entries')),
        sa.ForeignKeyConstraint(['forfeit_entry_id'], ['share_entries.id'],
                                name=op.f('fk_incentive_grants_forfeit_entry_id_share_entries')),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'],
                                name=op.f('fk_incentive_grants_recorded_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_incentive_grants')),
    )
    op.create_index(op.f('ix_incentive_grants_company_id'), 'incentive_grants', ['company_id'])
    op.create_index(op.f('ix_incentive_grants_user_id'), 'incentive_grants', ['user_id'])
    op.create_table(
        'option_exercises',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('grant_id', sa.Integer(), nullable=False),
        sa.Column('on_date', sa.Date(), nullable=False),
        sa.Column('shares', sa.Numeric(precision=20, scale=0), nullable=False),
        sa.Column('entry_id', sa.Integer(), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=False),
        sa.Column('recorded_at', tracker.db.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint('shares > 0', name=op.f('ck_option_exercises_shares_positive')),
        sa.ForeignKeyConstraint(['grant_id'], ['incentive_grants.id'], ondelete='CASCADE',
                                name=op.f('fk_option_exercises_grant_id_incentive_grants')),
        sa.ForeignKeyConstraint(['entry_id'], ['share_entries.id'],
                                name=op.f('fk_option_exercises_entry_id_share_entries')),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'],
                                name=op.f('fk_option_exercises_recorded_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_option_exercises')),
        sa.UniqueConstraint('entry_id', name=op.f('uq_option_exercises_entry_id')),
    )
    op.create_index(op.f('ix_option_exercises_grant_id'), 'option_exercises', ['grant_id'])


def downgrade() -> None:
    op.drop_index(op.f('ix_option_exercises_grant_id'), table_name='option_exercises')
    op.drop_table('option_exercises')
    op.drop_index(op.f('ix_incentive_grants_user_id'), table_name='incentive_grants')
    op.drop_index(op.f('ix_incentive_grants_company_id'), table_name='incentive_grants')
    op.drop_table('incentive_grants')
    op.execute("UPDATE share_entries SET acquired_by = 'cash' WHERE acquired_by = 'incentive'")
    _acquisitions(BEFORE)
