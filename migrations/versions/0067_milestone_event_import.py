"""the import that brought a milestone in its state, a reference instead of text

Revision ID: 0067
Revises: 0066
Create Date: 2026-11-26 23:10:00

Issue 9, point 7: a milestone event written by an import said so in its comment as English
prose ("import #12"). It now names the import run (`imported_in_id`) and the page says it in the
reader's language; the comments already written that way become references.
"""

import re

import sqlalchemy as sa
from alembic import op

revision = '0067'
down_revision = '0066'
branch_labels = None
depends_on = None

_WRITTEN = re.compile(r"^import #(\d+)$")


def upgrade() -> None:
    with op.batch_alter_table('milestone_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('imported_in_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_milestone_events_imported_in_id_import_runs'),
                                    'import_runs', ['imported_in_id'], ['id'])
    conn = op.get_bind()
    runs = {row[0] for row in conn.execute(sa.text("SELECT id FROM import_runs"))}
    for event_id, comment in conn.execute(sa.text(
            "SELECT id, comment FROM milestone_events WHERE comment LIKE 'import #%'")).all():
        found = _WRITTEN.match(comment or "")
        if found is None:
            continue
        run = int(found.group(1))
        conn.execute(sa.text("UPDATE milestone_events SET comment = '', imported_in_id = :run "
                             "WHERE id = :id"),
                     {"run": run if run in runs else None, "id": event_id})


def downgrade() -> None:
    conn = op.get_bind()
    conn.execute(sa.text(
        "UPDATE milestone_events SET comment = 'import #' || CAST(imported_in_id AS VARCHAR(20)) "
        "WHERE imported_in_id IS NOT NULL"))
    with op.batch_alter_table('milestone_events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_milestone_events_imported_in_id_import_runs'),
                                 type_='foreignkey')
        batch_op.drop_column('imported_in_id')
