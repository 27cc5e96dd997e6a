"""imported reviews have no chair

Revision ID: 0115
Revises: 0114
Create Date: 2026-11-29 23:20:00

Issue 13, adoption finding F20. A gate decision imported as history (taken before the
tracker) named the HQ admin who imported it as its review's chair: the review page and its
printable form said "组长 data", and the admin was told and reminded as the panel's chair.
No panel sat in the tracker: such a review has no chair now (`record_imported_decision`,
the projects import), and those recorded before lose theirs here. The decision still names
who imported it (`decided_by_id`).

The downgrade gives each such review its importer back as chair, as it was.
"""

from alembic import op

revision = '0115'
down_revision = '0114'
branch_labels = None
depends_on = None

IMPORTED = ("SELECT review_id FROM gate_decisions WHERE imported_in_id IS NOT NULL "
            "AND supersedes_id IS NULL")


def upgrade():
    op.execute(f"UPDATE gate_reviews SET chair_id = NULL WHERE id IN ({IMPORTED})")


def downgrade():
    op.execute("UPDATE gate_reviews SET chair_id = (SELECT d.decided_by_id FROM gate_decisions d "
               "WHERE d.review_id = gate_reviews.id AND d.imported_in_id IS NOT NULL "
               "AND d.supersedes_id IS NULL) "
               f"WHERE chair_id IS NULL AND id IN ({IMPORTED})")
