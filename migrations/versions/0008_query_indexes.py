"""indexes for the queries the pages and the reminder rules run, each named with its query

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-25 21:16:23.230259
"""

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

NOT_DONE = sa.text("state NOT IN ('accepted', 'waived')")
SUBMITTED = sa.text("state = 'submitted'")
UNASSIGNED = sa.text("state = 'submitted' AND reviewer_id IS NULL")
PENDING = sa.text("state = 'pending'")


def upgrade() -> None:
    with op.batch_alter_table('projects', schema=None) as batch_op:
        # visibility.visible_to / the project list as a PM; the PM's home page ("My milestones",
        # payments due: Project.pm_id = :me); the PM filter; the reminder rules' recipients.
        batch_op.create_index('ix_projects_pm_id', ['pm_id'], unique=False)
        # A director's lists (projects.institute_id IN :directed) and every institute filter.
        batch_op.create_index('ix_projects_institute_id', ['institute_id'], unique=False)
        # The project list: ORDER BY year DESC, seq DESC LIMIT :page.
        batch_op.create_index('ix_projects_year_seq', ['year', 'seq'], unique=False)
        # The phase filter of the list; the hold_revisit and project_end rules (phase = ...).
        batch_op.create_index('ix_projects_phase', ['phase'], unique=False)

    with op.batch_alter_table('project_members', schema=None) as batch_op:
        # visibility.visible_to: projects.id IN (SELECT project_id FROM project_members
        # WHERE user_id = :me), in every list a team member opens.
        batch_op.create_index('ix_project_members_user_id', ['user_id'], unique=False)

    with op.batch_alter_table('milestones', schema=None) as batch_op:
        # The overdue list: WHERE due_date < :today AND state NOT IN ('accepted', 'waived')
        # ORDER BY due_date; most milestones are done and stay out of the index.
        batch_op.create_index('ix_milestones_not_done_due', ['due_date', 'project_id'],
                              unique=False, sqlite_where=NOT_DONE, postgresql_where=NOT_DONE)
        # The milestone_review rule: WHERE state = 'submitted' AND submitted_at < :end.
        batch_op.create_index('ix_milestones_submitted', ['submitted_at'], unique=False,
                              sqlite_where=SUBMITTED, postgresql_where=SUBMITTED)
        # HQ's home page: WHERE state = 'submitted' AND reviewer_id IS NULL
        # ORDER BY submitted_at.
        batch_op.create_index('ix_milestones_unassigned', ['submitted_at'], unique=False,
                              sqlite_where=UNASSIGNED, postgresql_where=UNASSIGNED)

    with op.batch_alter_table('rebaselines', schema=None) as batch_op:
        # HQ's home page: WHERE state = 'pending' ORDER BY requested_at.
        batch_op.create_index('ix_rebaselines_pending', ['requested_at'], unique=False,
                              sqlite_where=PENDING, postgresql_where=PENDING)

    with op.batch_alter_table('conditions', schema=None) as batch_op:
        # Home page, "Conditions I owe": WHERE owner_id = :me AND state = 'open'.
        batch_op.create_index('ix_conditions_owner_state', ['owner_id', 'state'], unique=False)
        # HQ's home page (state = 'met' ORDER BY met_at is small) and the condition_due rule:
        # WHERE state = 'open' AND due_date <= :until.
        batch_op.create_index('ix_conditions_state_due', ['state', 'due_date'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('conditions', schema=None) as batch_op:
        batch_op.drop_index('ix_conditions_state_due')
        batch_op.drop_index('ix_conditions_owner_state')

    with op.batch_alter_table('rebaselines', schema=None) as batch_op:
        batch_op.drop_index('ix_rebaselines_pending', sqlite_where=PENDING,
                            postgresql_where=PENDING)

    with op.batch_alter_table('milestones', schema=None) as batch_op:
        batch_op.drop_index('ix_milestones_unassigned', sqlite_where=UNASSIGNED,
                            postgresql_where=UNASSIGNED)
        batch_op.drop_index('ix_milestones_submitted', sqlite_where=SUBMITTED,
                            postgresql_where=SUBMITTED)
        batch_op.drop_index('ix_milestones_not_done_due', sqlite_where=NOT_DONE,
                            postgresql_where=NOT_DONE)

    with op.batch_alter_table('project_members', schema=None) as batch_op:
        batch_op.drop_index('ix_project_members_user_id')

    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_index('ix_projects_phase')
        batch_op.drop_index('ix_projects_year_seq')
        batch_op.drop_index('ix_projects_institute_id')
        batch_op.drop_index('ix_projects_pm_id')
