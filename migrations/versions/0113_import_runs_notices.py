"""how an import read its file: import_runs.notices

Revision ID: 0113
Revises: 0112
Create Date: 2026-11-29 18:30:00

Issue 13. A run now keeps how it read its file (`tracker.imports.notices`): which sheet of a
workbook it read, among which, and the columns it left unread as bookkeeping (序号, 备注,
Notes ...), as codes and arguments, which its page, its error file and `flask import` say in
the reader's language. Runs before this one kept none (NULL).
"""

import sqlalchemy as sa
from alembic import op

revision = '0113'
down_revision = '0112'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('import_runs') as batch:
        batch.add_column(sa.Column('notices', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('import_runs') as batch:
        batch.drop_column('notices')
