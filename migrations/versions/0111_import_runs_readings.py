"""the short forms an import read: import_runs.readings

Revision ID: 0111
Revises: 0110
Create Date: 2026-11-29 16:30:00

Issue 13. A choice written shortened (研究 for 研究所所长) is read whenever one choice fits; a
run now keeps each distinct short form it read per column, the label it read it as and its
rows (`tracker.imports.shortened`), which its page and `flask import` list. Runs before this
one read none (NULL).
"""

import sqlalchemy as sa
from alembic import op

revision = '0111'
down_revision = '0110'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('import_runs') as batch:
        batch.add_column(sa.Column('readings', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('import_runs') as batch:
        batch.drop_column('readings')
