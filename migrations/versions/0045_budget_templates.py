"""budget templates: the funders' budget forms, their categories, a project's template

Revision ID: 0045
Revises: 0044
Create Date: 2026-11-26 12:10:00

Creates the national template of 国办发〔2021〕32号 as the default: 设备费, 业务费 and 劳务费 direct,
间接费用 indirect, capped by the national tiers of the settings.

Projects already recorded keep their budget lines as they are and follow no template
(`budget_template_id` NULL). Their lines were named freely ("Materials", "Travel", "Equipment"),
were approved at gate 1 and are what spending entries, change requests and baselines point at:
putting them under the default template would mean merging or renaming approved lines (a
materials line is part of 业务费 under the 2021 form but its own category under the older one),
rewriting history nobody decided, and possibly finding an approved budget over a cap it was
never held to. New proposals follow a template; the old ones show their lines as before.
"""

from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa
import tracker.db


revision = '0045'
down_revision = '0044'
branch_labels = None
depends_on = None

NATIONAL = [  # code, Chinese name, English name, kind, equipment purchase
    ('equipment', '设备费', 'Equipment', 'direct', True),
    ('operations', '业务费', 'Operations', 'direct', False),
    ('labour', '劳务费', 'Labour', 'direct', False),
    ('indirect', '间接费用', 'Indirect costs', 'indirect', False),
]


def upgrade() -> None:
    templates = op.create_table('budget_templates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=30), nullable=False),
    sa.Column('funder', sa.String(length=200), nullable=False),
    sa.Column('funder_en', sa.String(length=200), nullable=True),
    sa.Column('edition', sa.String(length=100), nullable=False),
    sa.Column('indirect_rule', sa.Enum('national_tiers', 'flat', 'none', name='indirect_rule', native_enum=False, create_constraint=True, length=14), nullable=False),
    sa.Column('flat_pct', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.Column('is_default', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', tracker.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.CheckConstraint("(indirect_rule = 'flat' AND flat_pct IS NOT NULL) OR (indirect_rule <> 'flat' AND flat_pct IS NULL)", name=op.f('ck_budget_templates_flat_pct_given')),
    sa.CheckConstraint('flat_pct IS NULL OR (flat_pct >= 0 AND flat_pct <= 100)', name=op.f('ck_budget_templates_flat_pct_range')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_budget_templates')),
    sa.UniqueConstraint('code', name=op.f('uq_budget_templates_code')),
    sa.UniqueConstraint('funder', 'edition', name=op.f('uq_budget_templates_funder_edition'))
    )
    with op.batch_alter_table('budget_templates', schema=None) as batch_op:
        batch_op.create_index('uq_budget_templates_default', ['is_default'], unique=True, sqlite_where=sa.text('is_default'), postgresql_where=sa.text('is_default'))

    categories = op.create_table('budget_categories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('template_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('name_en', sa.String(length=100), nullable=True),
    sa.Column('kind', sa.Enum('direct', 'indirect', name='cost_kind', native_enum=False, create_constraint=True, length=8), nullable=False),
    sa.Column('is_equipment', sa.Boolean(), nullable=False),
    sa.CheckConstraint("kind = 'direct' OR NOT is_equipment", name=op.f('ck_budget_categories_equipment_is_direct')),
    sa.ForeignKeyConstraint(['template_id'], ['budget_templates.id'], name=op.f('fk_budget_categories_template_id_budget_templates'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_budget_categories')),
    sa.UniqueConstraint('template_id', 'code', name=op.f('uq_budget_categories_template_id_code'))
    )
    with op.batch_alter_table('budget_categories', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_budget_categories_template_id'), ['template_id'], unique=False)

    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('budget_template_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_projects_budget_template_id_budget_templates'), 'budget_templates', ['budget_template_id'], ['id'])

    with op.batch_alter_table('budget_lines', schema=None) as batch_op:
        batch_op.add_column(sa.Column('category_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_budget_lines_category_id_budget_categories'), 'budget_categories', ['category_id'], ['id'])
        batch_op.create_unique_constraint(batch_op.f('uq_budget_lines_project_id_category_id'), ['project_id', 'category_id'])

    op.bulk_insert(templates, [{
        'id': 1, 'code': 'CN-2021', 'funder': '中央财政科研项目',
        'funder_en': 'Central government research funds', 'edition': '国办发〔2021〕32号',
        'indirect_rule': 'national_tiers', 'flat_pct': None, 'is_default': True,
        'active': True, 'created_at': datetime.now(UTC), 'version': 1}])
    op.bulk_insert(categories, [
        {'template_id': 1, 'position': position, 'code': code, 'name': name, 'name_en': name_en,
         'kind': kind, 'is_equipment': equipment}
        for position, (code, name, name_en, kind, equipment) in enumerate(NATIONAL)])
    if op.get_bind().dialect.name == 'postgresql':  # the explicit id left the sequence behind
        op.execute("SELECT setval(pg_get_serial_sequence('budget_templates', 'id'), "
                   "(SELECT max(id) FROM budget_templates))")


def downgrade() -> None:
    with op.batch_alter_table('budget_lines', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_budget_lines_project_id_category_id'), type_='unique')
        batch_op.drop_constraint(batch_op.f('fk_budget_lines_category_id_budget_categories'), type_='foreignkey')
        batch_op.drop_column('category_id')

    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_projects_budget_template_id_budget_templates'), type_='foreignkey')
        batch_op.drop_column('budget_template_id')

    with op.batch_alter_table('budget_categories', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_budget_categories_template_id'))

    op.drop_table('budget_categories')
    with op.batch_alter_table('budget_templates', schema=None) as batch_op:
        batch_op.drop_index('uq_budget_templates_default', sqlite_where=sa.text('is_default'), postgresql_where=sa.text('is_default'))

    op.drop_table('budget_templates')
