"""what organisations carry for the reports

Revision ID: 0061
Revises: 0060
Create Date: 2026-11-26 19:02:00

Issue 15, point 5: an institute's region (苏南, 苏中, 苏北, outside Jiangsu) and city, whether it
is a legal entity of its own and its unified social credit code (an institute recorded as an
independent legal entity is one); an enterprise's size by the national classification and the
year of each recognition it holds (专精特新, 小巨人, 高新技术企业, 科技型中小企业).
"""

import sqlalchemy as sa
from alembic import op

revision = '0061'
down_revision = '0060'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('enterprises', schema=None) as batch_op:
        batch_op.add_column(sa.Column('size', sa.Enum(
            'large', 'medium', 'small', 'micro', name='enterprise_size', native_enum=False,
            create_constraint=True, length=6), nullable=True))
        for column in ('specialised_since', 'little_giant_since', 'high_tech_since',
                       'tech_sme_since'):
            batch_op.add_column(sa.Column(column, sa.Integer(), nullable=True))
    with op.batch_alter_table('institutes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('region', sa.Enum(
            'south', 'central', 'north', 'outside', name='region', native_enum=False,
            create_constraint=True, length=7), nullable=True))
        batch_op.add_column(sa.Column('city', sa.String(length=100), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('city_en', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('legal_entity', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
        batch_op.add_column(sa.Column('uscc', sa.String(length=18), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_institutes_uscc'), ['uscc'])
    op.execute(sa.text("UPDATE institutes SET legal_entity = :yes WHERE type = 'independent'")
               .bindparams(yes=True))


def downgrade() -> None:
    with op.batch_alter_table('institutes', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_institutes_uscc'), type_='unique')
        batch_op.drop_constraint(batch_op.f('ck_institutes_region'), type_='check')
        for column in ('uscc', 'legal_entity', 'city_en', 'city', 'region'):
            batch_op.drop_column(column)
    with op.batch_alter_table('enterprises', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_enterprises_enterprise_size'), type_='check')
        for column in ('tech_sme_since', 'high_tech_since', 'little_giant_since',
                       'specialised_since', 'size'):
            batch_op.drop_column(column)
