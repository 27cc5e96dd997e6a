"""partners, and co-funders that are partners

Revision ID: 0056
Revises: 0055
Create Date: 2026-11-26 18:45:00

Issue 15, point 3: universities, research institutes, government bodies, investors and banks
are partners, each of its kind (a government body's level: province, city, district). A
co-funder of an allocation-investment agreement names its partner instead of holding a name:
each name on record becomes a government body (trimmed; the same name on several agreements is
one partner). The downgrade gives each co-funder its partner's name back.
"""

import sqlalchemy as sa
from alembic import op

revision = '0056'
down_revision = '0055'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'partners',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('name_en', sa.String(length=200), nullable=True),
        sa.Column('kind', sa.Enum('university', 'research_institute', 'government', 'investor',
                                  'bank', name='partner_kind', native_enum=False,
                                  create_constraint=True, length=18), nullable=False),
        sa.Column('level', sa.Enum('province', 'city', 'district', name='government_level',
                                   native_enum=False, create_constraint=True, length=8),
                  nullable=True),
        sa.Column('uscc', sa.String(length=18), nullable=True),
        sa.Column('city', sa.String(length=100), nullable=False),
        sa.Column('city_en', sa.String(length=100), nullable=True),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('version', sa.Integer(), server_default='1', nullable=False),
        sa.CheckConstraint("level IS NULL OR kind = 'government'",
                           name=op.f('ck_partners_level_of_government')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_partners')),
        sa.UniqueConstraint('uscc', name=op.f('uq_partners_uscc')))
    with op.batch_alter_table('partners', schema=None) as batch_op:
        # The funding agreements and their import find a co-funder by its name (cells.partner_id:
        # WHERE name = :name).
        batch_op.create_index('ix_partners_name', ['name'], unique=False)
    op.execute("INSERT INTO partners (name, kind, city, note, version) "
               "SELECT DISTINCT trim(name), 'government', '', '', 1 FROM co_funders")
    with op.batch_alter_table('co_funders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('partner_id', sa.Integer(), nullable=True))
    op.execute("UPDATE co_funders SET partner_id = "
               "(SELECT p.id FROM partners p WHERE p.name = trim(co_funders.name))")
    with op.batch_alter_table('co_funders', schema=None) as batch_op:
        batch_op.alter_column('partner_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_index(batch_op.f('ix_co_funders_partner_id'), ['partner_id'],
                              unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_co_funders_partner_id_partners'),
                                    'partners', ['partner_id'], ['id'])
        batch_op.drop_column('name')


def downgrade() -> None:
    with op.batch_alter_table('co_funders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name', sa.String(length=200), nullable=True))
    op.execute("UPDATE co_funders SET name = "
               "(SELECT p.name FROM partners p WHERE p.id = co_funders.partner_id)")
    with op.batch_alter_table('co_funders', schema=None) as batch_op:
        batch_op.alter_column('name', existing_type=sa.String(length=200), nullable=False)
        batch_op.drop_constraint(batch_op.f('fk_co_funders_partner_id_partners'),
                                 type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_co_funders_partner_id'))
        batch_op.drop_column('partner_id')
    with op.batch_alter_table('partners', schema=None) as batch_op:
        batch_op.drop_index('ix_partners_name')
    op.drop_table('partners')
