"""a phase change brought in by an import names it, and is dated as its decision

Revision ID: 0077
Revises: 0076
Create Date: 2026-11-27 06:00:00

Issue 13, F17: an imported project's timeline named its PM as the one who submitted it and
dated every phase change on the day of the import, after the decisions that caused them. A
phase change an import writes now names the import (`phase_changes.imported_in_id`), is by the
importing HQ admin, and is dated as the decision that caused it (a submission at the start of
the day of the project's first imported decision). The changes already written so are put
right: those of an imported decision take its import and its date; the submission of a project
whose gate 1 was imported takes that import, its admin and the start of its day.
"""

from datetime import timedelta

import sqlalchemy as sa
from alembic import op

import tracker.db

revision = '0077'
down_revision = '0076'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('phase_changes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('imported_in_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_phase_changes_imported_in_id_import_runs'),
                                    'import_runs', ['imported_in_id'], ['id'])
    conn = op.get_bind()
    when = tracker.db.UTCDateTime(timezone=True)
    changes = sa.table('phase_changes', sa.column('id'), sa.column('at', when),
                       sa.column('actor_id'), sa.column('imported_in_id'))
    decided = conn.execute(sa.text(
        "SELECT c.id, d.imported_in_id, d.decided_at FROM phase_changes c "
        "JOIN gate_decisions d ON d.id = c.decision_id "
        "WHERE d.imported_in_id IS NOT NULL").columns(
            decided_at=when)).all()
    for change_id, run, at in decided:
        conn.execute(changes.update().where(changes.c.id == change_id).values(
            imported_in_id=run, at=at))
    submitted = conn.execute(sa.text(
        "SELECT c.id, d.imported_in_id, d.decided_by_id, d.decided_at FROM phase_changes c "
        "JOIN gate_reviews r ON r.project_id = c.project_id AND r.gate = 1 "
        "JOIN gate_decisions d ON d.review_id = r.id AND d.imported_in_id IS NOT NULL "
        "WHERE c.from_phase = 'draft' AND c.to_phase = 'proposal_review'").columns(
            decided_at=when)).all()
    for change_id, run, admin, at in submitted:
        conn.execute(changes.update().where(changes.c.id == change_id).values(
            imported_in_id=run, actor_id=admin, at=at - timedelta(hours=12)))


def downgrade() -> None:
    # The dates and authors put right stay so: they are the history as it happened.
    with op.batch_alter_table('phase_changes', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_phase_changes_imported_in_id_import_runs'),
                                 type_='foreignkey')
        batch_op.drop_column('imported_in_id')
