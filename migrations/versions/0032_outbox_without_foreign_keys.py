"""the reminder outbox without foreign keys: the scan writes tens of thousands of rows at once

Revision ID: 0032
Revises: 0031
Create Date: 2026-11-26 06:10:00

PostgreSQL checks a foreign key row by row, with a query and a row lock on the user and the
project of every row: at 60,000 reminders those checks were 2.0 of the insert's 4.8 s
(`EXPLAIN ANALYZE` of the insert, README "Speed"). The scan reads its recipients among the
active users and its projects in the same transaction; users are never deleted (they are
deactivated), and a withdrawn draft's reminders are deleted with it
(`projects.services._delete_draft_rows`). The index on the recipient stays: the outbox page
and the sender read by it.
"""

from alembic import op

revision = '0032'
down_revision = '0031'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('reminder_outbox', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('fk_reminder_outbox_recipient_id_users'), type_='foreignkey')
        batch_op.drop_constraint(op.f('fk_reminder_outbox_project_id_projects'),
                                 type_='foreignkey')


def downgrade() -> None:
    # Rows whose user or project is gone would fail the constraints: they are dropped first.
    op.execute("DELETE FROM reminder_outbox WHERE recipient_id NOT IN (SELECT id FROM users)")
    op.execute("UPDATE reminder_outbox SET project_id = NULL "
               "WHERE project_id NOT IN (SELECT id FROM projects)")
    with op.batch_alter_table('reminder_outbox', schema=None) as batch_op:
        batch_op.create_foreign_key(op.f('fk_reminder_outbox_recipient_id_users'), 'users',
                                    ['recipient_id'], ['id'], ondelete='CASCADE')
        batch_op.create_foreign_key(op.f('fk_reminder_outbox_project_id_projects'), 'projects',
                                    ['project_id'], ['id'])
