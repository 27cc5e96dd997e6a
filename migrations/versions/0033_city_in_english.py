"""the city of enterprises and joint innovation centres in English beside Chinese

Revision ID: 0033
Revises: 0032
Create Date: 2026-11-26 06:10:00

A city is reference data people read, like a name or an industry: English pages showed it in
Chinese. `city_en` sits beside `city` as the other `_en` columns of 0025 do.
"""

from alembic import op
import sqlalchemy as sa


revision = '0033'
down_revision = '0032'
branch_labels = None
depends_on = None

TABLES = ('enterprises', 'joint_innovation_centres')


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column('city_en', sa.String(100), nullable=True))


def downgrade() -> None:
    for table in reversed(TABLES):
        with op.batch_alter_table(table) as batch:
            batch.drop_column('city_en')
