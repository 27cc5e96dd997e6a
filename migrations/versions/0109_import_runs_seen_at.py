"""an import run's last sign of life: import_runs.seen_at

Revision ID: 0109
Revises: 0108
Create Date: 2026-11-29 10:10:00

Issue 13 point 4. A run whose worker died (its process killed mid-import) stayed "Running" on
its page for ever. Its worker now writes when it took the run and each progress report's time
(`tracker.imports.jobs`); a running run silent for longer than
`tracker.imports.models.STOPPED_AFTER_SECONDS` is shown as stopped and its Cancel ends it. A run
no worker took (waiting, or cancelled while it waited) has none: its page shows no "Started"
time. Runs before this one: their start, except those cancelled before a worker took them
(no row read: a running run is cancelled at a progress report, after 50 rows).
"""

import sqlalchemy as sa
from alembic import op

import tracker.db

revision = '0109'
down_revision = '0108'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('import_runs') as batch:
        batch.add_column(sa.Column('seen_at', tracker.db.UTCDateTime(timezone=True),
                                   nullable=True))
    op.execute("UPDATE import_runs SET seen_at = started_at WHERE state <> 'queued' "
               "AND NOT (state = 'cancelled' AND done_rows = 0)")


def downgrade():
    with op.batch_alter_table('import_runs') as batch:
        batch.drop_column('seen_at')
