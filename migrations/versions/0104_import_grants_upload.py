"""a web upload of companies carries their incentive grants file too

Revision ID: 0104
Revises: 0103
Create Date: 2026-11-28 00:20:00

Issue 13: the companies file and the incentive grants file are imported in one run, each
company's ledger replayed in date order across both (`tracker/imports/replay.py`). The upload
page takes the grants file beside the companies file; its queued run keeps the second file,
and its name, until its job has read it, as it keeps the first (`upload`).
"""

import sqlalchemy as sa
from alembic import op

revision = '0104'
down_revision = '0103'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('import_runs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('grants_upload', sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column('grants_filename', sa.String(length=255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('import_runs', schema=None) as batch_op:
        batch_op.drop_column('grants_filename')
        batch_op.drop_column('grants_upload')
