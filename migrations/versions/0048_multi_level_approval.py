"""multi-level approval

Revision ID: 0048
Revises: 0047
Create Date: 2026-11-26 11:54:39.611894

A proposal, and a change request beyond the PM's limits, goes through the institute's levels
before HQ (issue 23, point 3): the levels HQ configures and who signs at each, each submission
with its signatures (the opinions), and delegations. A change request gains the states of its
time at the institute: awaiting it, returned by it, withdrawn by its PM.
"""

from alembic import op
import sqlalchemy as sa
import tracker.db


revision = '0048'
down_revision = '0047'
branch_labels = None
depends_on = None

OLD_STATES = ('applied', 'pending', 'approved', 'refused')
NEW_STATES = ('applied', 'endorsing', 'pending', 'approved', 'refused', 'returned', 'withdrawn')


def _states_in(states: tuple[str, ...]) -> str:
    return "state IN (%s)" % ", ".join(f"'{s}'" for s in states)


def upgrade() -> None:
    op.create_table('approval_levels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=True),
    sa.Column('director', sa.Boolean(), nullable=False),
    sa.Column('applies_to', sa.Enum('all', 'proposal', 'change', name='approval_applies_to', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('created_at', tracker.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_approval_levels'))
    )
    op.create_table('approval_delegations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('principal_id', sa.Integer(), nullable=False),
    sa.Column('delegate_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', tracker.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('cancelled_at', tracker.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('delegate_id <> principal_id', name=op.f('ck_approval_delegations_not_to_oneself')),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_approval_delegations_period_in_order')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_approval_delegations_created_by_id_users')),
    sa.ForeignKeyConstraint(['delegate_id'], ['users.id'], name=op.f('fk_approval_delegations_delegate_id_users')),
    sa.ForeignKeyConstraint(['principal_id'], ['users.id'], name=op.f('fk_approval_delegations_principal_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_approval_delegations'))
    )
    with op.batch_alter_table('approval_delegations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_approval_delegations_delegate_id'), ['delegate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_approval_delegations_principal_id'), ['principal_id'], unique=False)

    op.create_table('approval_level_approvers',
    sa.Column('level_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['level_id'], ['approval_levels.id'], name=op.f('fk_approval_level_approvers_level_id_approval_levels'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_approval_level_approvers_user_id_users')),
    sa.PrimaryKeyConstraint('level_id', 'user_id', name=op.f('pk_approval_level_approvers'))
    )
    op.create_table('approval_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.Enum('proposal', 'change', name='approval_subject', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('change_request_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.Enum('pending', 'passed', 'returned', 'withdrawn', name='approval_state', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('level_since', tracker.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('submitted_by_id', sa.Integer(), nullable=False),
    sa.Column('submitted_at', tracker.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', tracker.db.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint("(subject = 'change') = (change_request_id IS NOT NULL)", name=op.f('ck_approval_requests_change_named')),
    sa.ForeignKeyConstraint(['change_request_id'], ['change_requests.id'], name=op.f('fk_approval_requests_change_request_id_change_requests'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_approval_requests_project_id_projects'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['submitted_by_id'], ['users.id'], name=op.f('fk_approval_requests_submitted_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_approval_requests'))
    )
    with op.batch_alter_table('approval_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_approval_requests_change_request_id'), ['change_request_id'], unique=False)
        # The to-do lists and the approval_waiting rule read the requests under way, by the
        # day they reached their level (level_since).
        batch_op.create_index('ix_approval_requests_pending', ['level_since'], unique=False, sqlite_where=sa.text("state = 'pending'"), postgresql_where=sa.text("state = 'pending'"))
        batch_op.create_index(batch_op.f('ix_approval_requests_project_id'), ['project_id'], unique=False)

    op.create_table('approval_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('level_name', sa.String(length=200), nullable=False),
    sa.Column('level_name_en', sa.String(length=200), nullable=True),
    sa.Column('approver_id', sa.Integer(), nullable=False),
    sa.Column('verdict', sa.Enum('endorse', 'return', name='approval_verdict', native_enum=False, create_constraint=True), nullable=True),
    sa.Column('opinion', sa.Text(), nullable=False),
    sa.Column('signed_by_id', sa.Integer(), nullable=True),
    sa.Column('signed_at', tracker.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['approver_id'], ['users.id'], name=op.f('fk_approval_steps_approver_id_users')),
    sa.ForeignKeyConstraint(['request_id'], ['approval_requests.id'], name=op.f('fk_approval_steps_request_id_approval_requests'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['signed_by_id'], ['users.id'], name=op.f('fk_approval_steps_signed_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_approval_steps'))
    )
    with op.batch_alter_table('approval_steps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_approval_steps_approver_id'), ['approver_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_approval_steps_request_id'), ['request_id'], unique=False)

    with op.batch_alter_table('change_requests', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_change_requests_change_state'), type_='check')
        batch_op.alter_column('state', existing_type=sa.VARCHAR(length=8),
                              type_=sa.VARCHAR(length=9), existing_nullable=False)
        batch_op.create_check_constraint(op.f('ck_change_requests_change_state'),
                                         _states_in(NEW_STATES))



def downgrade() -> None:
    # A change at the institute waits for a decision as before; one it returned, or its PM
    # withdrew, changed nothing, as a refused one.
    op.execute("UPDATE change_requests SET state = 'pending' WHERE state = 'endorsing'")
    op.execute("UPDATE change_requests SET state = 'refused' "
               "WHERE state IN ('returned', 'withdrawn')")
    with op.batch_alter_table('change_requests', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_change_requests_change_state'), type_='check')
        batch_op.alter_column('state', existing_type=sa.VARCHAR(length=9),
                              type_=sa.VARCHAR(length=8), existing_nullable=False)
        batch_op.create_check_constraint(op.f('ck_change_requests_change_state'),
                                         _states_in(OLD_STATES))

    with op.batch_alter_table('approval_steps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_approval_steps_request_id'))
        batch_op.drop_index(batch_op.f('ix_approval_steps_approver_id'))

    op.drop_table('approval_steps')
    with op.batch_alter_table('approval_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_approval_requests_project_id'))
        batch_op.drop_index('ix_approval_requests_pending', sqlite_where=sa.text("state = 'pending'"), postgresql_where=sa.text("state = 'pending'"))
        batch_op.drop_index(batch_op.f('ix_approval_requests_change_request_id'))

    op.drop_table('approval_requests')
    op.drop_table('approval_level_approvers')
    with op.batch_alter_table('approval_delegations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_approval_delegations_principal_id'))
        batch_op.drop_index(batch_op.f('ix_approval_delegations_delegate_id'))

    op.drop_table('approval_delegations')
    op.drop_table('approval_levels')
