"""a leaver's vested options are exercisable within a window, then lapse

Revision ID: 0066
Revises: 0065
Create Date: 2026-11-26 23:10:00

Issue 16: `incentive_grants.exercise_window_days` (the grant's own window after leaving; empty
for the setting `option_exercise_window_days`, 90 days), `exercise_until` (fixed on leaving),
`lapsed_on` and `lapsed` (recorded by the daily job once the window is over). Options of
holders who left before this revision are given the default window from the day they left;
the job then records the lapse of those whose window is over.
"""

import sqlalchemy as sa
from alembic import op

revision = '0066'
down_revision = '0065'
branch_labels = None
depends_on = None

DEFAULT_WINDOW_DAYS = 90


def upgrade() -> None:
    with op.batch_alter_table('incentive_grants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('exercise_window_days', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('exercise_until', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('lapsed_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('lapsed', sa.Numeric(precision=20, scale=0),
                                      server_default='0', nullable=False))
        batch_op.create_check_constraint(op.f('ck_incentive_grants_window_not_negative'),
                                         'exercise_window_days >= 0')
        batch_op.create_check_constraint(op.f('ck_incentive_grants_lapsed_not_negative'),
                                         'lapsed >= 0')
    until = (f"left_on + {DEFAULT_WINDOW_DAYS}" if op.get_bind().dialect.name == 'postgresql'
             else f"date(left_on, '+{DEFAULT_WINDOW_DAYS} days')")
    op.execute(f"UPDATE incentive_grants SET exercise_until = {until} "
               "WHERE kind = 'options' AND left_on IS NOT NULL")


def downgrade() -> None:
    # The older schema would take lapsed options for exercisable: refuse rather than lose it.
    lapsed = op.get_bind().scalar(sa.text(
        "SELECT count(*) FROM incentive_grants WHERE lapsed_on IS NOT NULL"))
    if lapsed:
        raise RuntimeError(f"incentive_grants holds {lapsed} grants whose options lapsed, "
                           "which revision 0065 cannot represent: downgrade refused")
    with op.batch_alter_table('incentive_grants', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_incentive_grants_lapsed_not_negative'), type_='check')
        batch_op.drop_constraint(op.f('ck_incentive_grants_window_not_negative'), type_='check')
        batch_op.drop_column('lapsed')
        batch_op.drop_column('lapsed_on')
        batch_op.drop_column('exercise_until')
        batch_op.drop_column('exercise_window_days')
