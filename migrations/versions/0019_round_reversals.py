"""financing rounds reversed with a date and a reason (the round's row stays as recorded)

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-26 01:15:00
"""

from alembic import op
import sqlalchemy as sa
import tracker.db


revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('round_reversals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', tracker.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("reason <> ''", name=op.f('ck_round_reversals_reason_given')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_round_reversals_recorded_by_id_users')),
    sa.ForeignKeyConstraint(['round_id'], ['financing_rounds.id'], name=op.f('fk_round_reversals_round_id_financing_rounds'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_round_reversals')),
    sa.UniqueConstraint('round_id', name=op.f('uq_round_reversals_round_id'))
    )


def downgrade() -> None:
    op.drop_table('round_reversals')
