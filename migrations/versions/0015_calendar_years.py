"""calendar years HQ declared complete: the warning about a year the holiday library lacks
stays until then

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-26 00:20:00
"""

from alembic import op
import sqlalchemy as sa
import tracker.db


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('calendar_years',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('completed_by_id', sa.Integer(), nullable=False),
    sa.Column('completed_at', tracker.db.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('year BETWEEN 1990 AND 2100', name=op.f('ck_calendar_years_year_range')),
    sa.ForeignKeyConstraint(['completed_by_id'], ['users.id'], name=op.f('fk_calendar_years_completed_by_id_users')),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_calendar_years'))
    )


def downgrade() -> None:
    op.drop_table('calendar_years')
