"""a partner merged into another: an audited redirect

Revision ID: 0070
Revises: 0069
Create Date: 2026-11-26 23:35:00

Issue 15, point 3: the same organisation entered twice is merged by an HQ admin; the one merged
keeps its row, pointing at the one that stays, so that its page and its name lead there.
"""

import sqlalchemy as sa
from alembic import op

revision = '0070'
down_revision = '0069'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('partners', schema=None) as batch_op:
        batch_op.add_column(sa.Column('merged_into_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_partners_merged_into_id_partners'),
                                    'partners', ['merged_into_id'], ['id'])


def downgrade() -> None:
    with op.batch_alter_table('partners', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_partners_merged_into_id_partners'),
                                 type_='foreignkey')
        batch_op.drop_column('merged_into_id')
