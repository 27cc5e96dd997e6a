"""an institute's co-building partners

Revision ID: 0064
Revises: 0063
Create Date: 2026-11-26 19:35:00

Issue 15, point 5: the universities, research institutes and government bodies an institute is
built with (共建单位) are partners (tracker/partners).
"""

import sqlalchemy as sa
from alembic import op

revision = '0064'
down_revision = '0063'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'institute_partners',
        sa.Column('institute_id', sa.Integer(), nullable=False),
        sa.Column('partner_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['institute_id'], ['institutes.id'],
                                name=op.f('fk_institute_partners_institute_id_institutes'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['partner_id'], ['partners.id'],
                                name=op.f('fk_institute_partners_partner_id_partners')),
        sa.PrimaryKeyConstraint('institute_id', 'partner_id',
                                name=op.f('pk_institute_partners')))
    with op.batch_alter_table('institute_partners', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_institute_partners_partner_id'), ['partner_id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('institute_partners', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_institute_partners_partner_id'))
    op.drop_table('institute_partners')
