"""imports uploaded through the web run as background jobs: the file waits in its run's row

Revision ID: 0029
Revises: 0028
Create Date: 2026-11-26 03:35:00

`upload` holds the file until the job has read it (then it is cleared), so any worker on any
host can run it; `locale` is the uploader's language, which the messages are written in;
`cancel_requested` is set by the Cancel button of the progress page and read by the job
between batches of rows. A run waiting for a worker is 'queued'.
"""

from alembic import op
import sqlalchemy as sa


revision = '0029'
down_revision = '0028'
branch_labels = None
depends_on = None

OLD = "'running', 'done', 'checked', 'failed', 'cancelled'"
NEW = "'queued', 'running', 'done', 'checked', 'failed', 'cancelled'"


def upgrade() -> None:
    with op.batch_alter_table('import_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('upload', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('locale', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('cancel_requested', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.drop_constraint(op.f('ck_import_runs_import_state'), type_='check')
        batch_op.create_check_constraint(op.f('ck_import_runs_import_state'),
                                         f"state IN ({NEW})")


def downgrade() -> None:
    op.execute("UPDATE import_runs SET state = 'cancelled' WHERE state = 'queued'")
    with op.batch_alter_table('import_runs', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_import_runs_import_state'), type_='check')
        batch_op.create_check_constraint(op.f('ck_import_runs_import_state'),
                                         f"state IN ({OLD})")
        batch_op.drop_column('cancel_requested')
        batch_op.drop_column('locale')
        batch_op.drop_column('upload')
