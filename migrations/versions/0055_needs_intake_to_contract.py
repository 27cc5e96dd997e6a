"""enterprise needs from intake to contract

Revision ID: 0055
Revises: 0054
Create Date: 2026-11-26 15:00:00

Issue 15, point 1: a need records who submitted it, HQ's analysis (technical field, TRL,
budget range, urgency), when it entered its state and first reached each step (the times from
intake to match and to contract), who decided the match, and why it was closed; the candidates
HQ proposes (institute, PM, reason) and the one chosen. `role_grants.role` takes
`enterprise_contact`. A need on record counts in its state from when it was recorded.
"""

import sqlalchemy as sa
from alembic import op

import tracker.db

revision = '0055'
down_revision = '0054'
branch_labels = None
depends_on = None

ROLES_BEFORE = ('project_manager', 'evaluator', 'investment_committee', 'hq_admin', 'observer',
                'external_expert', 'institute_director')
ROLES_AFTER = (*ROLES_BEFORE[:6], 'enterprise_contact', ROLES_BEFORE[6])


def _roles(values: tuple[str, ...]) -> None:
    with op.batch_alter_table('role_grants', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_role_grants_role'), type_='check')
        batch_op.create_check_constraint(
            op.f('ck_role_grants_role'),
            sa.text('role IN (' + ', '.join(f"'{v}'" for v in values) + ')'))


def upgrade() -> None:
    with op.batch_alter_table('technology_needs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('submitted_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('field', sa.String(length=100), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('trl', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('budget_min', sa.Numeric(precision=18, scale=2), nullable=True))
        batch_op.add_column(sa.Column('budget_max', sa.Numeric(precision=18, scale=2), nullable=True))
        batch_op.add_column(sa.Column('urgency', sa.Enum(
            'low', 'normal', 'high', name='need_urgency', native_enum=False,
            create_constraint=True, length=6), nullable=True))
        batch_op.add_column(sa.Column('state_since', tracker.db.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('analysed_at', tracker.db.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('matched_at', tracker.db.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('matched_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('contracted_at', tracker.db.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('closed_at', tracker.db.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('close_reason', sa.Text(), server_default='',
                                      nullable=False))
        batch_op.create_foreign_key(batch_op.f('fk_technology_needs_submitted_by_id_users'),
                                    'users', ['submitted_by_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_technology_needs_matched_by_id_users'),
                                    'users', ['matched_by_id'], ['id'])
    op.execute("UPDATE technology_needs SET state_since = created_at")
    with op.batch_alter_table('technology_needs', schema=None) as batch_op:
        batch_op.alter_column('state_since', existing_type=tracker.db.UTCDateTime(timezone=True),
                              nullable=False)
    op.create_table(
        'need_candidates',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('need_id', sa.Integer(), nullable=False),
        sa.Column('institute_id', sa.Integer(), nullable=False),
        sa.Column('pm_id', sa.Integer(), nullable=True),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('proposed_by_id', sa.Integer(), nullable=False),
        sa.Column('proposed_at', tracker.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('chosen_at', tracker.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('chosen_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['chosen_by_id'], ['users.id'],
                                name=op.f('fk_need_candidates_chosen_by_id_users')),
        sa.ForeignKeyConstraint(['institute_id'], ['institutes.id'],
                                name=op.f('fk_need_candidates_institute_id_institutes')),
        sa.ForeignKeyConstraint(['need_id'], ['technology_needs.id'],
                                name=op.f('fk_need_candidates_need_id_technology_needs'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['pm_id'], ['users.id'],
                                name=op.f('fk_need_candidates_pm_id_users')),
        sa.ForeignKeyConstraint(['proposed_by_id'], ['users.id'],
                                name=op.f('fk_need_candidates_proposed_by_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_need_candidates')))
    with op.batch_alter_table('need_candidates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_need_candidates_need_id'), ['need_id'],
                              unique=False)
    _roles(ROLES_AFTER)


def downgrade() -> None:
    # An enterprise contact's account loses its only role: it opens nothing until HQ gives one.
    op.execute("DELETE FROM role_grants WHERE role = 'enterprise_contact'")
    _roles(ROLES_BEFORE)
    with op.batch_alter_table('need_candidates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_need_candidates_need_id'))
    op.drop_table('need_candidates')
    with op.batch_alter_table('technology_needs', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_technology_needs_matched_by_id_users'),
                                 type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_technology_needs_submitted_by_id_users'),
                                 type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('ck_technology_needs_need_urgency'), type_='check')
        for column in ('close_reason', 'closed_at', 'contracted_at', 'matched_by_id',
                       'matched_at', 'analysed_at', 'state_since', 'urgency', 'budget_max',
                       'budget_min', 'trl', 'field', 'submitted_by_id'):
            batch_op.drop_column(column)
