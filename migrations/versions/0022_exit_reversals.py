"""exits reversed with a date and a reason (the exit's row stays as recorded)

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-26 01:30:00
"""

from alembic import op
import sqlalchemy as sa
import tracker.db


revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('exit_reversals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('exit_id', sa.Integer(), nullable=False),
    sa.Column('on_date', sa.Date(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', tracker.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("reason <> ''", name=op.f('ck_exit_reversals_reason_given')),
    sa.ForeignKeyConstraint(['exit_id'], ['company_exits.id'], name=op.f('fk_exit_reversals_exit_id_company_exits'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_exit_reversals_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_exit_reversals')),
    sa.UniqueConstraint('exit_id', name=op.f('uq_exit_reversals_exit_id'))
    )


def downgrade() -> None:
    op.drop_table('exit_reversals')
