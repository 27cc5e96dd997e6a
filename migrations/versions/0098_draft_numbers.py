"""a draft is known by the PM's own number, not the row's id

Revision ID: 0098
Revises: 0097
Create Date: 2026-11-27 21:15:00

Issue 9 point 2 (the newcomer's walk): a draft's provisional reference was "Draft <id>", the
row's id, so a PM's drafts read 草稿 3, 5, 6, with gaps made by every other PM's projects.
`projects.draft_number` is the PM's n-th draft (`tracker.projects.drafts` gives it to each new
one); the drafts already recorded are numbered per PM in the order they were made. Projects
with a code keep none: they were submitted before this and are known by their code. The
downgrade drops the column.
"""

import sqlalchemy as sa
from alembic import op

revision = '0098'
down_revision = '0097'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('draft_number', sa.Integer(), nullable=True))
    op.execute("UPDATE projects SET draft_number = (SELECT COUNT(*) FROM projects AS earlier "
               "WHERE earlier.pm_id = projects.pm_id AND earlier.code IS NULL "
               "AND earlier.id <= projects.id) WHERE code IS NULL")


def downgrade() -> None:
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_column('draft_number')
