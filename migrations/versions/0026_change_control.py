"""change control under the PM system: change requests, approved baselines, PM handovers, and
the technical route of a project

Revision ID: 0026
Revises: 0025
Create Date: 2026-11-26 02:51:33.242339
"""

from alembic import op
import sqlalchemy as sa
import tracker.db


revision = '0026'
down_revision = '0025'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('change_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('budget_move', 'budget_total', 'team_add', 'team_remove', 'route', 'end_date', 'handover', name='change_kind', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('state', sa.Enum('applied', 'pending', 'approved', 'refused', name='change_state', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('params', sa.JSON(), nullable=False),
    sa.Column('before', sa.JSON(), nullable=False),
    sa.Column('after', sa.JSON(), nullable=False),
    sa.Column('moved', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', tracker.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', tracker.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('decision_reason', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), server_default='1', nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_change_requests_decided_by_id_users')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_change_requests_project_id_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_change_requests_requested_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_change_requests'))
    )
    with op.batch_alter_table('change_requests', schema=None) as batch_op:
        # HQ's home page and the reminder rule: requests waiting for HQ, oldest first.
        batch_op.create_index('ix_change_requests_pending', ['requested_at'], unique=False, sqlite_where=sa.text("state = 'pending'"), postgresql_where=sa.text("state = 'pending'"))
        batch_op.create_index(batch_op.f('ix_change_requests_project_id'), ['project_id'], unique=False)

    op.create_table('pm_handovers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('from_pm_id', sa.Integer(), nullable=False),
    sa.Column('to_pm_id', sa.Integer(), nullable=False),
    sa.Column('at', tracker.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['by_id'], ['users.id'], name=op.f('fk_pm_handovers_by_id_users')),
    sa.ForeignKeyConstraint(['from_pm_id'], ['users.id'], name=op.f('fk_pm_handovers_from_pm_id_users')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_pm_handovers_project_id_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['to_pm_id'], ['users.id'], name=op.f('fk_pm_handovers_to_pm_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pm_handovers'))
    )
    with op.batch_alter_table('pm_handovers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pm_handovers_from_pm_id'), ['from_pm_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pm_handovers_project_id'), ['project_id'], unique=False)

    op.create_table('project_baselines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('taken_at', tracker.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('change_request_id', sa.Integer(), nullable=True),
    sa.Column('budget_total', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('technical_route', sa.Text(), nullable=False),
    sa.Column('budget_lines', sa.JSON(), nullable=False),
    sa.Column('pm_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['change_request_id'], ['change_requests.id'], name=op.f('fk_project_baselines_change_request_id_change_requests')),
    sa.ForeignKeyConstraint(['pm_id'], ['users.id'], name=op.f('fk_project_baselines_pm_id_users')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_baselines_project_id_projects'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_baselines'))
    )
    with op.batch_alter_table('project_baselines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_project_baselines_project_id'), ['project_id'], unique=False)

    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('technical_route', sa.Text(), server_default='', nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_column('technical_route')

    with op.batch_alter_table('project_baselines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_project_baselines_project_id'))

    op.drop_table('project_baselines')
    with op.batch_alter_table('pm_handovers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pm_handovers_project_id'))
        batch_op.drop_index(batch_op.f('ix_pm_handovers_from_pm_id'))

    op.drop_table('pm_handovers')
    with op.batch_alter_table('change_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_change_requests_project_id'))
        batch_op.drop_index('ix_change_requests_pending', sqlite_where=sa.text("state = 'pending'"), postgresql_where=sa.text("state = 'pending'"))

    op.drop_table('change_requests')
