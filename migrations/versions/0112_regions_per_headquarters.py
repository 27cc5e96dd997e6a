"""regions per headquarters: regions, institutes.region_id

Revision ID: 0112
Revises: 0111
Create Date: 2026-11-29 18:30:00

An institute's region was one of Jiangsu's (苏南, 苏中, 苏北, outside Jiangsu), which SITI
(Shanghai) and SYIIT (Shenyang) cannot describe their institutes by. `regions`: each
headquarters' own list (code, name in both languages, position, whether still offered). Every
headquarters on record gets the four regions the enum had, under the enum's values as codes,
and each institute is put in its headquarters' region of its old value. The downgrade puts the
enum back from the codes (a region of another code leaves its institutes' region empty).
"""

import sqlalchemy as sa
from alembic import op

revision = '0112'
down_revision = '0111'
branch_labels = None
depends_on = None

# The enum's values, as codes, with the names its labels had.
JIANGSU = (
    ('south', '苏南', 'Southern Jiangsu'),
    ('central', '苏中', 'Central Jiangsu'),
    ('north', '苏北', 'Northern Jiangsu'),
    ('outside', '省外', 'Outside Jiangsu'),
)
ENUM = sa.Enum('south', 'central', 'north', 'outside', name='region', native_enum=False,
               create_constraint=True, length=7)


def upgrade() -> None:
    op.create_table(
        'regions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('hq_id', sa.Integer(), nullable=False),
        sa.Column('code', sa.String(length=20), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('name_en', sa.String(length=100), nullable=True),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('version', sa.Integer(), server_default='1', nullable=False),
        sa.ForeignKeyConstraint(['hq_id'], ['headquarters.id'],
                                name=op.f('fk_regions_hq_id_headquarters')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_regions')),
        sa.UniqueConstraint('hq_id', 'code', name=op.f('uq_regions_hq_id_code')),
        sa.UniqueConstraint('hq_id', 'name', name=op.f('uq_regions_hq_id_name')),
    )
    conn = op.get_bind()
    regions = sa.table('regions', sa.column('hq_id', sa.Integer), sa.column('code', sa.String),
                       sa.column('name', sa.String), sa.column('name_en', sa.String),
                       sa.column('position', sa.Integer), sa.column('active', sa.Boolean),
                       sa.column('version', sa.Integer))
    hqs = conn.execute(sa.text('SELECT id FROM headquarters ORDER BY id')).scalars().all()
    rows = [{'hq_id': hq, 'code': code, 'name': name, 'name_en': name_en, 'position': position,
             'active': True, 'version': 1}
            for hq in hqs for position, (code, name, name_en) in enumerate(JIANGSU, start=1)]
    if rows:
        conn.execute(regions.insert(), rows)
    with op.batch_alter_table('institutes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('region_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f('fk_institutes_region_id_regions'), 'regions',
                                    ['region_id'], ['id'])
    conn.execute(sa.text(
        'UPDATE institutes SET region_id = (SELECT r.id FROM regions r WHERE '
        'r.hq_id = institutes.hq_id AND r.code = institutes.region) '
        'WHERE region IS NOT NULL'))
    with op.batch_alter_table('institutes', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_institutes_region'), type_='check')
        batch_op.drop_column('region')


def downgrade() -> None:
    with op.batch_alter_table('institutes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('region', ENUM, nullable=True))
    op.get_bind().execute(sa.text(
        'UPDATE institutes SET region = (SELECT r.code FROM regions r WHERE '
        'r.id = institutes.region_id AND r.code IN (:s, :c, :n, :o)) '
        'WHERE region_id IS NOT NULL'), {'s': 'south', 'c': 'central', 'n': 'north',
                                           'o': 'outside'})
    with op.batch_alter_table('institutes', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('fk_institutes_region_id_regions'), type_='foreignkey')
        batch_op.drop_column('region_id')
    op.drop_table('regions')
