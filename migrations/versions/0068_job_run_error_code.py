"""a scheduled job's failure kept as a code and its parameters

Revision ID: 0068
Revises: 0067
Create Date: 2026-11-26 23:20:00

Issue 9, point 7: the last run of a job kept what went wrong as the program's English words
only, shown as such on Chinese pages. It now keeps a code and parameters, said in the reader's
language (tracker/jobs/failures.py); the words stay as a detail. A failure already kept becomes
"database" when its words say so, else "logged".
"""

import sqlalchemy as sa
from alembic import op

revision = '0068'
down_revision = '0067'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('job_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('error_code', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('error_params', sa.JSON(), nullable=True))
    op.execute("UPDATE job_runs SET error_code = CASE WHEN error LIKE "
               "'%database is unreachable%' THEN 'database' ELSE 'logged' END "
               "WHERE error IS NOT NULL")


def downgrade() -> None:
    with op.batch_alter_table('job_runs', schema=None) as batch_op:
        batch_op.drop_column('error_params')
        batch_op.drop_column('error_code')
