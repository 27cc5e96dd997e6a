"""an option exercise or a leaving recorded by mistake is reversed, with a reason

Revision ID: 0078
Revises: 0077
Create Date: 2026-11-27 05:40:00

An exercise recorded by mistake is undone by a reversing entry on the share ledger and a row
saying when, by whom and why (`exercise_reversals`); the exercise stays, marked reversed, and
no longer counts. A leaving recorded by mistake is undone likewise: the grant is restored, and
`leaving_reversals` keeps what the leaving said (its date, what was forfeited and why, the
exercise window and a lapse) beside the reason it was reversed.
"""

import sqlalchemy as sa
from alembic import op

import tracker.db

revision = '0078'
down_revision = '0077'
branch_labels = None
depends_on = None

SHARES = sa.Numeric(precision=20, scale=0)


def _reversal_columns() -> list[sa.Column]:
    return [sa.Column('id', sa.Integer(), nullable=False),
            sa.Column('on_date', sa.Date(), nullable=False),
            sa.Column('reason', sa.Text(), nullable=False),
            sa.Column('recorded_by_id', sa.Integer(), nullable=False),
            sa.Column('recorded_at', tracker.db.UTCDateTime(timezone=True), nullable=False)]


def upgrade() -> None:
    op.create_table(
        'exercise_reversals', *_reversal_columns(),
        sa.Column('exercise_id', sa.Integer(), nullable=False),
        sa.Column('entry_id', sa.Integer(), nullable=False),
        sa.CheckConstraint("reason <> ''", name=op.f('ck_exercise_reversals_reason_given')),
        sa.ForeignKeyConstraint(['exercise_id'], ['option_exercises.id'],
                                name=op.f('fk_exercise_reversals_exercise_id_option_exercises'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['entry_id'], ['share_entries.id'],
                                name=op.f('fk_exercise_reversals_entry_id_share_entries')),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'],
                                name=op.f('fk_exercise_reversals_recorded_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_exercise_reversals')),
        sa.UniqueConstraint('exercise_id', name=op.f('uq_exercise_reversals_exercise_id')),
        sa.UniqueConstraint('entry_id', name=op.f('uq_exercise_reversals_entry_id')))
    op.create_table(
        'leaving_reversals', *_reversal_columns(),
        sa.Column('grant_id', sa.Integer(), nullable=False),
        sa.Column('left_on', sa.Date(), nullable=False),
        sa.Column('forfeited', SHARES, nullable=False),
        sa.Column('forfeit_reason', sa.Text(), nullable=False),
        sa.Column('exercise_until', sa.Date(), nullable=True),
        sa.Column('lapsed_on', sa.Date(), nullable=True),
        sa.Column('lapsed', SHARES, nullable=False),
        sa.Column('forfeit_entry_id', sa.Integer(), nullable=True),
        sa.Column('entry_id', sa.Integer(), nullable=True),
        sa.CheckConstraint("reason <> ''", name=op.f('ck_leaving_reversals_reason_given')),
        sa.ForeignKeyConstraint(['grant_id'], ['incentive_grants.id'],
                                name=op.f('fk_leaving_reversals_grant_id_incentive_grants'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['forfeit_entry_id'], ['share_entries.id'],
                                name=op.f('fk_leaving_reversals_forfeit_entry_id_share_entries')),
        sa.ForeignKeyConstraint(['entry_id'], ['share_entries.id'],
                                name=op.f('fk_leaving_reversals_entry_id_share_entries')),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'],
                                name=op.f('fk_leaving_reversals_recorded_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_leaving_reversals')))
    op.create_index(op.f('ix_leaving_reversals_grant_id'), 'leaving_reversals', ['grant_id'])


def downgrade() -> None:
    # The older schema has no place for a reversal, and dropping one would bring back the
    # mistake it undid: refuse rather than lose it.
    bind = op.get_bind()
    for table in ('exercise_reversals', 'leaving_reversals'):
        if bind.scalar(sa.text(f"SELECT count(*) FROM {table}")):
            raise RuntimeError(f"{table} holds reversals, which revision 0077 cannot "
                               "represent: downgrade refused")
    op.drop_index(op.f('ix_leaving_reversals_grant_id'), table_name='leaving_reversals')
    op.drop_table('leaving_reversals')
    op.drop_table('exercise_reversals')
