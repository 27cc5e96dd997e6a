"""the expert pool (专家库), a gate's panel minimums, research acceptance's conclusion

Revision ID: 0047
Revises: 0046
Create Date: 2026-11-26 12:15:00

`experts`: the people a panel is drawn from, with title, unit (one of our institutes or
enterprises when it is one), fields of expertise, contact and the account they score with.
`gate_templates` gains what a panel must hold (a number of experts at a title, from a number
of outside units). `gate_decisions` gains research acceptance's official conclusion (通过验收,
需要复议, 不通过验收) and the completion ratio it was judged on. `role_grants.role` takes
'external_expert', the limited account of an expert from outside.
"""

import sqlalchemy as sa
from alembic import op

import tracker.db

revision = '0047'
down_revision = '0046'
branch_labels = None
depends_on = None

TITLES = ('senior', 'associate_senior', 'intermediate', 'junior', 'none')
ROLES_BEFORE = ('project_manager', 'evaluator', 'investment_committee', 'hq_admin', 'observer',
                'institute_director')
ROLES_AFTER = (*ROLES_BEFORE[:5], 'external_expert', ROLES_BEFORE[5])


def _roles(values: tuple[str, ...]) -> None:
    with op.batch_alter_table('role_grants', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_role_grants_role'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_role_grants_role'),
            sa.text('role IN (' + ', '.join(f"'{v}'" for v in values) + ')'))


def upgrade() -> None:
    op.create_table(
        'experts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('professional_title', sa.Enum(*TITLES, name='expert_title', native_enum=False,
                                   create_constraint=True, length=16), nullable=False),
        sa.Column('unit', sa.String(length=200), nullable=False),
        sa.Column('unit_institute_id', sa.Integer(), nullable=True),
        sa.Column('unit_enterprise_id', sa.Integer(), nullable=True),
        sa.Column('expertise', sa.Text(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('phone', sa.String(length=30), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_at', tracker.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('version', sa.Integer(), server_default='1', nullable=False),
        sa.ForeignKeyConstraint(['unit_enterprise_id'], ['enterprises.id'],
                                name=op.f('fk_experts_unit_enterprise_id_enterprises')),
        sa.ForeignKeyConstraint(['unit_institute_id'], ['institutes.id'],
                                name=op.f('fk_experts_unit_institute_id_institutes')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_experts_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_experts')),
        sa.UniqueConstraint('user_id', name=op.f('uq_experts_user_id')),
    )
    # The expert pool's list, ordered by name (experts.views: ORDER BY name, id).
    op.create_index('ix_experts_name', 'experts', ['name'], unique=False)
    with op.batch_alter_table('gate_templates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('min_experts', sa.Integer(), server_default='0',
                                      nullable=False))
        batch_op.add_column(sa.Column('min_outside_units', sa.Integer(), server_default='0',
                                      nullable=False))
        batch_op.add_column(sa.Column('min_expert_title', sa.Enum(
            *TITLES, name='min_expert_title', native_enum=False, create_constraint=True,
            length=16), nullable=True))
        batch_op.create_check_constraint(op.f('ck_gate_templates_min_experts_not_negative'),
                                         'min_experts >= 0')
        batch_op.create_check_constraint(
            op.f('ck_gate_templates_min_outside_units_not_negative'), 'min_outside_units >= 0')
    with op.batch_alter_table('gate_decisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('conclusion', sa.Enum(
            'passed', 'reconsider', 'failed', name='conclusion', native_enum=False,
            create_constraint=True, length=10), nullable=True))
        batch_op.add_column(sa.Column('completion_ratio', sa.Numeric(5, 2), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_gate_decisions_conclusion_with_ratio'),
            '(conclusion IS NULL AND completion_ratio IS NULL) OR '
            '(conclusion IS NOT NULL AND completion_ratio IS NOT NULL AND '
            'completion_ratio BETWEEN 0 AND 100)')
    _roles(ROLES_AFTER)


def downgrade() -> None:
    # An external expert's account loses its only role: it opens nothing until HQ gives one.
    op.execute("DELETE FROM role_grants WHERE role = 'external_expert'")
    _roles(ROLES_BEFORE)
    with op.batch_alter_table('gate_decisions', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_gate_decisions_conclusion_with_ratio'), type_='check')
        batch_op.drop_constraint(op.f('ck_gate_decisions_conclusion'), type_='check')
        batch_op.drop_column('completion_ratio')
        batch_op.drop_column('conclusion')
    with op.batch_alter_table('gate_templates', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_gate_templates_min_outside_units_not_negative'),
                                 type_='check')
        batch_op.drop_constraint(op.f('ck_gate_templates_min_experts_not_negative'),
                                 type_='check')
        batch_op.drop_constraint(op.f('ck_gate_templates_min_expert_title'), type_='check')
        batch_op.drop_column('min_expert_title')
        batch_op.drop_column('min_outside_units')
        batch_op.drop_column('min_experts')
    op.drop_index('ix_experts_name', table_name='experts')
    op.drop_table('experts')
