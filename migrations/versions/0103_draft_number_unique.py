"""a PM's drafts have each their own number, in the database

Revision ID: 0103
Revises: 0102
Create Date: 2026-11-28 00:30:00

Issue 9 (small 9): `projects.draft_number` (0098) was unique nowhere but in the code that
gives it, so two drafts one PM made at once could read the same "Draft 3". A unique index on
(pm_id, draft_number) over drafts (code IS NULL) now refuses the second, which
`tracker.projects.drafts.written_numbered` writes again, numbered after. A project under way
keeps the number it had as a draft, and one handed to another PM may share it with the new
PM's: the index covers drafts only. Drafts of a PM that share a number already (none is
known) are numbered again, the later ones after the PM's highest, before the index is made.
"""

import sqlalchemy as sa
from alembic import op

revision = '0103'
down_revision = '0102'
branch_labels = None
depends_on = None

DRAFTS = sa.text('code IS NULL')


def upgrade() -> None:
    bind = op.get_bind()
    twins = bind.execute(sa.text(
        "SELECT DISTINCT later.id, later.pm_id FROM projects later JOIN projects earlier "
        "ON earlier.pm_id = later.pm_id AND earlier.draft_number = later.draft_number "
        "AND earlier.id < later.id WHERE later.code IS NULL AND earlier.code IS NULL "
        "ORDER BY later.id")).all()
    for project_id, pm_id in twins:
        bind.execute(sa.text(
            "UPDATE projects SET draft_number = (SELECT max(draft_number) + 1 FROM projects "
            "WHERE pm_id = :pm) WHERE id = :id"), {"pm": pm_id, "id": project_id})
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.create_index('uq_projects_draft_of_pm', ['pm_id', 'draft_number'],
                              unique=True, sqlite_where=DRAFTS, postgresql_where=DRAFTS)


def downgrade() -> None:
    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_index('uq_projects_draft_of_pm', sqlite_where=DRAFTS,
                            postgresql_where=DRAFTS)
