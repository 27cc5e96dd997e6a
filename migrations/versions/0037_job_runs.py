"""each periodic job's last run, for /healthz and /metrics

Revision ID: 0037
Revises: 0036
Create Date: 2026-11-26 09:10:00

One row a job (the reminders' scan and send, the import poll): when it last started and
finished, the end of its last run without an error, the last error, which host ran it.
"""

from alembic import op
import sqlalchemy as sa

import tracker.db


revision = '0037'
down_revision = '0036'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'job_runs',
        sa.Column('job', sa.String(length=40), nullable=False),
        sa.Column('started_at', tracker.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('finished_at', tracker.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('last_ok_at', tracker.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('error', sa.String(length=500), nullable=True),
        sa.Column('ran_on', sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint('job', name=op.f('pk_job_runs')),
    )


def downgrade() -> None:
    op.drop_table('job_runs')
